#!/usr/bin/env bash
# cli.sh — checks aslc's command-line contract (design.md, "Command line"): exit codes,
# what goes to stdout and stderr, input handling, build/emit-c outputs, run options.
# Usage: tests/cli.sh ASLC        Prints each failed or skipped test (VERBOSE=1: every test), then
#                                 `N passed, N failed[, N skipped]`; exits 1 when a test failed.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/cli.sh ASLC (an executable aslc)" >&2
	exit 2
fi
ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
EMIT_DIR=$(cd "$(dirname "$0")" && pwd)/emit
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2

# ---------------------------------------------------------------- definitions
cat >echo.asl.json <<'EOF'
{"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Parameters": {"in.$": "$"}, "End": true}}}
EOF
cat >fail.asl.json <<'EOF'
{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}
EOF
cat >fail-nocause.asl.json <<'EOF'
{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Boom"}}}
EOF
cat >fail-empty.asl.json <<'EOF'
{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail"}}}
EOF
cat >two-errors.asl.json <<'EOF'
{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Nowhere"},
  "B": {"Type": "Pass", "Next": "Elsewhere"}}}
EOF
printf '{\n  "StartAt": "A",\n  "States": @\n}\n' >notjson.asl.json
printf '{\n  "a": @\n}\n' >bad-input.json
echo '{"x": 1}' >in.json
cat >name.asl.json <<'EOF'
{"StartAt": "N", "States": {"N": {"Type": "Pass", "Parameters": {"n.$": "$$.Execution.Name"}, "End": true}}}
EOF
cat >long-wait.asl.json <<'EOF'
{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}
EOF
cat >timeout.asl.json <<'EOF'
{"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3, "End": true}}}
EOF
cat >two-pass.asl.json <<'EOF'
{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}}
EOF

# ---------------------------------------------------------------- exit status and stdout
for mode in interp jit aot; do
	run "$ASLC" run echo.asl.json --input in.json --mode "$mode"
	expect "run_succeeds_with_exit_0_and_output_json_$mode" 0 '{"in": {"x": 1}}'
	run "$ASLC" run fail.asl.json --input in.json --mode "$mode"
	expect "run_fails_with_exit_1_and_error_and_cause_$mode" 1 '{"Error": "Boom", "Cause": "it broke"}'
done
run "$ASLC" run fail-nocause.asl.json --input in.json
expect run_failure_without_cause_leaves_cause_out 1 '{"Error": "Boom"}'
run "$ASLC" run fail-empty.asl.json --input in.json
expect run_failure_without_error_or_cause_prints_empty_object 1 '{}'

# ---------------------------------------------------------------- invalid definitions and usage
run "$ASLC" check echo.asl.json
if [ "$rc" -eq 0 ]; then ok check_accepts_valid_definition; else
	fail check_accepts_valid_definition "exit $rc: $(firstline "$err")"; fi
run "$ASLC" check two-errors.asl.json
expect_usage check_rejects_invalid_definition_with_exit_2 "two-errors.asl.json: /States/A/Next"
if [[ $err == *"/States/A/Next"* && $err == *"/States/B/Next"* ]]; then ok check_reports_every_problem
else fail check_reports_every_problem "stderr lacks /States/A/Next or /States/B/Next: $(firstline "$err")"; fi
run "$ASLC" run two-errors.asl.json --input in.json
expect_usage run_rejects_invalid_definition_with_exit_2 "/States/A/Next"
run "$ASLC" check notjson.asl.json
expect_usage check_reports_json_syntax_error_position "notjson.asl.json:3:13"
run "$ASLC" run notjson.asl.json --input in.json
expect_usage run_reports_json_syntax_error_position "notjson.asl.json:3:13"
run "$ASLC" run echo.asl.json --input bad-input.json
expect_usage run_reports_input_syntax_error_position "bad-input.json:2:8"
run "$ASLC" run missing.asl.json --input in.json
expect_usage run_missing_definition_file_exits_2 "missing.asl.json"
run "$ASLC" check missing.asl.json
expect_usage check_missing_definition_file_exits_2 "missing.asl.json"
run "$ASLC" run echo.asl.json --input missing-input.json
expect_usage run_missing_input_file_exits_2 "missing-input.json"
run "$ASLC" run echo.asl.json --input in.json --bogus-option
expect_usage run_unknown_option_exits_2 "--bogus-option"
run "$ASLC" run echo.asl.json --input in.json --mode bogus
expect_usage run_unknown_mode_exits_2 "bogus"
run "$ASLC" frobnicate echo.asl.json
expect_usage unknown_subcommand_exits_2 "frobnicate"
run "$ASLC"
expect_usage no_arguments_exits_2
run "$ASLC" run
expect_usage run_without_definition_exits_2
run "$ASLC" run echo.asl.json --input
expect_usage run_option_without_value_exits_2

# ---------------------------------------------------------------- input
run_stdin '{"x": 2}' "$ASLC" run echo.asl.json --input -
expect input_dash_reads_stdin 0 '{"in": {"x": 2}}'
run_stdin '{"x": 3}' "$ASLC" run echo.asl.json
expect input_defaults_to_stdin_when_not_a_terminal 0 '{"in": {"x": 3}}'
run_stdin '42' "$ASLC" run echo.asl.json --input -
expect input_may_be_a_scalar 0 '{"in": 42}'
if command -v script >/dev/null 2>&1; then
	# script(1) gives aslc a terminal for stdin; its output comes back through the terminal.
	timeout -k 5 60 script -qec "'$ASLC' run '$T/echo.asl.json'" /dev/null </dev/null >"$T/.out" 2>"$T/.err"
	rc=$?
	collect
	out=$(printf '%s' "$out" | tr -d '\r')
	expect input_defaults_to_empty_object_on_a_terminal 0 '{"in": {}}'
else
	skip input_defaults_to_empty_object_on_a_terminal "script(1) is not installed, no terminal to test with"
fi

# ---------------------------------------------------------------- run options
run "$ASLC" run name.asl.json --input in.json --name my-execution
expect name_option_sets_execution_name 0 '{"n": "my-execution"}'
run "$ASLC" run long-wait.asl.json --input in.json --no-wait
expect no_wait_skips_wait_states 0 '{"x": 1}'
run "$ASLC" run timeout.asl.json --input in.json
if [ "$rc" -ne 3 ]; then fail timed_out_execution_exits_3 "exit $rc, expected 3; stdout: $(firstline "$out")"
elif ! python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1]).get("Error") != "States.Timeout")' "$out" 2>/dev/null; then
	fail timed_out_execution_exits_3 "stdout $(firstline "$out"), expected Error States.Timeout"
