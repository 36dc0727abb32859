#!/usr/bin/env bash
# run.sh — Tasks doing real local work (design.md "Tasks: where the work happens locally"):
# exec handlers (tests/tasks/handlers/worker.py), http handlers against a server this script
# starts on 127.0.0.1 (tests/tasks/server.py), native handlers built into an executable with
# `aslc build --handlers` (tests/tasks/handlers/native.c), lambda:invoke result shapes, task
# tokens, TimeoutSeconds/HeartbeatSeconds, the top-level TimeoutSeconds (exit 3), SIGINT and
# SIGTERM (exit 4, handler processes stopped), and `aslc check --bindings`.
#
# Usage: tests/tasks/run.sh ASLC     Prints one line per test and `N passed, N failed[, N skipped]`.
# No test depends on how fast anything runs: handlers that must be stopped would run for a
# minute, and each run is bounded by `timeout` far below that.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/tasks/run.sh ASLC (an executable aslc)" >&2
	exit 2
fi
ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-tasks.XXXXXX")
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cp -R "$here/handlers" "$T/handlers"
mkdir "$T/elsewhere"
cd "$T/elsewhere" || exit 2 # runs happen away from the bindings file: relative paths resolve against it

passed=0 failed=0 skipped=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }
firstline() { printf '%s' "$1" | head -n 1 | cut -c1-300; }

