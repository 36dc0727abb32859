#!/usr/bin/env bash
# mock_bindings.sh — --mock-config and --bindings files of the wrong shape: each is refused before
# anything runs (exit 2) with "aslc: FILE: /JSON/pointer: message", never a crash or garbage.
set -u
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-hardening.XXXXXX"); trap 'rm -rf "$T"' EXIT; cd "$T" || exit 2

cat >wf.json <<'EOF'
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}
EOF
echo '{}' >in.json

# The program's name starts the line: aslc, or the built executable's path.
prog() { if [ "$MODE" = exe ]; then echo "$T/.exe"; else echo aslc; fi; }

# check_usage NAME: exit 2, nothing on stdout, and stderr is "PROG: $WANT..." (one line).
check_usage() {
	local want
	want="$(prog): $WANT"
	if [ "$rc" -ne 2 ]; then
		fail "$1" "exit $rc, expected 2; stderr: $(firstline "$err")"
	elif [ -n "$out" ]; then
		fail "$1" "stdout is not empty: $(firstline "$out")"
	elif [[ $err != "$want"* ]]; then
		fail "$1" "stderr does not start with '$want': $(firstline "$err")"
	else
		ok "$1"
	fi
}
CHECK=check_usage

# ------------------------------------------------------------------ the reproducers, every mode
# A file without the state machine: the message once had three %s and two arguments.
echo '{"StateMachines":{},"MockedResponses":{}}' >no-machine.json
WANT='no-machine.json: /StateMachines: no state machines, so no test case "T"'
in_every_mode mock_without_the_state_machine wf.json --input in.json --mock-config no-machine.json --test-case T

# A response written as an array: strtol once read the NULL key of its element.
echo '{"StateMachines":{"wf1":{"TestCases":{"T":{"T":"R"}}}},"MockedResponses":{"R":[{"Return":1}]}}' >array.json
WANT='array.json: /MockedResponses/R: a mocked response ({"<invocation number or range>": {"Return": ...}, ...}) must be an object, not an array'
in_every_mode mocked_response_as_an_array wf.json --input in.json --mock-config array.json --test-case T

# A directory where the file should be: the diagnostic starts with the program's name too.
mkdir -p dir
WANT="dir: Is a directory"
in_every_mode mock_config_is_a_directory wf.json --input in.json --mock-config dir --test-case T
in_every_mode bindings_is_a_directory wf.json --input in.json --bindings dir

