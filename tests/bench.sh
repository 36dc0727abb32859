#!/usr/bin/env bash
# bench.sh — checks the shape of `aslc bench` (design.md's command; compiler/bench.c): its
# JSON and text reports, its exit codes, the agreement check, the options it passes on to the
# runs. Never a timing: only that figures exist, are ordered (min <= median <= max) and that
# counts derived from the ASL definitions are exact.
# Usage: tests/bench.sh ASLC     Prints each failed test (VERBOSE=1: every test), then
#                                `N passed, N failed`; exits 1 when a test failed.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/bench.sh ASLC (an executable aslc)" >&2
	exit 2
fi
ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-bench-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2

passed=0 failed=0
ok()   { passed=$((passed + 1)); [ -z "${VERBOSE:-}" ] || echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# run: aslc with its stdout in $T/.out, stderr in $T/.err, exit status in rc.
run() {
	"$ASLC" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
}

# expect_rc NAME CODE: the last run's exit status is CODE (stderr shown when not).
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1"; else fail "$1" "exit $rc, wanted $2; stderr: $(head -c 600 "$T/.err")"; fi
}

# json_check NAME PYTHON-EXPR...: each expression, with r = the JSON on stdout, must be true.
json_check() {
	local name=$1 msg
	shift
	if msg=$(python3 - "$T/.out" "$@" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit(f"stdout is not one JSON object: {e}")
for expr in sys.argv[2:]:
    try:
        good = eval(expr)
    except Exception as e:
        sys.exit(f"{expr}: {type(e).__name__}: {e}")
    if not good:
        sys.exit(f"not true: {expr}")
EOF
	); then ok "$name"; else fail "$name" "$msg"; fi
}

# A counting loop: Init, then n times Check+Increment, a last Check, Done.
# States entered: 1 + (n + 1) + n + 1 = 2n + 3.
cat >loop.asl.json <<'EOF'
{"StartAt": "Init", "States": {
  "Init": {"Type": "Pass", "Parameters": {"i": 0, "n.$": "$.n"}, "Next": "Check"},
  "Check": {"Type": "Choice", "Choices": [
      {"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Increment"}], "Default": "Done"},
  "Increment": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"}, "Next": "Check"},
  "Done": {"Type": "Succeed"}}}