# run CMD...: runs with a time limit well under what the slow handlers would take; sets rc,
# out (stdout) and err (stderr).
run() {
	timeout -k 5 40 "$@" >"$T/.out" 2>"$T/.err" </dev/null
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# check NAME EXIT PYTHON_EXPR: the last run exited with EXIT and EXPR holds, where `out` is
# stdout parsed as JSON (None when empty), `text` stdout as text, `err` stderr.
check() {
	local name=$1 want=$2 expr=$3
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, expected $want; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
		return
	fi
	if python3 - "$T/.out" "$T/.err" "$expr" <<'PY'; then ok "$name"; else fail "$name" "$(firstline "$out")"; fi
import json, sys
text = open(sys.argv[1]).read()
err = open(sys.argv[2]).read()
out = json.loads(text) if text.strip() else None
sys.exit(0 if eval("(" + sys.argv[3] + "\n)") else 1)
PY
}

# alive PID: is that process still there (and not a zombie)?
alive() {
	[ -n "$1" ] && [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# wait_for_file FILE: until FILE is non-empty (at most 20 s).
wait_for_file() {
	for _ in $(seq 200); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# bg_signal SIGNAL FILE CMD...: starts CMD in the background, sends it SIGNAL once FILE exists
# (the handler is running; no FILE: after 0.3 s), waits; sets rc, out, err. A watchdog kills
# CMD after 40 s should the signal not end it.
bg_signal() {
	local sig=$1 file=$2
	shift 2
	[ -n "$file" ] && rm -f "$file"
	"$@" >"$T/.out" 2>"$T/.err" </dev/null &
	local pid=$!
	(sleep 40 && kill -KILL "$pid") 2>/dev/null &
	local watchdog=$!
	if [ -n "$file" ]; then wait_for_file "$file"; else sleep 0.3; fi
	kill "-$sig" "$pid"
	wait "$pid"
	rc=$?
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}
# signal_run NAME SIGNAL FILE [ARGS...]: bg_signal for aslc run on $T/NAME.asl.json.
signal_run() {
	local name=$1 sig=$2 file=$3
	shift 3
	bg_signal "$sig" "$file" "$ASLC" run "$T/$name.asl.json" --input "$T/in.json" --bindings "$B" "$@"
}

# ------------------------------------------------------------------ the HTTP server
python3 "$here/server.py" "$T/port" &
server_pid=$!
if ! wait_for_file "$T/port"; then
	echo "run.sh: the test HTTP server did not start" >&2
	exit 1
fi
PORT=$(cat "$T/port")
# A port nothing listens on: bound once, then closed.
REFUSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL=http://127.0.0.1:$PORT

# ------------------------------------------------------------------ bindings
cat >"$T/bindings.json" <<EOF
{
  "arn:aws:states:::aslc:worker": {"exec": ["python3", "handlers/worker.py"]},
  "arn:aws:states:::aslc:beater": {"exec": ["sh", "handlers/beater.sh"]},
  "arn:aws:states:::aslc:worker.waitForTaskToken": {"exec": ["python3", "handlers/worker.py"]},
  "Worker": {"exec": ["python3", "handlers/worker.py"]},
  "arn:aws:states:::aslc:pattern-*": {"exec": ["python3", "handlers/worker.py"]},
  "arn:aws:states:::aslc:missing-program": {"exec": ["./handlers/no-such-program"]},
  "arn:aws:states:::aslc:http-echo": {"http": "$URL/echo"},
  "arn:aws:states:::aslc:http-500": {"http": "$URL/500"},
  "arn:aws:states:::aslc:http-notjson": {"http": "$URL/notjson"},
  "arn:aws:states:::aslc:http-slow": {"http": "$URL/slow"},
  "arn:aws:states:::aslc:http-lambda-error": {"http": "$URL/lambda-error"},
  "arn:aws:states:::aslc:http-flaky": {"http": "$URL/flaky"},
  "arn:aws:states:::aslc:http-refused": {"http": "http://127.0.0.1:$REFUSED/echo"},
  "HttpFunction": {"http": "$URL/echo"},
  "NativeBoth": {"exec": ["python3", "handlers/worker.py"]}
}
EOF
B=$T/bindings.json

# task NAME JSON_OF_TASK_FIELDS: a definition whose only state, "T", is a Task with those
# fields (End: true added), written to $T/NAME.asl.json.
task() {
	printf '{"StartAt": "T", "States": {"T": %s}}\n' "$(python3 -c '
import json, sys
t = json.loads(sys.argv[1]); t.setdefault("Type", "Task"); t["End"] = True
print(json.dumps(t))' "$2")" >"$T/$1.asl.json"
}
# input TEXT: writes TEXT to $T/in.json.
input() { printf '%s' "$1" >"$T/in.json"; }
# go NAME [ARGS...]: runs $T/NAME.asl.json on $T/in.json with the bindings (MODE, default interp).
go() {
	local name=$1
	shift
	run "$ASLC" run "$T/$name.asl.json" --input "$T/in.json" --bindings "$B" --mode "${MODE:-interp}" "$@"
}

# ------------------------------------------------------------------ exec handlers
task worker '{"Resource": "arn:aws:states:::aslc:worker"}'
input '{"do": "echo", "x": 1}'
go worker
dir=$(basename "$T")
check exec_handler_answer_on_stdout_is_the_result 0 \
	"out == {'input': {'do': 'echo', 'x': 1}, 'state': 'T', 'token': None, 'dir': '$dir'}"

input '{"do": "error"}'
go worker
check exec_handler_error_json_on_stderr_names_the_error 1 \
	"out == {'Error': 'Custom.Error', 'Cause': 'custom cause'}"

input '{"do": "lambda"}'
go worker
check exec_handler_lambda_error_object_gives_error_type_and_the_object_as_cause 1 \
	"out == {'Error': 'ValueError', 'Cause': '{\"errorMessage\": \"bad input\", \"errorType\": \"ValueError\", \"stackTrace\": []}'}"

input '{"do": "stderr"}'
go worker
check exec_handler_plain_stderr_is_the_cause_of_states_task_failed 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': 'plain failure text'}"

input '{"do": "silent"}'
go worker
check exec_handler_silent_exit_status_is_the_cause 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': \"The exec handler 'python3 handlers/worker.py' exited with status 3.\"}"

input '{"do": "notjson"}'
go worker
check exec_handler_output_that_is_not_json_fails_the_task 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': \"The exec handler 'python3 handlers/worker.py' returned a result that is not JSON: this is not JSON\"}"

input '{"do": "empty"}'
go worker
check exec_handler_without_output_fails_the_task 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': \"The exec handler 'python3 handlers/worker.py' returned nothing; it must answer with the result as JSON.\"}"

task missing '{"Resource": "arn:aws:states:::aslc:missing-program"}'
input '{}'
go missing
check exec_handler_that_cannot_start_fails_the_task 1 \
	"out['Error'] == 'States.TaskFailed' and \"'./handlers/no-such-program' cannot be started: No such file or directory\" in out['Cause']"

# A megabyte of input: stdin is fed while stdout is read, so nothing blocks.
python3 -c 'import json; print(json.dumps({"do": "echo", "big": "x" * 1000000}))' >"$T/in.json"
go worker
check exec_handler_takes_a_large_input_through_stdin 0 "len(out['input']['big']) == 1000000"

input "{\"do\": \"grandchild\", \"pidfile\": \"$T/grandchild.pid\"}"
go worker
check exec_handler_returns_while_its_background_process_holds_stdout 0 "out == {'ok': True}"
if alive "$(cat "$T/grandchild.pid" 2>/dev/null)"; then
	fail exec_handler_process_group_is_killed_when_it_exits "the background process still runs"
else ok exec_handler_process_group_is_killed_when_it_exits; fi

task retried '{"Resource": "arn:aws:states:::aslc:worker", "Retry": [{"ErrorEquals": ["Flaky.NotYet"], "MaxAttempts": 3}]}'
input "{\"do\": \"flaky\", \"succeed_on\": 3, \"counter\": \"$T/flaky.count\"}"
go retried --no-wait
check exec_handler_failures_are_retried 0 "out == {'calls': 3}"

# ------------------------------------------------------------------ TimeoutSeconds, HeartbeatSeconds
task timeout '{"Resource": "arn:aws:states:::aslc:worker", "TimeoutSeconds": 1}'
input "{\"do\": \"sleep\", \"seconds\": 60, \"pidfile\": \"$T/timeout.pid\"}"
go timeout
check exec_handler_past_timeout_seconds_fails_with_states_timeout_and_no_cause 1 "out == {'Error': 'States.Timeout'}"
if alive "$(cat "$T/timeout.pid" 2>/dev/null)"; then
	fail exec_handler_past_timeout_seconds_is_killed "pid $(cat "$T/timeout.pid") still runs"
else ok exec_handler_past_timeout_seconds_is_killed; fi

cat >"$T/timeout-caught.asl.json" <<'EOF'
{"StartAt": "T", "States": {
  "T": {"Type": "Task", "Resource": "arn:aws:states:::aslc:worker", "TimeoutSeconds": 1, "End": true,
        "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"},
                  {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Caught"}]},
  "Wrong": {"Type": "Fail", "Error": "WrongCatcher"},
  "Caught": {"Type": "Pass", "End": true}}}
EOF
input "{\"do\": \"sleep\", \"seconds\": 60, \"pidfile\": \"$T/timeout2.pid\"}"
go timeout-caught
check states_timeout_is_not_states_task_failed_and_is_caught_with_empty_cause 0 \
	"out['error'] == {'Error': 'States.Timeout', 'Cause': ''}"

task timeout-path '{"Resource": "arn:aws:states:::aslc:worker", "TimeoutSecondsPath": "$.limit"}'
input "{\"do\": \"sleep\", \"seconds\": 60, \"limit\": 1, \"pidfile\": \"$T/timeout3.pid\"}"
go timeout-path
check timeout_seconds_path_reads_the_limit_from_the_input 1 "out == {'Error': 'States.Timeout'}"
input '{"do": "echo"}'
go timeout-path
check timeout_seconds_path_that_finds_nothing_is_states_runtime 1 \
	"out == {'Error': 'States.Runtime', 'Cause': \"An error occurred while executing the state 'T' (entered at the event id #2). Invalid path '\$.limit' : No results for path: \$['limit']\"}"

# Beats every 0.3 s for 5 s, more than twice HeartbeatSeconds (2 s leaves room for a slow start).
task beater '{"Resource": "arn:aws:states:::aslc:beater", "TimeoutSeconds": 30, "HeartbeatSeconds": 2}'
input '{}'
go beater
check exec_handler_heartbeats_on_stderr_keep_the_task_alive 0 "out['beats'] >= 5"
task heartbeat '{"Resource": "arn:aws:states:::aslc:worker", "TimeoutSeconds": 30, "HeartbeatSeconds": 2}'
input "{\"do\": \"sleep\", \"seconds\": 60, \"pidfile\": \"$T/heartbeat.pid\"}"
go heartbeat
check exec_handler_without_heartbeat_fails_with_states_timeout 1 "out == {'Error': 'States.Timeout'}"

task heartbeat-path '{"Resource": "arn:aws:states:::aslc:worker", "HeartbeatSecondsPath": "$.hb"}'
input "{\"do\": \"sleep\", \"seconds\": 60, \"hb\": 1, \"pidfile\": \"$T/heartbeat2.pid\"}"
go heartbeat-path
check heartbeat_seconds_path_reads_the_limit_from_the_input 1 "out == {'Error': 'States.Timeout'}"
input '{"do": "echo", "hb": "soon"}'
go heartbeat-path
check heartbeat_seconds_path_to_a_non_integer_is_states_runtime 1 \
	"out['Error'] == 'States.Runtime' and 'HeartbeatSecondsPath' in out['Cause']"

# ------------------------------------------------------------------ resolution and result shapes
task lambda '{"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Worker", "Payload": {"do": "echo", "p": 1}}}'
input '{}'
go lambda
check lambda_invoke_result_has_aws_shape_around_the_payload 0 \
	"list(out) == ['ExecutedVersion', 'Payload', 'SdkHttpMetadata', 'SdkResponseMetadata', 'StatusCode']
	 and out['StatusCode'] == 200 and out['ExecutedVersion'] == '\$LATEST'
	 and out['Payload']['input'] == {'do': 'echo', 'p': 1}
	 and out['SdkHttpMetadata']['HttpStatusCode'] == 200
	 and out['SdkHttpMetadata']['HttpHeaders']['x-amzn-RequestId'] == out['SdkResponseMetadata']['RequestId']"

task lambda-arn '{"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:Worker:prod", "Payload.$": "$"}}'
input '{"do": "echo"}'
go lambda-arn
check lambda_invoke_binds_a_function_arn_by_its_function_name 0 "out['Payload']['input'] == {'do': 'echo'}"

task bare-lambda '{"Resource": "arn:aws:lambda:us-east-1:123456789012:function:Worker"}'
go bare-lambda
check bare_lambda_arn_result_is_the_payload_itself 0 "out['input'] == {'do': 'echo'} and 'StatusCode' not in out"

task pattern '{"Resource": "arn:aws:states:::aslc:pattern-anything"}'
go pattern
check star_pattern_binds_matching_resources 0 "out['input'] == {'do': 'echo'}"

task token '{"Resource": "arn:aws:states:::aslc:worker.waitForTaskToken", "Parameters": {"do": "echo", "tok.$": "$$.Task.Token"}}'
input '{}'
go token
check wait_for_task_token_handler_gets_the_token_and_answers_the_callback 0 \
	"out['token'] is not None and len(out['token']) == 64 and out['input']['tok'] == out['token']"

task no-token '{"Resource": "arn:aws:states:::aslc:worker", "Parameters": {"do": "echo", "tok.$": "$$.Task.Token"}}'
go no-token
check task_token_exists_only_for_wait_for_task_token_resources 1 \
	"out['Error'] == 'States.Runtime' and \"The JSONPath '\$\$.Task.Token' specified for the field 'tok.\$' could not be found\" in out['Cause']"

task lambda-token '{"Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "Parameters": {"FunctionName": "Worker", "Payload": {"do": "echo", "tok.$": "$$.Task.Token"}}}'
go lambda-token
check lambda_invoke_wait_for_task_token_result_is_the_callback_output 0 \
	"out['input']['tok'] == out['token'] and 'StatusCode' not in out"

task unbound '{"Resource": "arn:aws:states:::aslc:nothing"}'
go unbound
check unbound_resource_fails_with_a_cause_naming_it 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': \"No handler is bound to the resource 'arn:aws:states:::aslc:nothing' of state 'T' (use --mock-config or --bindings).\"}"

task unbound-lambda '{"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Nobody"}}'
go unbound-lambda
check unbound_lambda_invoke_names_the_function 1 \
	"out['Error'] == 'States.TaskFailed' and \"(FunctionName 'Nobody')\" in out['Cause']"

cat >"$T/mock.json" <<'EOF'
{"StateMachines": {"M": {"TestCases": {"Mocked": {"T": "R"}}}},
 "MockedResponses": {"R": {"0": {"Return": {"mocked": true}}}}}
EOF
input '{}'
go lambda --mock-config "$T/mock.json" --test-case Mocked
check mock_config_comes_before_bindings_and_is_not_reshaped 0 "out == {'mocked': True}"

# ------------------------------------------------------------------ http handlers
task http-echo '{"Resource": "arn:aws:states:::aslc:http-echo"}'
input '{"a": [1, 2]}'
go http-echo
check http_handler_response_body_is_the_result 0 "out == {'got': {'a': [1, 2]}}"

python3 -c 'import json; print(json.dumps({"big": "y" * 1000000}))' >"$T/in.json"
go http-echo
check http_handler_posts_a_large_input 0 "len(out['got']['big']) == 1000000"

task http-500 '{"Resource": "arn:aws:states:::aslc:http-500"}'
go http-500
check http_handler_500_fails_the_task_with_the_status_and_body 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': 'The http handler $URL/500 answered HTTP 500: boom'}"

task http-notjson '{"Resource": "arn:aws:states:::aslc:http-notjson"}'
go http-notjson
check http_handler_body_that_is_not_json_fails_the_task 1 \
	"out == {'Error': 'States.TaskFailed', 'Cause': 'The http handler $URL/notjson returned a result that is not JSON: this is not JSON'}"

task http-refused '{"Resource": "arn:aws:states:::aslc:http-refused"}'
go http-refused
check http_handler_connection_refused_fails_the_task 1 \
	"out['Error'] == 'States.TaskFailed' and out['Cause'].startswith('The http handler http://127.0.0.1:$REFUSED/echo could not be reached: ')"

task http-slow '{"Resource": "arn:aws:states:::aslc:http-slow", "TimeoutSeconds": 1}'
go http-slow
check http_handler_past_timeout_seconds_fails_with_states_timeout 1 "out == {'Error': 'States.Timeout'}"

task http-lambda-error '{"Resource": "arn:aws:states:::aslc:http-lambda-error"}'
go http-lambda-error
check http_handler_lambda_function_error_gives_error_type_and_the_body_as_cause 1 \
	"out == {'Error': 'ValueError', 'Cause': '{\"errorMessage\": \"quantity must be positive\", \"errorType\": \"ValueError\", \"requestId\": \"r-1\", \"stackTrace\": []}'}"

task http-flaky '{"Resource": "arn:aws:states:::aslc:http-flaky", "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}]}'
go http-flaky --no-wait
check http_handler_failures_are_retried 0 "out == {'attempts': 3}"

task http-lambda '{"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "HttpFunction", "Payload": {"q": 1}}}'
go http-lambda
check lambda_invoke_over_http_wraps_the_body_as_payload 0 "out['Payload'] == {'got': {'q': 1}} and out['StatusCode'] == 200"

task http-invoke "{\"Resource\": \"arn:aws:states:::http:invoke\", \"Parameters\": {\"ApiEndpoint\": \"$URL/api\", \"Method\": \"PUT\",
  \"Headers\": {\"X-Test\": \"yes\"}, \"QueryParameters\": {\"a\": \"1 2\"}, \"RequestBody\": {\"k\": \"v\"}}}"
go http-invoke
check builtin_http_invoke_sends_method_headers_query_and_body 0 \
	"out['StatusCode'] == 200 and out['StatusText'] == 'OK'
	 and out['ResponseBody'] == {'method': 'PUT', 'query': {'a': '1 2'}, 'header': 'yes', 'body': {'k': 'v'}}"
task http-invoke-404 "{\"Resource\": \"arn:aws:states:::http:invoke\", \"Parameters\": {\"ApiEndpoint\": \"$URL/api\", \"Method\": \"GET\", \"QueryParameters\": {\"status\": \"404\"}}}"
go http-invoke-404
check builtin_http_invoke_error_status_is_states_http_status_code 1 "out['Error'] == 'States.Http.StatusCode.404'"

# ------------------------------------------------------------------ native handlers
cat >"$T/native.asl.json" <<'EOF'
{"StartAt": "Which", "States": {
  "Which": {"Type": "Choice", "Default": "Double", "Choices": [
    {"Variable": "$.case", "StringEquals": "plain", "Next": "Plain"},
    {"Variable": "$.case", "StringEquals": "token", "Next": "Token"},
    {"Variable": "$.case", "StringEquals": "lambda", "Next": "Lambda"},
    {"Variable": "$.case", "StringEquals": "forever", "Next": "Forever"},
    {"Variable": "$.case", "StringEquals": "beats", "Next": "Beats"},
    {"Variable": "$.case", "StringEquals": "both", "Next": "Both"}]},
  "Double": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:NativeDouble", "End": true},
  "Plain": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "NativeFailPlainly"}, "End": true},
  "Token": {"Type": "Task", "Resource": "arn:aws:states:::aslc:describe.waitForTaskToken",
            "Parameters": {"tok.$": "$$.Task.Token"}, "End": true},
  "Lambda": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:NativeDouble", "Payload": {"n": 4}}, "End": true},
  "Forever": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "NativeForever"},
              "TimeoutSeconds": 1, "End": true},
  "Beats": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "NativeBeats"},
            "HeartbeatSeconds": 1, "End": true},
  "Both": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "NativeBoth", "Payload": {"do": "echo"}}, "End": true}
}}
EOF
cat >"$T/native-both.c" <<'EOF'
#include <aslrt_handler.h>
/* Also bound in the bindings file, which wins. */
static int native_both(aslrt_task *task, const cJSON *input, cJSON **result)
{
    (void)task, (void)input;
    *result = cJSON_CreateString("native");
    return 0;
}
ASLRT_HANDLER("NativeBoth", native_both)
EOF
run "$ASLC" build "$T/native.asl.json" -o "$T/native-exe" --handlers "$T/handlers/native.c" --handlers "$T/native-both.c"
if [ "$rc" -ne 0 ]; then
	fail native_handlers_build_into_an_executable "aslc build exit $rc: $(firstline "$err")"