else ok timed_out_execution_exits_3; fi
"$ASLC" run long-wait.asl.json --input in.json >"$T/.out" 2>"$T/.err" </dev/null &
pid=$!
sleep 1
kill -TERM "$pid" 2>/dev/null
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
kill -KILL "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 4 ]; then ok sigterm_aborts_with_exit_4; else fail sigterm_aborts_with_exit_4 "exit $rc, expected 4"; fi
run "$ASLC" run two-pass.asl.json --input in.json --history history.jsonl
if [ "$rc" -ne 0 ]; then fail history_option_writes_events "exit $rc: $(firstline "$err")"
elif [ ! -s history.jsonl ]; then fail history_option_writes_events "no history.jsonl written"
elif why=$(python3 - history.jsonl 2>/dev/null <<'EOF'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
types = [e.get("type") for e in events]
want = ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
        "PassStateExited", "ExecutionSucceeded"]
if types != want:
    print(f"event types {types}")
elif [e.get("id") for e in events] != list(range(1, 7)):
    print(f"event ids {[e.get('id') for e in events]}")
EOF
) && [ -z "$why" ]; then ok history_option_writes_events
else fail history_option_writes_events "${why:-history.jsonl is not JSON lines}"; fi

# ---------------------------------------------------------------- run options: values and usage
# The run options are one list (runtime/run_options.def) that the parser, both usage texts and
# aslc's own argument scan are made from; these pin what that list must keep producing.
run "$ASLC" run --name early-name name.asl.json --input in.json
expect run_option_value_before_definition_is_not_the_definition 0 '{"n": "early-name"}'
run "$ASLC" run echo.asl.json --input in.json --threads 4 --trace
expect threads_and_trace_options_are_accepted 0 '{"in": {"x": 1}}'
for bad in 0 1025 4x ''; do
	run "$ASLC" run echo.asl.json --input in.json --threads "$bad"
	expect_usage "threads_option_rejects_'$bad'" "--threads needs a whole number from 1 to 1024, not '$bad'"
done
run "$ASLC" run echo.asl.json --input in.json --mock-config mocks.json
expect_usage mock_config_without_test_case_exits_2 "--mock-config and --test-case go together"

