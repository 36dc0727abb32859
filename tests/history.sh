#!/usr/bin/env bash
# history.sh — seeing an execution: --history event sequences and details against
# asl-reference.md §11 ("Sequences"), event ids (consecutive, and the ones States.Runtime causes
# quote, with or without --history), the same history in every mode, --trace, and `aslc graph`
# (rendered through Graphviz's `dot -Tsvg`; Mermaid compared with tests/graph/*.mmd goldens).
# Usage: tests/history.sh ASLC [--update-goldens]
#        Prints one line per test and `N passed, N failed[, N skipped]`.
set -u

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/history.sh ASLC [--update-goldens] (ASLC: an executable aslc)" >&2
	exit 2
fi
ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
UPDATE=${2:-}
GOLDEN=$(cd "$(dirname "$0")" && pwd)/graph
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-history.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2

passed=0 failed=0 skipped=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }
firstline() { printf '%s' "$1" | head -n 1 | cut -c1-300; }

# run CMD...: runs with a time limit; sets rc, out (stdout) and err (stderr).
run() {
	timeout -k 5 120 "$@" >"$T/.out" 2>"$T/.err" </dev/null
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# check.py HISTORY EXPECT_JSON: checks a history file against an expectation and prints what is
# wrong (nothing when it is right). EXPECT_JSON: {"types": [...] (the whole sequence),
# "details": {"<index>": {field: value}} (exact fields of that event's details),
# "absent": {"<index>": [field, ...]}, "runtime_cause_names_entered_id": "<state name>"}.
# Always checked: every line is a JSON object with timestamp, type, id, previousEventId; ids are
# 1, 2, 3, ...; previousEventId < id; the details key is the one AWS derives from the type;
# inputs/outputs are JSON strings with {"truncated": false} beside them.
cat >check.py <<'EOF'
import json, re, sys

path, want = sys.argv[1], json.loads(sys.argv[2])
problems = []
try:
    events = [json.loads(line) for line in open(path) if line.strip()]
except Exception as e:
    print(f"not JSON lines: {e}")
    sys.exit(0)

def details_key(t):
    if t.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if t.endswith("StateExited"):
        return "stateExitedEventDetails"
    return t[0].lower() + t[1:] + "EventDetails"

ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$")
for i, e in enumerate(events):
    for k in ("timestamp", "type", "id", "previousEventId"):
        if k not in e:
            problems.append(f"event {i + 1} has no {k}: {e}")
    if e.get("id") != i + 1:
        problems.append(f"event {i + 1} has id {e.get('id')}")
    if not isinstance(e.get("previousEventId"), int) or not 0 <= e["previousEventId"] < e.get("id", 0):
        problems.append(f"event {i + 1} has previousEventId {e.get('previousEventId')}")
    if not ts.match(str(e.get("timestamp"))):
        problems.append(f"event {i + 1} has timestamp {e.get('timestamp')!r}")
    extra = [k for k in e if k not in ("timestamp", "type", "id", "previousEventId")]
    if extra and extra != [details_key(e.get("type", ""))]:
        problems.append(f"event {i + 1} ({e.get('type')}) has keys {extra}")
    for d in (e[k] for k in extra):
        for field in ("input", "output"):
            if field in d:
                if not isinstance(d[field], str):
                    problems.append(f"event {i + 1}: {field} is not a JSON string")
                else:
                    json.loads(d[field])
                if d.get(field + "Details") != {"truncated": False}:
                    problems.append(f"event {i + 1}: {field}Details is {d.get(field + 'Details')}")

types = [e.get("type") for e in events]
if "types" in want and types != want["types"]:
    problems.append(f"types {types}")
for idx, fields in want.get("details", {}).items():
    e = events[int(idx)] if int(idx) < len(events) else {}
    d = e.get(details_key(e.get("type", "")), {})
    for k, v in fields.items():
        if d.get(k) != v:
            problems.append(f"event {int(idx) + 1} ({e.get('type')}) {k} = {d.get(k)!r}, expected {v!r}")
for idx, fields in want.get("absent", {}).items():
    e = events[int(idx)] if int(idx) < len(events) else {}
    d = e.get(details_key(e.get("type", "")), {})
    for k in fields:
        if k in d:
            problems.append(f"event {int(idx) + 1} ({e.get('type')}) should have no {k}")
name = want.get("runtime_cause_names_entered_id")
if name:
    entered = [e["id"] for e in events
               if e.get("type", "").endswith("StateEntered") and e["stateEnteredEventDetails"]["name"] == name]
    cause = events[-1].get("executionFailedEventDetails", {}).get("cause", "")
    if not entered or f"(entered at the event id #{entered[-1]})" not in cause:
        problems.append(f"cause {cause!r} does not name event #{entered[-1] if entered else '?'}")
print("; ".join(problems)[:600])
EOF

# without_timestamps FILE: the history with timestamps removed, to compare modes.
without_timestamps() {
	sed -e 's/"timestamp":"[^"]*",//' "$1"
}

# expect_history NAME EXIT EXPECT_JSON WF [run options]: runs WF in interp mode with --history and
# checks the exit status and the history; then runs it in jit and aot and checks that their
# histories are the same but for timestamps.
expect_history() {
	local name=$1 want_rc=$2 want=$3 wf=$4 why mode
	shift 4
	run "$ASLC" run "$wf" --mode interp --no-wait --history "$name.interp.jsonl" "$@"
	if [ "$rc" -ne "$want_rc" ]; then
		fail "$name" "exit $rc, expected $want_rc; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
		return
	fi
	why=$(python3 check.py "$name.interp.jsonl" "$want" 2>&1)
	if [ -n "$why" ]; then
		fail "$name" "$why"
		return
	fi
	ok "$name"
	for mode in jit aot; do
		run "$ASLC" run "$wf" --mode "$mode" --no-wait --history "$name.$mode.jsonl" "$@"
		if [ "$rc" -ne "$want_rc" ]; then
			fail "${name}_same_in_$mode" "exit $rc, expected $want_rc: $(firstline "$err")"
		elif ! diff <(without_timestamps "$name.interp.jsonl") <(without_timestamps "$name.$mode.jsonl") >"$T/.diff"; then
			fail "${name}_same_in_$mode" "history differs from interp: $(head -c 300 "$T/.diff")"
		else
			ok "${name}_same_in_$mode"
		fi
	done
}

# ---------------------------------------------------------------- definitions
echo '{"n": 5}' >in.json
cat >pass-choice.asl.json <<'EOF'
{"StartAt": "Start", "States": {
  "Start": {"Type": "Pass", "Result": {"n": 5}, "Next": "Pick"},
  "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Done"}],
           "Default": "Wait"},
  "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
  "Done": {"Type": "Succeed"}}}