EOF
echo '{"n": 3}' >n3.json
# A Task whose first attempt throws and whose retry waits a minute unless --no-wait.
cat >task.asl.json <<'EOF'
{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F",
           "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 60, "MaxAttempts": 1}], "End": true}}}
EOF
cat >task.mock.json <<'EOF'
{"StateMachines": {"task": {"TestCases": {"FirstFails": {"Call": "ThrowThenReturn"}}}},
 "MockedResponses": {"ThrowThenReturn": {
   "0": {"Throw": {"Error": "Flaky", "Cause": "first attempt"}},
   "1": {"Return": {"ok": true}}}}}
EOF
echo '{"StartAt": "U", "States": {"U": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "End": true}}}' \
	>uuid.asl.json
echo '{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "always"}}}' >fail.asl.json
echo '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "Nowhere"}}}' >invalid.asl.json

# --- the JSON report, all three modes -------------------------------------------------------
run bench loop.asl.json --input n3.json --runs 2 --json --save-output saved.json
expect_rc "bench --json exits 0 when the modes agree" 0
json_check "bench --json names the workflow, input, runs and modes" \
	"r['workflow'] == 'loop.asl.json'" "r['input'] == 'n3.json'" "r['runs'] == 2" \
	"r['modes'] == ['interp', 'jit', 'aot']"
json_check "bench --json counts states entered exactly (2n + 3 for n = 3)" "r['states_entered'] == 9"
json_check "bench --json reports the agreed output's exit status and size" \
	"r['output'] == {'agree': True, 'exit_status': 0, 'bytes': len('{\"i\":3,\"n\":3}\n')}"
json_check "bench --json gives each mode ordered wall-time statistics and every sample" \
	"sorted(r['results']) == ['aot', 'interp', 'jit']" \
	"all(set(m['wall_ms']) == {'median', 'min', 'max', 'q1', 'q3'} for m in r['results'].values())" \
	"all(m['wall_ms']['min'] <= m['wall_ms']['q1'] <= m['wall_ms']['median'] <= m['wall_ms']['q3'] <= m['wall_ms']['max'] for m in r['results'].values())" \
	"all(len(m['samples_ms']) == 2 and min(m['samples_ms']) == m['wall_ms']['min'] for m in r['results'].values())"
json_check "bench --json gives each mode CPU times, peak RSS and states/s" \
	"all(m['user_ms'] >= 0 and m['sys_ms'] >= 0 for m in r['results'].values())" \
	"all(0 < m['peak_rss_kb']['median'] <= m['peak_rss_kb']['max'] for m in r['results'].values())" \
	"all(m['states_per_s'] > 0 for m in r['results'].values())" "r['rss_floor_kb'] > 0"
json_check "bench --json separates compile times from the runs" \
	"r['results']['jit']['compile_ms'] >= 0" "r['results']['aot']['build_ms'] > 0" \
	"'compile_ms' not in r['results']['interp']" "r['front_end_ms'] >= 0" \
	"[r['results'][m]['includes_startup'] for m in ('interp', 'jit', 'aot')] == [True, True, False]"
json_check "bench --json gives the ratio of every pair of modes" \
	"sorted(r['ratios']) == ['interp/aot', 'interp/jit', 'jit/aot']" \
	"abs(r['ratios']['jit/aot'] - r['results']['jit']['wall_ms']['median'] / r['results']['aot']['wall_ms']['median']) < 0.01"
if [ "$(cat saved.json 2>/dev/null)" = '{"i":3,"n":3}' ]; then
	ok "bench --save-output writes the output every mode printed"
else
	fail "bench --save-output writes the output every mode printed" "got '$(cat saved.json 2>/dev/null)'"
fi

# --- modes chosen and ordered, counting skipped, input from stdin ---------------------------
echo '{"n": 2}' | "$ASLC" bench loop.asl.json --input - --modes jit,interp --runs 1 --no-count --json \
	>"$T/.out" 2>"$T/.err"
rc=$?
expect_rc "bench reads the input from stdin with --input -" 0
json_check "bench --modes keeps the order given and --no-count leaves states out" \
	"r['modes'] == ['jit', 'interp']" "sorted(r['results']) == ['interp', 'jit']" \
	"list(r['ratios']) == ['jit/interp']" "r['states_entered'] is None" \
	"r['results']['jit']['states_per_s'] is None" "r['output']['bytes'] == len('{\"i\":2,\"n\":2}\n')"

# --- the text report ------------------------------------------------------------------------
run bench loop.asl.json --input n3.json --runs 1 --modes interp,aot
expect_rc "bench prints a text report by default" 0
if grep -q '^states entered: 9 ' "$T/.out" && grep -q '^interp ' "$T/.out" && grep -q '^aot ' "$T/.out" &&
	! grep -q '^jit ' "$T/.out" && grep -q '^ratios of medians: interp/aot ' "$T/.out" &&
	grep -q "include aslc's start-up" "$T/.out"; then
	ok "bench's text report has a line per mode, the state count, the ratios and the start-up note"
else
	fail "bench's text report has a line per mode, the state count, the ratios and the start-up note" \
		"$(cat "$T/.out")"
fi

# --- run options reach every run ------------------------------------------------------------
run bench task.asl.json --mock-config task.mock.json --test-case FirstFails --no-wait --runs 1 \
	--modes interp,jit --json
expect_rc "bench passes --mock-config, --test-case and --no-wait to the runs" 0
json_check "a mocked Task retried once is one state entered" "r['states_entered'] == 1" \
	"r['output'] == {'agree': True, 'exit_status': 0, 'bytes': len('{\"ok\":true}\n')}"

# --- agreement ------------------------------------------------------------------------------
run bench fail.asl.json --runs 1 --modes interp,jit --json
expect_rc "bench accepts a workflow that fails the same way in every mode" 0
json_check "bench reports the shared failure's exit status" "r['output']['exit_status'] == 1" \
	"r['states_entered'] == 1"
run bench uuid.asl.json --runs 1 --modes interp,jit --json
expect_rc "bench exits 1 when outputs differ" 1
if grep -q 'outputs differ' "$T/.err" && [ ! -s "$T/.out" ]; then
	ok "bench says that the outputs differ, and prints no report"
else
	fail "bench says that the outputs differ, and prints no report" "stdout: $(cat "$T/.out"); stderr: $(cat "$T/.err")"
fi

# --- a baseline timed in the same rounds ---------------------------------------------------
# A stand-in for hand-written C: prints its input file, whatever aslc printed.
printf '#!/bin/sh\nexec cat "$1"\n' >base.sh
chmod +x base.sh
run bench loop.asl.json --input n3.json --modes interp,aot --runs 3 --no-count --json --baseline ./base.sh
expect_rc "bench times a baseline" 0
json_check "the baseline's runs and ratios are reported" \
	'r["baseline"]["command"] == "./base.sh"' \
	'len(r["baseline"]["samples_ms"]) == 3' \
	'r["baseline"]["wall_ms"]["min"] <= r["baseline"]["wall_ms"]["median"] <= r["baseline"]["wall_ms"]["max"]' \
	'r["baseline"]["peak_rss_kb"] > 0' \
	'set(r["ratios"]) == {"interp/aot", "interp/baseline", "aot/baseline"}'
printf '#!/bin/sh\necho broken >&2\nexit 3\n' >badbase.sh
chmod +x badbase.sh
run bench loop.asl.json --input n3.json --modes interp --runs 1 --no-count --baseline ./badbase.sh
expect_rc "a failing baseline fails the bench" 1
if grep -q "the baseline ./badbase.sh exited with status 3" "$T/.err" && grep -q broken "$T/.err"; then
	ok "a failing baseline is named, with its stderr"
else
	fail "a failing baseline is named, with its stderr" "$(head -c 600 "$T/.err")"
fi

# --- usage and invalid definitions ----------------------------------------------------------
run bench
expect_rc "bench without a definition is a usage error" 2
run bench loop.asl.json --modes interp,interp
expect_rc "bench rejects a mode named twice" 2
run bench loop.asl.json --modes interp,fast
expect_rc "bench rejects an unknown mode" 2
run bench loop.asl.json --runs 0
expect_rc "bench rejects --runs 0" 2
run bench loop.asl.json --mock-config task.mock.json
expect_rc "bench rejects --mock-config without --test-case" 2
run bench loop.asl.json --frobnicate
expect_rc "bench rejects an unknown option" 2
run bench invalid.asl.json --json
expect_rc "bench on an invalid definition exits 2" 2
if grep -q '^invalid.asl.json: /States/P/Next: ' "$T/.err" && [ ! -s "$T/.out" ]; then
	ok "bench on an invalid definition prints the diagnostics and runs nothing"
else
	fail "bench on an invalid definition prints the diagnostics and runs nothing" "$(cat "$T/.err")"
fi
leftover=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'aslc-bench-*' -newer loop.asl.json -user "$(id -u)" 2>/dev/null |
	grep -v "aslc-bench-test" | head -n 1)
if [ -z "$leftover" ]; then
	ok "bench removes its temporary directory"
else
	fail "bench removes its temporary directory" "$leftover is still there"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