# expect_stdout NAME EXIT FILE / expect_stderr NAME EXIT FILE: the last run's exit status and
# that stream, byte for byte.
expect_stream() {
	if [ "$rc" -ne "$2" ]; then fail "$1" "exit $rc, expected $2; stderr: $(firstline "$err")"
	elif ! cmp -s "$T/.$4" "$3"; then fail "$1" "$4 differs: $(diff "$3" "$T/.$4" | sed -n 2p)"
	else ok "$1"; fi
}
cat >run-usage.txt <<'EOF'
run options:
  --input FILE|-          execution input (JSON); default: stdin if it is not a terminal, else {}
  --name NAME             execution name ($$.Execution.Name)
  --no-wait               skip Wait states and retry intervals
  --time-scale X          multiply Wait states and retry intervals by X (0 to 1000)
  --history FILE          write execution history events, one JSON object a line
  --trace                 print each state entered and left on stderr
  --mock-config FILE      AWS Step Functions Local mock file (with --test-case NAME)
  --bindings FILE         map Task resources to local handlers
  --threads N             run Parallel branches and Map iterations on N threads (default: one per CPU)
  --s3-root DIR           read and write s3://bucket/key as the file DIR/bucket/key (distributed Map)
  --check-limits          fail a state whose output is over AWS's 256 KiB payload limit
                          (States.DataLimitExceeded); off by default: it measures every output
  --aws                   call AWS itself for Tasks no mock, binding or native handler takes (credentials,
                          region and endpoints as the AWS SDKs find them); off by default: nothing leaves
EOF
run "$ASLC" run echo.asl.json --help
expect_stream run_help_describes_every_run_option 0 run-usage.txt out
{ echo "aslc: unknown option '--bogus-option'"; cat run-usage.txt; } >run-bogus.txt
run "$ASLC" run echo.asl.json --bogus-option
expect_stream run_unknown_option_prints_the_run_options 2 run-bogus.txt err
cat >aslc-usage.txt <<'EOF'
usage:
  aslc check  WF.asl.json [--bindings F]  validate; every problem reported (and unbound Tasks,
                                          and placeholders left unfilled)
  aslc run    WF.asl.json [--mode interp|jit|aot] [--no-opt] [run options]
  aslc build  WF.asl.json -o EXE [--handlers FILE.c ...] [--cc CC] [-O LEVEL] [--no-opt]
  aslc emit-c WF.asl.json [-o FILE.c] [--no-opt]  print the generated C
  aslc graph  WF.asl.json [--format dot|mermaid] [--history FILE] [-o FILE]
                                          draw the workflow (and the path a history took)
  aslc bench  WF.asl.json [--input F] [--runs N] [--modes interp,jit,aot] [--json] [--no-wait]
              [--mock-config F --test-case T]  time the modes on one input (exit 1: outputs differ)
  aslc serve  [--port 8083] [--db FILE] ...  the Step Functions API for the AWS SDKs (serve --help)
  ./EXE [run options]                     a built workflow takes the run options
check, run, build, emit-c, graph and bench also take, for a template (CloudFormation's
DefinitionSubstitutions):
  --substitutions FILE       a JSON object of names to values (strings, integers, booleans)
  --substitution NAME=VALUE  one value, a string (repeatable); wins over --substitutions
  each ${NAME} in the definition's text is replaced before it is read: inside a JSON string
  with JSON's escapes, elsewhere as it is; for one name the last option given wins
run options: --input FILE|-  --name NAME  --no-wait  --time-scale X  --history FILE
             --trace  --mock-config FILE --test-case NAME  --bindings FILE  --threads N
             --s3-root DIR  --check-limits  --aws
--no-opt: without aslc's own optimizations (moves, borrowed inputs, calls folded, Choice
          rules as C); the same results, slower: for checking the optimizations
exit status: 0 succeeded, 1 failed, 2 invalid definition or usage, 3 timed out, 4 aborted
EOF
run "$ASLC" --help
expect_stream aslc_help_lists_every_run_option 0 aslc-usage.txt out
{ echo "aslc: unknown command 'frobnicate'"; cat aslc-usage.txt; } >aslc-bogus.txt
run "$ASLC" frobnicate
expect_stream unknown_command_prints_the_usage 2 aslc-bogus.txt err

# ---------------------------------------------------------------- build and emit-c
run "$ASLC" build echo.asl.json -o "$T/echo-exe"
if [ "$rc" -ne 0 ] || [ ! -x "$T/echo-exe" ]; then
	fail build_writes_an_executable "exit $rc: $(firstline "$err")"
else
	ok build_writes_an_executable
	mkdir -p "$T/elsewhere"
	cp "$T/echo-exe" "$T/elsewhere/wf"
	cp in.json "$T/elsewhere/in.json"
	rm -f "$T/echo-exe"
	# No aslc, no headers, no library next to it, and an empty environment.
	run env -i -C "$T/elsewhere" PATH=/usr/bin:/bin ./wf --input in.json
	expect built_executable_runs_alone_in_empty_directory 0 '{"in": {"x": 1}}'
	run_stdin '{"y": true}' env -i -C "$T/elsewhere" PATH=/usr/bin:/bin ./wf
	expect built_executable_reads_stdin 0 '{"in": {"y": true}}'