else
	ok native_handlers_build_into_an_executable
	input '{"case": "double", "n": 21}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_result_is_the_task_result 0 "out == {'doubled': 42}"
	input '{"case": "double"}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_failure_names_its_error 1 "out == {'Error': 'Native.BadInput', 'Cause': 'n must be a number'}"
	input '{"case": "plain"}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_failing_without_an_error_is_states_task_failed 1 \
		"out == {'Error': 'States.TaskFailed', 'Cause': \"The native handler for state 'Plain' failed without naming an error.\"}"
	input '{"case": "token"}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_sees_state_resource_and_task_token 0 \
		"out['state'] == 'Token' and out['resource'] == 'arn:aws:states:::aslc:describe.waitForTaskToken'
		 and len(out['token']) == 64 and out['input'] == {'tok': out['token']}"
	input '{"case": "lambda"}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_for_lambda_invoke_gets_the_payload_and_is_wrapped 0 \
		"out['Payload'] == {'doubled': 8} and out['StatusCode'] == 200"
	input '{"case": "forever"}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_is_cancelled_at_timeout_seconds 1 "out == {'Error': 'States.Timeout'}"
	input '{"case": "beats"}'
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_heartbeats_keep_it_alive 0 "out['Payload'] == 'done'"
	input '{"case": "both"}'
	run "$T/native-exe" --input "$T/in.json" --bindings "$B"
	check bindings_come_before_native_handlers 0 "out['Payload']['input'] == {'do': 'echo'}"
	run "$T/native-exe" --input "$T/in.json"
	check native_handler_serves_when_no_binding_does 0 "out['Payload'] == 'native'"
	input '{"case": "forever"}'
	bg_signal TERM "" "$T/native-exe" --input "$T/in.json"
	# TimeoutSeconds (1 s) may win the race against the signal; either way it must end.
	if [ "$rc" -eq 4 ] || [ "$rc" -eq 1 ]; then ok native_handler_ends_when_the_execution_is_aborted
	else fail native_handler_ends_when_the_execution_is_aborted "exit $rc: $(firstline "$err")"; fi