EOF
cat >task.asl.json <<'EOF'
{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "ResultSelector": {"p.$": "$.Payload"},
           "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}],
           "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
           "End": true},
  "Caught": {"Type": "Pass", "End": true}}}
EOF
cat >lambda.asl.json <<'EOF'
{"StartAt": "Fn", "States": {
  "Fn": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:Hello", "End": true}}}
EOF
cat >mock.json <<'EOF'
{"StateMachines": {
   "task": {"TestCases": {"Ok": {"Call": "Good"}, "Retried": {"Call": "FlakyThenGood"}, "Caught": {"Call": "Bad"}}},
   "lambda": {"TestCases": {"Ok": {"Fn": "Hello"}}}},
 "MockedResponses": {
   "Good": {"0": {"Return": {"Payload": 7, "StatusCode": 200}}},
   "FlakyThenGood": {"0": {"Throw": {"Error": "Flaky", "Cause": "try again"}},
                     "1": {"Return": {"Payload": 8, "StatusCode": 200}}},
   "Bad": {"0": {"Throw": {"Error": "Broken", "Cause": "for good"}}},
   "Hello": {"0": {"Return": {"greeting": "hi"}}}}}
EOF
cat >fail.asl.json <<'EOF'
{"StartAt": "Prep", "States": {
  "Prep": {"Type": "Pass", "Next": "Boom"},
  "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}
EOF
cat >runtime.asl.json <<'EOF'
{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "B"},
  "B": {"Type": "Pass", "Next": "Bad"},
  "Bad": {"Type": "Pass", "OutputPath": "$.missing", "End": true}}}
EOF

# ---------------------------------------------------------------- event sequences
expect_history pass_choice_succeed_sequence 0 '{
  "types": ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered",
            "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"],
  "details": {"0": {"input": "{\"n\":5}", "roleArn": "arn:aws:iam::123456789012:role/aslc-local"},
              "1": {"name": "Start", "input": "{\"n\":5}"},
              "2": {"name": "Start", "output": "{\"n\":5}"},
              "3": {"name": "Pick"},
              "7": {"output": "{\"n\":5}"}}}' pass-choice.asl.json --input in.json