# ------------------------------------------------------------------ mock configurations, every field
MODE=interp
# bad_mock NAME JSON POINTER_AND_MESSAGE (or :LINE:COL: MESSAGE for a syntax error)
bad_mock() {
	printf '%s' "$2" >mock.json
	case $3 in
	:*) WANT="mock.json$3" ;; # a syntax error: FILE:LINE:COL: ...
	*) WANT="mock.json: $3" ;;
	esac
	run "$ASLC" run wf.json --input in.json --mock-config mock.json --test-case T --mode interp
	check_usage "$1"
}
SM='"StateMachines":{"wf":{"TestCases":{"T":{"T":"R"}}}}'
bad_mock mock_not_an_object '[]' 'a mock configuration must be an object, not an array'
bad_mock mock_not_json '{"StateMachines":' ':1:18: unexpected end of input'
bad_mock mock_unknown_top_field "{$SM,\"MockedResponse\":{}}" '/MockedResponse: unknown field (only "StateMachines" and "MockedResponses")'
bad_mock mock_without_state_machines '{"MockedResponses":{}}' 'a mock configuration needs "StateMachines"'
bad_mock mock_without_responses "{$SM}" 'a mock configuration needs "MockedResponses"'
bad_mock mock_state_machines_a_string '{"StateMachines":"wf","MockedResponses":{}}' '/StateMachines: "StateMachines" must be an object, not a string'
bad_mock mock_machine_null '{"StateMachines":{"wf":null},"MockedResponses":{}}' '/StateMachines/wf: a state machine'"'"'s entry ({"TestCases": {...}}) must be an object, not null'
bad_mock mock_machine_without_test_cases '{"StateMachines":{"wf":{}},"MockedResponses":{}}' '/StateMachines/wf: a state machine'"'"'s entry needs "TestCases"'
bad_mock mock_test_cases_an_array '{"StateMachines":{"wf":{"TestCases":[]}},"MockedResponses":{}}' '/StateMachines/wf/TestCases: "TestCases" must be an object, not an array'
bad_mock mock_test_case_a_string '{"StateMachines":{"wf":{"TestCases":{"T":"R"}}},"MockedResponses":{}}' '/StateMachines/wf/TestCases/T: a test case (state name -> mocked response name) must be an object, not a string'
bad_mock mock_state_maps_to_a_number '{"StateMachines":{"wf":{"TestCases":{"T":{"T":1}}}},"MockedResponses":{}}' '/StateMachines/wf/TestCases/T/T: a test case maps a state to the name of a mocked response: a string, not a number'
bad_mock mock_response_missing "{$SM,\"MockedResponses\":{}}" '/StateMachines/wf/TestCases/T/T: no mocked response named "R" under MockedResponses'
bad_mock mock_responses_an_array "{$SM,\"MockedResponses\":[]}" '/MockedResponses: "MockedResponses" must be an object, not an array'
bad_mock mock_response_empty "{$SM,\"MockedResponses\":{\"R\":{}}}" '/MockedResponses/R: a mocked response needs at least one invocation'
bad_mock mock_key_not_a_number "{$SM,\"MockedResponses\":{\"R\":{\"first\":{\"Return\":1}}}}" '/MockedResponses/R/first: an invocation key is a number counted from 0 ("0") or a range ("1-2")'
bad_mock mock_key_negative "{$SM,\"MockedResponses\":{\"R\":{\"-1\":{\"Return\":1}}}}" '/MockedResponses/R/-1: an invocation key is a number'
bad_mock mock_key_huge "{$SM,\"MockedResponses\":{\"R\":{\"0-99999999999999999999\":{\"Return\":1}}}}" '/MockedResponses/R/0-99999999999999999999: an invocation key is a number'
bad_mock mock_range_reversed "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Return\":1},\"3-1\":{\"Return\":1}}}}" '/MockedResponses/R/3-1: the range ends before it starts'
bad_mock mock_keys_overlap "{$SM,\"MockedResponses\":{\"R\":{\"0-2\":{\"Return\":1},\"2\":{\"Return\":2}}}}" '/MockedResponses/R/2: invocation 2 has a response under "0-2" already'
bad_mock mock_keys_leave_a_gap "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Return\":1},\"2\":{\"Return\":2}}}}" '/MockedResponses/R: no response for invocation 1: invocations are numbered from 0 without gaps'
bad_mock mock_keys_start_after_0 "{$SM,\"MockedResponses\":{\"R\":{\"1\":{\"Return\":1}}}}" '/MockedResponses/R: no response for invocation 0'
bad_mock mock_entry_an_array "{$SM,\"MockedResponses\":{\"R\":{\"0\":[{\"Return\":1}]}}}" '/MockedResponses/R/0: an invocation'"'"'s response ({"Return": <any JSON>} or {"Throw": {"Error": "...", "Cause": "..."}}) must be an object, not an array'
bad_mock mock_entry_both "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Return\":1,\"Throw\":{\"Error\":\"E\"}}}}}" '/MockedResponses/R/0: an invocation'"'"'s response needs exactly one of "Return" and "Throw"'
bad_mock mock_entry_neither "{$SM,\"MockedResponses\":{\"R\":{\"0\":{}}}}" '/MockedResponses/R/0: an invocation'"'"'s response needs exactly one of "Return" and "Throw"'
bad_mock mock_entry_misspelt "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Retrun\":1}}}}" '/MockedResponses/R/0/Retrun: unknown field (only "Return" and "Throw")'
bad_mock mock_throw_a_string "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Throw\":\"E\"}}}}" '/MockedResponses/R/0/Throw: "Throw" must be an object, not a string'
bad_mock mock_throw_without_error "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Throw\":{\"Cause\":\"c\"}}}}}" '/MockedResponses/R/0/Throw: "Throw" needs "Error"'
bad_mock mock_throw_error_a_number "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Throw\":{\"Error\":1}}}}}" '/MockedResponses/R/0/Throw/Error: "Error" must be a string, not a number'
bad_mock mock_throw_cause_an_object "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Throw\":{\"Error\":\"E\",\"Cause\":{}}}}}}" '/MockedResponses/R/0/Throw/Cause: "Cause" must be a string, not an object'
bad_mock mock_throw_unknown_field "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Throw\":{\"Error\":\"E\",\"Message\":\"m\"}}}}}" '/MockedResponses/R/0/Throw/Message: unknown field (only "Error" and "Cause")'
bad_mock mock_duplicate_response "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Return\":1}},\"R\":{\"0\":{\"Return\":2}}}}" '/MockedResponses/R: duplicate key: an earlier member of this object has the same name'
bad_mock mock_pointer_escapes_and_control_bytes '{"StateMachines":{"wf":{"TestCases":{"T":{"T":"a/b~c\n"}}}},"MockedResponses":{"a/b~c\n":{"0":{"Throw":{"Error":"E","Cause":1}}}}}' '/MockedResponses/a~1b~0c\n/0/Throw/Cause: "Cause" must be a string, not a number'
bad_mock mock_no_such_test_case '{"StateMachines":{"wf":{"TestCases":{"Other":{}}}},"MockedResponses":{}}' '/StateMachines/wf/TestCases: no test case named "T"'
bad_mock mock_other_machines_only '{"StateMachines":{"a":{"TestCases":{}},"b":{"TestCases":{}}},"MockedResponses":{}}' '/StateMachines: no state machine named "wf"'
# A broken test case of another state machine is still a broken file.
bad_mock mock_checks_every_test_case "{\"StateMachines\":{\"wf\":{\"TestCases\":{\"T\":{}}},\"other\":{\"TestCases\":{\"X\":{\"S\":\"Gone\"}}}},\"MockedResponses\":{}}" '/StateMachines/other/TestCases/X/S: no mocked response named "Gone"'

