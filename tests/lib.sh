# lib.sh — what the shell test scripts share; sourced, never run.  The sourcing script sets ASLC
# (an absolute path) and T (its scratch directory, removed on exit) before sourcing this.
#   ok NAME / fail NAME WHY / skip NAME WHY    count and report one test
#   run CMD... / run_stdin TEXT CMD...          run with a time limit: sets rc, out and err
#   expect NAME EXIT JSON                       the last run's exit status and stdout
#   expect_usage NAME [TEXT]                    exit 2, empty stdout, a diagnostic containing TEXT
#   expect_clean_failure NAME EXIT TEXT         exit EXIT, no crash or sanitizer report, TEXT on stderr
#   in_every_mode NAME CMD_TAIL...              runs `aslc run CMD_TAIL --mode M` for interp, jit, aot
#                                               and a built executable; sets MODE for each, calls
#                                               the function named by CHECK after each run
#   summary                                     prints `N passed, N failed[, N skipped]`; its status
passed=0 failed=0 skipped=0
ok()   { passed=$((passed + 1)); [ -z "${VERBOSE:-}" ] || echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }

# collect: reads the last command's stdout and stderr into out and err.  A sanitizer report
# turns rc into 86 and puts the report first, so it can never pass as an ASL failure (exit 1).
collect() {
	local report
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
	report=$(grep -m 1 -E 'ERROR: (Address|Leak|Thread)Sanitizer|: runtime error: ' "$T/.err")
	if [ -n "$report" ]; then
		rc=86
		err="sanitizer: $report"
	fi
}
run() {
	timeout -k 5 60 "$@" >"$T/.out" 2>"$T/.err" </dev/null
	rc=$?
	collect
}
run_stdin() {
	local text=$1
	shift
	printf '%s' "$text" | timeout -k 5 60 "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	collect
}
# json_eq EXPECTED ACTUAL: true when both are the same JSON value (1 == 1.0, key order ignored).
json_eq() {
	python3 -c 'import json, sys; sys.exit(0 if json.loads(sys.argv[1]) == json.loads(sys.argv[2]) else 1)' \
		"$1" "$2" 2>/dev/null
}
firstline() { printf '%s' "$1" | head -n 1 | cut -c1-200; }
expect() {
	if [ "$rc" -ne "$2" ]; then
		fail "$1" "exit $rc, expected $2; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
	elif ! json_eq "$3" "$out"; then
		fail "$1" "stdout $(firstline "$out"), expected $3"
	else
		ok "$1"
	fi
}
expect_usage() {
	if [ "$rc" -ne 2 ]; then
		fail "$1" "exit $rc, expected 2; stderr: $(firstline "$err")"
	elif [ -n "$out" ]; then
		fail "$1" "exit 2 but stdout is not empty: $(firstline "$out")"
	elif [ -z "$err" ]; then
		fail "$1" "exit 2 without a diagnostic on stderr"
	elif [ $# -gt 1 ] && [[ $err != *"$2"* ]]; then
		fail "$1" "stderr does not contain '$2': $(firstline "$err")"
	else
		ok "$1"
	fi
}
expect_clean_failure() {
	if [ "$rc" -ne "$2" ]; then
		fail "$1" "exit $rc, expected $2; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
	elif [[ $err != *"$3"* && $out != *"$3"* ]]; then
		fail "$1" "neither stdout nor stderr contains '$3': $(firstline "$err") $(firstline "$out")"
	else
		ok "$1"
	fi
}
# in_every_mode NAME WF ARGS...: the run in interp, jit and aot, then as an executable built
# from WF; after each, calls "$CHECK" "NAME_MODE" (the check reads rc, out and err).
in_every_mode() {
	local name=$1 wf=$2 mode
	shift 2
	for mode in interp jit aot; do
		MODE=$mode
		run "$ASLC" run "$wf" "$@" --mode "$mode"
		"$CHECK" "${name}_$mode"
	done
	MODE=exe
	run "$ASLC" build "$wf" -o "$T/.exe"
	if [ "$rc" -ne 0 ]; then
		fail "${name}_exe" "aslc build failed (exit $rc): $(firstline "$err")"
		return
	fi
	run "$T/.exe" "$@"
	"$CHECK" "${name}_exe"
}
summary() {
	local line="$passed passed, $failed failed"
	[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
	echo "$line"
	[ "$failed" -eq 0 ]
}