expect_history task_sequence 0 '{
  "types": ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
            "TaskStateExited", "ExecutionSucceeded"],
  "details": {"2": {"resourceType": "lambda", "resource": "invoke", "region": "us-east-1",
                    "parameters": "{\"FunctionName\":\"f\",\"Payload\":{\"n\":5}}"},
              "3": {"resourceType": "lambda", "resource": "invoke"},
              "4": {"resourceType": "lambda", "resource": "invoke", "output": "{\"Payload\":7,\"StatusCode\":200}"},
              "5": {"name": "Call", "output": "{\"p\":7}"}}}' \
	task.asl.json --input in.json --mock-config mock.json --test-case Ok

expect_history task_retry_is_failed_then_scheduled_again 0 '{
  "types": ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
            "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"],
  "details": {"4": {"resourceType": "lambda", "resource": "invoke", "error": "Flaky", "cause": "try again"}}}' \
	task.asl.json --input in.json --mock-config mock.json --test-case Retried

expect_history task_caught_is_failed_then_exited_with_catcher_output 0 '{
  "types": ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
            "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"],
  "details": {"4": {"error": "Broken", "cause": "for good"},
              "5": {"name": "Call",
                    "output": "{\"n\":5,\"error\":{\"Error\":\"Broken\",\"Cause\":\"for good\"}}"}}}' \
	task.asl.json --input in.json --mock-config mock.json --test-case Caught

expect_history bare_lambda_arn_gives_lambda_function_events 0 '{
  "types": ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
            "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"],
  "details": {"2": {"resource": "arn:aws:lambda:us-east-1:111111111111:function:Hello", "input": "{\"n\":5}"},
              "4": {"output": "{\"greeting\":\"hi\"}"}}}' \
	lambda.asl.json --input in.json --mock-config mock.json --test-case Ok

expect_history fail_state_is_entered_then_execution_failed 1 '{
  "types": ["ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"],
  "details": {"3": {"name": "Boom"}, "4": {"error": "Boom", "cause": "it broke"}}}' \
	fail.asl.json --input in.json

expect_history runtime_error_goes_straight_to_execution_failed 1 '{
  "types": ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited",
            "PassStateEntered", "ExecutionFailed"],
  "details": {"6": {"error": "States.Runtime"}},
  "runtime_cause_names_entered_id": "Bad"}' runtime.asl.json --input in.json