fi

# ------------------------------------------------------------------ abort and execution timeout
task sleeper '{"Resource": "arn:aws:states:::aslc:worker"}'
cat >"$T/retry-forever.asl.json" <<'EOF'
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aslc:worker",
  "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3600, "MaxAttempts": 5}], "End": true}}}
EOF
cat >"$T/exec-timeout.asl.json" <<'EOF'
{"TimeoutSeconds": 1, "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aslc:worker",
  "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}],
  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
  "Caught": {"Type": "Pass", "End": true}}}
EOF
for mode in interp jit aot; do
	input "{\"do\": \"sleep\", \"seconds\": 60, \"pidfile\": \"$T/abort.pid\"}"
	signal_run sleeper TERM "$T/abort.pid" --mode "$mode"
	check "sigterm_aborts_with_exit_4_and_nothing_on_stdout_$mode" 4 "text == '' and 'aborted by SIGTERM' in err"
	if alive "$(cat "$T/abort.pid" 2>/dev/null)"; then
		fail "sigterm_stops_the_handler_process_$mode" "pid $(cat "$T/abort.pid") still runs"
	else ok "sigterm_stops_the_handler_process_$mode"; fi

	input "{\"do\": \"sleep\", \"seconds\": 60, \"pidfile\": \"$T/exectimeout.pid\"}"
	MODE=$mode go exec-timeout
	check "execution_timeout_ends_with_exit_3_and_states_timeout_uncaught_$mode" 3 "out == {'Error': 'States.Timeout'}"
	if alive "$(cat "$T/exectimeout.pid" 2>/dev/null)"; then
		fail "execution_timeout_stops_the_handler_process_$mode" "pid $(cat "$T/exectimeout.pid") still runs"
	else ok "execution_timeout_stops_the_handler_process_$mode"; fi