# ------------------------------------------------------------------ good mock configurations still run
good_mock() {
	printf '%s' "$2" >mock.json
	run "$ASLC" run wf.json --input in.json --mock-config mock.json --test-case T --mode interp
	expect "$1" "$3" "$4"
}
good_mock mock_return_runs "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Return\":{\"a\":[1]}}}}}" 0 '{"a":[1]}'
good_mock mock_throw_without_cause_runs "{$SM,\"MockedResponses\":{\"R\":{\"0\":{\"Throw\":{\"Error\":\"E\"}}}}}" 1 '{"Error":"E"}'
good_mock mock_the_only_machine_whatever_its_name '{"StateMachines":{"x":{"TestCases":{"T":{"T":"R"}}}},"MockedResponses":{"R":{"1-2":{"Return":2},"0":{"Return":1}}}}' 0 1
# Invocation 0 was mocked, 1 is not: a States.Runtime failure at run time, as before.
cat >loop.json <<'EOF'
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
  "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 3}], "End": true}}}
EOF
printf '%s' '{"StateMachines":{"loop":{"TestCases":{"T":{"T":"R"}}}},"MockedResponses":{"R":{"0":{"Throw":{"Error":"E","Cause":"c"}}}}}' >mock.json
run "$ASLC" run loop.json --input in.json --mock-config mock.json --test-case T --mode interp --no-wait
expect mock_past_the_last_invocation_is_states_runtime 1 \
	'{"Error":"States.Runtime","Cause":"The mocked response \"R\" for state '"'"'T'"'"' has no entry for invocation 1."}'

# ------------------------------------------------------------------ bindings files
# bad_bindings NAME JSON POINTER_AND_MESSAGE: refused by run and by check alike.
bad_bindings() {
	printf '%s' "$2" >bindings.json
	case $3 in
	:*) WANT="bindings.json$3" ;;
	*) WANT="bindings.json: $3" ;;
	esac
	run "$ASLC" run wf.json --input in.json --bindings bindings.json --mode interp
	check_usage "$1"
	run "$ASLC" check wf.json --bindings bindings.json
	check_usage "${1}_check"
}
bad_bindings bindings_not_an_object '"x"' 'a bindings file is a JSON object'
bad_bindings bindings_not_json '{"f": {"exec": ["x"]' ':1:21: unexpected end of input'
bad_bindings bindings_entry_an_array '{"f": [{"exec": ["x"]}]}' '/f: a binding must be an object'
bad_bindings bindings_exec_not_an_array '{"f": {"exec": {"0": "x"}}}' '/f/exec: "exec" must be a non-empty array of strings: the program and its arguments, not an object'
bad_bindings bindings_exec_argument_null '{"f": {"exec": ["x", null]}}' '/f/exec/1: "exec" must be an array of strings: the program and its arguments; this is null'
bad_bindings bindings_exec_nested_array '{"f": {"exec": [["x"]]}}' '/f/exec/0: "exec" must be an array of strings'
bad_bindings bindings_http_a_number '{"f": {"http": 8080}}' '/f/http: "http" must be a URL starting with http:// or https://'
bad_bindings bindings_unknown_field '{"f": {"exec": ["x"], "cwd": "/"}}' '/f/cwd: unknown field in a binding'
bad_bindings bindings_same_resource_twice '{"f": {"exec": ["x"]}, "f": {"http": "http://127.0.0.1:9"}}' '/f: the same resource is bound twice'
mkdir -p bdir
run "$ASLC" check wf.json --bindings bdir
expect_clean_failure bindings_is_a_directory_check 2 "aslc: bdir: Is a directory"

summary