# An execution's end other than success or failure: its own last event.
cat >timeout.asl.json <<'EOF'
{"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "End": true}}}
EOF
run "$ASLC" run timeout.asl.json --input in.json --history timeout.jsonl
why=$(python3 check.py timeout.jsonl '{"types": ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"],
  "details": {"2": {"error": "States.Timeout"}}}' 2>&1)
if [ "$rc" -eq 3 ] && [ -z "$why" ]; then ok timed_out_execution_ends_with_execution_timed_out
else fail timed_out_execution_ends_with_execution_timed_out "exit $rc: $why"; fi
"$ASLC" run timeout.asl.json --input in.json --history aborted.jsonl >/dev/null 2>&1 </dev/null &
pid=$!
for _ in $(seq 50); do grep -q WaitStateEntered aborted.jsonl 2>/dev/null && break; sleep 0.1; done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
why=$(python3 check.py aborted.jsonl '{"types": ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]}' 2>&1)
if [ "$rc" -eq 4 ] && [ -z "$why" ]; then ok aborted_execution_ends_with_execution_aborted
else fail aborted_execution_ends_with_execution_aborted "exit $rc: $why"; fi

# The id a States.Runtime cause quotes is counted the same without --history.
run "$ASLC" run runtime.asl.json --input in.json
if [[ $out == *"(entered at the event id #6)"* ]]; then ok runtime_cause_event_id_without_history
else fail runtime_cause_event_id_without_history "stdout $(firstline "$out")"; fi
run "$ASLC" run task.asl.json --input in.json --mock-config mock.json --test-case Retried --no-wait
if [ "$rc" -eq 0 ]; then ok history_is_optional
else fail history_is_optional "exit $rc: $(firstline "$err")"; fi

run "$ASLC" run fail.asl.json --input in.json --history "$T/no/such/dir/h.jsonl"
if [ "$rc" -eq 2 ] && [[ $err == *"no/such/dir/h.jsonl"* ]]; then ok unwritable_history_file_is_a_usage_error
else fail unwritable_history_file_is_a_usage_error "exit $rc, stderr $(firstline "$err")"; fi

# ---------------------------------------------------------------- --trace
run "$ASLC" run task.asl.json --input in.json --mock-config mock.json --test-case Retried --no-wait --trace
if [ "$rc" -ne 0 ] || [ "$out" != '{"p":8}' ]; then
	fail trace_goes_to_stderr_only "exit $rc, stdout $(firstline "$out")"
elif ! grep -q '^aslrt: .* enter "Call" (Task)$' "$T/.err" ||
	! grep -q '^aslrt: .* fail  "Call" (Task) TaskFailed: Flaky "try again"$' "$T/.err" ||
	! grep -q '^aslrt: .* exit  "Call" (Task) [0-9.]* m\?s$' "$T/.err" ||
	! grep -q '^aslrt: .* execution succeeded$' "$T/.err"; then
	fail trace_goes_to_stderr_only "stderr: $(tr '\n' '|' <"$T/.err" | cut -c1-400)"
else
	ok trace_goes_to_stderr_only
fi
run "$ASLC" run fail.asl.json --input in.json --trace
if grep -q '^aslrt: .* execution failed: Boom "it broke"$' "$T/.err"; then ok trace_names_the_final_error
else fail trace_names_the_final_error "stderr: $(tr '\n' '|' <"$T/.err" | cut -c1-400)"; fi

# ---------------------------------------------------------------- aslc graph
cat >hostile.asl.json <<'EOF'
{"StartAt": "q\"uo\\te\n<b>{x}|y</b>&amp; #1;", "States": {
  "q\"uo\\te\n<b>{x}|y</b>&amp; #1;": {"Type": "Parallel", "Next": "\u00dcber \u2603 \ud83d\ude00",
    "Branches": [{"StartAt": "}\"]; digraph x {", "States": {"}\"]; digraph x {": {"Type": "Pass", "End": true}}},
                 {"StartAt": "end", "States": {"end": {"Type": "Map", "End": true,
                   "ItemProcessor": {"StartAt": "subgraph", "States": {"subgraph": {"Type": "Pass", "End": true}}}}}}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "-->|x| y"}]},
  "\u00dcber \u2603 \ud83d\ude00": {"Type": "Choice", "Choices": [
     {"Variable": "$.s", "StringEquals": "\"]; --> <script>", "Next": "-->|x| y"}], "Default": "done"},
  "-->|x| y": {"Type": "Fail", "Error": "E"},
  "done": {"Type": "Succeed"}}}
EOF
graphs=(pass-choice.asl.json task.asl.json fail.asl.json hostile.asl.json)
if ! command -v dot >/dev/null 2>&1; then
	skip graph_renders_with_graphviz "Graphviz's dot is not installed (tools/setup installs it)"