done
input "{\"do\": \"sleep\", \"seconds\": 60, \"pidfile\": \"$T/sigint.pid\"}"
signal_run sleeper INT "$T/sigint.pid"
check sigint_aborts_with_exit_4 4 "'aborted by SIGINT' in err"

# A retry interval of an hour: the abort must cut the sleep short. The handler fails at once
# (counter file: first call), then the run sleeps; send the signal once the counter exists.
input "{\"do\": \"flaky\", \"succeed_on\": 99, \"counter\": \"$T/retry.count\"}"
signal_run retry-forever TERM "$T/retry.count"
check sigterm_cuts_a_retry_interval_short 4 "text == ''"

cat >"$T/wait-timeout.asl.json" <<'EOF'
{"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
  "P": {"Type": "Pass", "End": true}}}
EOF
go wait-timeout
check execution_timeout_cuts_a_wait_state_short 3 "out == {'Error': 'States.Timeout'}"

# ------------------------------------------------------------------ bindings files and aslc check
cat >"$T/check.asl.json" <<'EOF'
{"StartAt": "A", "States": {
  "A": {"Type": "Task", "Resource": "arn:aws:states:::aslc:worker", "Next": "B"},
  "B": {"Type": "Task", "Resource": "arn:aws:states:::aslc:unbound", "Next": "C"},
  "C": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Nobody"}, "Next": "D"},
  "D": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName.$": "$.fn"}, "Next": "E"},
  "E": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://example.com/", "Method": "GET"}, "End": true}}}
EOF
run "$ASLC" check "$T/check.asl.json" --bindings "$B"
expected="$T/check.asl.json: /States/B/Resource: warning: nothing in $B binds the resource \"arn:aws:states:::aslc:unbound\": the Task fails with States.TaskFailed unless a mock configuration covers it
$T/check.asl.json: /States/C/Resource: warning: nothing in $B binds the resource \"arn:aws:states:::lambda:invoke\" (FunctionName \"Nobody\"): the Task fails with States.TaskFailed unless a mock configuration covers it"
if [ "$rc" -eq 0 ] && [ "$err" = "$expected" ]; then ok check_with_bindings_warns_about_each_unbound_task
else fail check_with_bindings_warns_about_each_unbound_task "exit $rc; stderr: $err"; fi
run "$ASLC" check "$T/check.asl.json"
if [ "$rc" -eq 0 ] && [ -z "$err" ]; then ok check_without_bindings_says_nothing_about_tasks
else fail check_without_bindings_says_nothing_about_tasks "exit $rc; stderr: $(firstline "$err")"; fi

echo '{"arn:aws:states:::aslc:x": {"exec": "python3 worker.py"}}' >"$T/bad-bindings.json"
run "$ASLC" run "$T/worker.asl.json" --input "$T/in.json" --bindings "$T/bad-bindings.json"
check bindings_file_errors_name_the_field_and_exit_2 2 \
	"text == '' and '$T/bad-bindings.json: /arn:aws:states:::aslc:x/exec: \"exec\" must be a non-empty array of strings' in err"
run "$ASLC" check "$T/check.asl.json" --bindings "$T/bad-bindings.json"
check check_rejects_a_bad_bindings_file 2 "'/arn:aws:states:::aslc:x/exec:' in err"
echo '{"a/b~c": {"http": "ftp://x"}}' >"$T/bad-bindings.json"
run "$ASLC" run "$T/worker.asl.json" --input "$T/in.json" --bindings "$T/bad-bindings.json"
check bindings_file_errors_escape_the_key_as_a_json_pointer 2 "'/a~1b~0c/http: \"http\" must be a URL' in err"

echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