fi
run "$ASLC" build fail.asl.json -o "$T/fail-exe"
if [ "$rc" -ne 0 ]; then fail built_executable_fails_with_exit_1 "build: exit $rc: $(firstline "$err")"
else
	run "$T/fail-exe" --input in.json
	expect built_executable_fails_with_exit_1 1 '{"Error": "Boom", "Cause": "it broke"}'
	run "$T/fail-exe" --input in.json --bogus-option
	expect_usage built_executable_unknown_option_exits_2 "--bogus-option"
fi
run "$ASLC" build two-errors.asl.json -o "$T/never"
expect_usage build_rejects_invalid_definition_with_exit_2 "/States/A/Next"

run "$ASLC" emit-c echo.asl.json
c_stdout=$out
run "$ASLC" emit-c echo.asl.json -o "$T/echo.c"
if [ "$rc" -ne 0 ]; then fail emit_c_writes_file "exit $rc: $(firstline "$err")"
elif [ ! -s "$T/echo.c" ]; then fail emit_c_writes_file "echo.c is missing or empty"
elif [ -n "$out" ]; then fail emit_c_writes_file "stdout is not empty with -o"
elif [ "$(cat "$T/echo.c")" != "$c_stdout" ]; then fail emit_c_writes_file "the file differs from what emit-c prints"
else ok emit_c_writes_file; fi
run "$ASLC" emit-c two-errors.asl.json
expect_usage emit_c_rejects_invalid_definition_with_exit_2 "/States/A/Next"

# The generated C of tests/emit/NAME.asl.json is committed as NAME.c and reviewed like code
# (style.md, "Tests"); after a deliberate change to it: cd tests/emit && aslc emit-c NAME.asl.json -o NAME.c
for def in "$EMIT_DIR"/*.asl.json; do
	name=$(basename "$def" .asl.json)
	(cd "$EMIT_DIR" && "$ASLC" emit-c "$name.asl.json") >"$T/$name.c" 2>"$T/$name.err"
	if ! cmp -s "$T/$name.c" "$EMIT_DIR/$name.c"; then
		fail "emit_c_matches_tests_emit_$name" "$(diff "$EMIT_DIR/$name.c" "$T/$name.c" | head -n 3 | tr '\n' ' ')"
	else ok "emit_c_matches_tests_emit_$name"; fi
done
# Each distinct descriptor once: no two static objects with the same initializer.
dup=$(awk '/^static .* k_[a-z]+_[0-9]+(\[\])? = / { sub(/k_[a-z]+_[0-9]+/, "K"); body = ""; in_obj = 1 }
	in_obj { body = body " " $0 }
	in_obj && /};$/ { print body; in_obj = 0 }' "$T/shared.c" | sort | uniq -d)
if [ -n "$dup" ]; then fail emit_c_writes_each_descriptor_once "$(echo "$dup" | head -n 1)"
else ok emit_c_writes_each_descriptor_once; fi
run "$ASLC" emit-c "$EMIT_DIR/shared.asl.json"
first=$out
run "$ASLC" emit-c "$EMIT_DIR/shared.asl.json"
if [ "$out" != "$first" ]; then fail emit_c_is_deterministic "two runs differ"; else ok emit_c_is_deterministic; fi

# --no-opt: the definition as written, without aslc's optimizations, with the same results.
run "$ASLC" emit-c "$EMIT_DIR/shared.asl.json" --no-opt
if [ "$rc" -ne 0 ]; then fail emit_c_no_opt_leaves_out_the_optimizations "exit $rc: $(firstline "$err")"
elif printf '%s' "$out" | grep -q 'ASLRT_TF_\|ASLRT_MOVE_INPUT\|aslrt_test_'; then
	fail emit_c_no_opt_leaves_out_the_optimizations "$(printf '%s' "$out" | grep -m1 'ASLRT_TF_\|ASLRT_MOVE_INPUT\|aslrt_test_')"
elif ! printf '%s' "$out" | grep -q 'aslrt_choice_state'; then
	fail emit_c_no_opt_leaves_out_the_optimizations "the Choice state is not left to aslrt_choice_state"
else ok emit_c_no_opt_leaves_out_the_optimizations; fi
for mode in interp jit aot; do
	run "$ASLC" run echo.asl.json --input in.json --mode "$mode" --no-opt
	expect "run_no_opt_gives_the_same_output_$mode" 0 '{"in": {"x": 1}}'
done
run "$ASLC" build echo.asl.json -o "$T/echo-noopt" --no-opt
if [ "$rc" -ne 0 ]; then fail build_no_opt_writes_an_executable "exit $rc: $(firstline "$err")"
else
	run "$T/echo-noopt" --input in.json
	expect build_no_opt_writes_an_executable 0 '{"in": {"x": 1}}'
	run "$T/echo-noopt" --input in.json --no-opt
	expect_usage built_executable_has_no_no_opt_option "--no-opt"
fi

summary