else
	for wf in "${graphs[@]}"; do
		name=graph_${wf%%.*}_renders_with_graphviz
		run "$ASLC" graph "$wf"
		if [ "$rc" -ne 0 ]; then fail "$name" "exit $rc: $(firstline "$err")"; continue; fi
		if ! printf '%s\n' "$out" | timeout 60 dot -Tsvg >"$T/g.svg" 2>"$T/dot.err" || [ -s "$T/dot.err" ]; then
			fail "$name" "dot: $(head -c 300 "$T/dot.err")"
		elif ! python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$T/g.svg" 2>/dev/null; then
			fail "$name" "dot wrote an SVG that is not XML"
		else
			ok "$name"
		fi
	done
	# Every state name survives the round trip as the text of an SVG node.
	run "$ASLC" graph hostile.asl.json
	printf '%s\n' "$out" | dot -Tsvg >"$T/h.svg" 2>/dev/null
	why=$(python3 - "$T/h.svg" hostile.asl.json <<'EOF'
import json, sys, xml.dom.minidom as m
doc = m.parse(sys.argv[1])
texts = [t.firstChild.data for t in doc.getElementsByTagName("text") if t.firstChild]
names = []
def walk(states):
    for n, s in states.items():
        names.append(n)
        for b in s.get("Branches", []):
            walk(b["States"])
        if "ItemProcessor" in s:
            walk(s["ItemProcessor"]["States"])
walk(json.load(open(sys.argv[2]))["States"])
for n in names:
    lines = n.split("\n")
    if not all(line.strip() in [t.strip() for t in texts] for line in lines):
        print(f"name {n!r} not drawn; texts: {texts}")
EOF
)
	if [ -z "$why" ]; then ok graph_draws_hostile_names_verbatim; else fail graph_draws_hostile_names_verbatim "$why"; fi

	cat >caught-fails.asl.json <<'EOF'
{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ok",
           "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Boom"}]},
  "Ok": {"Type": "Succeed"},
  "Boom": {"Type": "Fail", "Error": "Boom"}}}
EOF
	run "$ASLC" run caught-fails.asl.json --input in.json --history caught.jsonl
	run "$ASLC" graph caught-fails.asl.json --history caught.jsonl
	if [ "$rc" -ne 0 ]; then
		fail graph_marks_history "exit $rc: $(firstline "$err")"
	elif ! printf '%s\n' "$out" | dot -Tsvg >/dev/null 2>&1; then
		fail graph_marks_history "dot rejects the marked graph"
	elif ! grep -q 'm0_s2 \[label="Boom\\n(Fail)", .*fillcolor="#ffcdd2"' "$T/.out" ||
		! grep -q 'm0_s0 \[label="Call\\n(Task)", fillcolor="#c8e6c9"' "$T/.out" ||
		! grep -q 'm0_s0 -> m0_s2 \[label="Catch: States.ALL", .*penwidth=2.5' "$T/.out" ||
		grep -q 'm0_s0 -> m0_s1 .*penwidth' "$T/.out"; then
		fail graph_marks_history "marks missing: $(tr '\n' '|' <"$T/.out" | cut -c1-500)"
	else
		ok graph_marks_history
	fi
fi

# Mermaid goldens: tests/graph/NAME.asl.json -> NAME.mmd (and NAME.history.mmd with NAME.jsonl).
for def in "$GOLDEN"/*.asl.json; do
	[ -f "$def" ] || continue
	base=${def%.asl.json}
	name=$(basename "$base")
	for variant in plain history; do
		args=(--format mermaid)
		golden=$base.mmd
		if [ "$variant" = history ]; then
			[ -f "$base.jsonl" ] || continue
			args+=(--history "$base.jsonl")
			golden=$base.history.mmd
		fi
		run "$ASLC" graph "$def" "${args[@]}"
		if [ "$rc" -ne 0 ]; then
			fail "mermaid_golden_${name}_$variant" "exit $rc: $(firstline "$err")"
		elif [ "$UPDATE" = --update-goldens ]; then
			printf '%s\n' "$out" >"$golden"
			ok "mermaid_golden_${name}_$variant (updated)"
		elif [ ! -f "$golden" ]; then
			fail "mermaid_golden_${name}_$variant" "no golden $golden (run with --update-goldens)"
		elif ! diff "$golden" <(printf '%s\n' "$out") >"$T/.diff"; then
			fail "mermaid_golden_${name}_$variant" "differs: $(head -c 400 "$T/.diff")"
		else
			ok "mermaid_golden_${name}_$variant"
		fi
	done
done

run "$ASLC" graph fail.asl.json --format svg
if [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ $err == *"dot or mermaid"* ]]; then ok graph_rejects_unknown_format
else fail graph_rejects_unknown_format "exit $rc, stderr $(firstline "$err")"; fi
printf 'not json\n' >bad.jsonl
run "$ASLC" graph fail.asl.json --history bad.jsonl
if [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ $err == *"bad.jsonl:1"* ]]; then ok graph_rejects_bad_history
else fail graph_rejects_bad_history "exit $rc, stderr $(firstline "$err")"; fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
