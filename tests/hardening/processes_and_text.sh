#!/usr/bin/env bash
# processes_and_text.sh — what exec handlers start is ended with them (setsid'd grandchildren
# included, on TimeoutSeconds, on exit and on abort, without touching a sibling branch's
# handler); diagnostics name aslc and shorten long names; invalid UTF-8 in any JSON file or
# input is refused with its byte offset.
set -u
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-hardening.XXXXXX")
trap 'for p in $(cat "$T"/*.pid 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
cd "$T" || exit 2

# ------------------------------------------------------------------ handlers' descendants

# alive PID: the process exists and is not a zombie.
alive() {
	[ -n "$1" ] && [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
# gone NAME PIDFILE: the process whose pid PIDFILE holds ends within 3 s (a bound, not a speed).
gone() {
	local pid
	pid=$(cat "$2" 2>/dev/null)
	if [ -z "$pid" ]; then
		fail "$1" "the handler never wrote $2"
		return
	fi
	for _ in $(seq 30); do
		alive "$pid" || { ok "$1"; rm -f "$2"; return; }
		sleep 0.1
	done
	fail "$1" "pid $pid (started with setsid by the handler) still runs"
	kill -KILL "$pid" 2>/dev/null
	rm -f "$2"
}

if ! command -v setsid >/dev/null; then
	skip handler_descendants "no setsid(1) here"
else
	# A handler that leaves a process in a session of its own (no process group reaches it),
	# which writes its pid to $1 and then sleeps for $2 seconds before answering.
	cat >daemon.sh <<'EOF'
#!/bin/sh
setsid sh -c 'echo $$ > "$1.tmp" && mv "$1.tmp" "$1" && exec sleep 1000' sh "$1" </dev/null >/dev/null 2>&1 &
while [ ! -s "$1" ]; do sleep 0.05; done
cat >/dev/null
sleep "$2"
echo '{"done": true}'
EOF
	chmod +x daemon.sh
	cat >bindings.json <<EOF
{
  "arn:aws:states:::aslc:slow": {"exec": ["./daemon.sh", "$T/slow.pid", "30"]},
  "arn:aws:states:::aslc:quick": {"exec": ["./daemon.sh", "$T/quick.pid", "0"]},
  "arn:aws:states:::aslc:branch": {"exec": ["./daemon.sh", "$T/branch.pid", "3"]},
  "arn:aws:states:::aslc:aborted": {"exec": ["./daemon.sh", "$T/aborted.pid", "30"]}
}
EOF
	echo '{}' >in.json

	cat >timeout.asl.json <<'EOF'
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aslc:slow",
  "TimeoutSeconds": 1, "End": true}}}
EOF
	check_timeout() {
		expect "$1" 1 '{"Error": "States.Timeout"}'
		gone "${1}_grandchild_is_ended" "$T/slow.pid"
	}
	CHECK=check_timeout in_every_mode handler_timeout timeout.asl.json --bindings bindings.json --input in.json

	cat >quick.asl.json <<'EOF'
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aslc:quick", "End": true}}}
EOF
	check_quick() {
		expect "$1" 0 '{"done": true}'
		gone "${1}_daemon_left_behind_is_ended" "$T/quick.pid"
	}
	CHECK=check_quick in_every_mode handler_exit quick.asl.json --bindings bindings.json --input in.json

	# Two branches at once: ending the one that times out (and its daemon) leaves the other's
	# handler running to its answer.
	cat >branches.asl.json <<'EOF'
{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
  {"StartAt": "A", "States": {
    "A": {"Type": "Task", "Resource": "arn:aws:states:::aslc:slow", "TimeoutSeconds": 1, "End": true,
          "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}]},
    "Caught": {"Type": "Pass", "Result": "timed out", "End": true}}},
  {"StartAt": "B", "States": {
    "B": {"Type": "Task", "Resource": "arn:aws:states:::aslc:branch", "End": true}}}]}}}
EOF
	check_branches() {
		expect "$1" 0 '["timed out", {"done": true}]'
		gone "${1}_timed_out_branch_grandchild_is_ended" "$T/slow.pid"
		gone "${1}_other_branch_daemon_is_ended" "$T/branch.pid"
	}
	CHECK=check_branches in_every_mode parallel_handlers branches.asl.json --bindings bindings.json --input in.json --threads 2

	# SIGTERM while the handler runs: exit 4, and its setsid'd grandchild ends too.
	cat >aborted.asl.json <<'EOF'
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aslc:aborted", "End": true}}}
EOF
	# abort NAME CMD...: runs CMD in the background, SIGTERM once the grandchild is there.
	abort() {
		local name=$1 pid
		shift
		rm -f "$T/aborted.pid"
		"$@" --bindings bindings.json --input in.json >"$T/.out" 2>"$T/.err" </dev/null &
		pid=$!
		for _ in $(seq 300); do
			[ -s "$T/aborted.pid" ] && break
			sleep 0.1
		done
		kill -TERM "$pid"
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		collect
		expect_clean_failure "$name" 4 "aborted by SIGTERM"
		gone "${name}_grandchild_is_ended" "$T/aborted.pid"
	}
	for mode in interp jit aot; do
		abort "sigterm_$mode" "$ASLC" run aborted.asl.json --mode "$mode"
	done
	run "$ASLC" build aborted.asl.json -o aborted.exe
	if [ "$rc" -ne 0 ]; then
		fail sigterm_exe "aslc build failed (exit $rc): $(firstline "$err")"
	else
		abort sigterm_exe ./aborted.exe
	fi
fi

# ------------------------------------------------------------------ messages

echo '{}' >in.json
# aot mode runs a temporary executable; its diagnostics still start "aslc:", as in the others.
printf 'not json' >bad-input.json
cat >pass.asl.json <<'EOF'
{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
EOF
for mode in interp jit aot; do
	run "$ASLC" run pass.asl.json --input bad-input.json --mode "$mode"
	expect_usage "bad_input_diagnostic_starts_with_aslc_$mode" "aslc: bad-input.json:1:1:"
	[[ $err == aslc:* ]] || fail "bad_input_diagnostic_has_no_temporary_path_$mode" "$(firstline "$err")"
done
run "$ASLC" run pass.asl.json --input no-such-input.json --mode aot
expect_usage missing_input_diagnostic_starts_with_aslc_aot "aslc: no-such-input.json:"

# A megabyte-long state name is cut short in every diagnostic line that quotes it.
python3 -c '
import json
n = "S" * 1000000
json.dump({"StartAt": n, "States": {n: {"Type": "Pass", "Next": "Nope"}}}, open("long-name.asl.json", "w"))
json.dump({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": n}}}, open("long-next.asl.json", "w"))
json.dump({"x" * 100000: 5}, open("long-key-bindings.json", "w"))'
check_short_lines() {
	local longest
	longest=$(printf '%s\n' "$err" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
	if [ "$rc" -ne 2 ]; then
		fail "$1" "exit $rc, expected 2: $(firstline "$err")"
	elif [ "$longest" -gt 400 ]; then
		fail "$1" "a diagnostic line of $longest characters"
	elif [[ $err != *'SSS...'* && $err != *'xxx...'* ]]; then
		fail "$1" "no name cut short with '...': $(firstline "$err")"
	else
		ok "$1"
	fi
}
run "$ASLC" check long-name.asl.json
check_short_lines long_state_name_is_cut_in_pointers_and_messages
run "$ASLC" check long-next.asl.json
check_short_lines long_next_is_cut_in_the_message
run "$ASLC" run pass.asl.json --bindings long-key-bindings.json --input in.json
check_short_lines long_bindings_key_is_cut

# ------------------------------------------------------------------ invalid UTF-8

printf '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "caf\xc3\xa9 \xed\xa0\x80", "End": true}}}' \
	>bad-utf8.asl.json
run "$ASLC" check bad-utf8.asl.json
expect_usage definition_with_a_surrogate_is_refused_by_check \
	"bad-utf8.asl.json:1:68: invalid UTF-8 at byte offset 67 (byte 0xED)"
for mode in interp jit aot; do
	run "$ASLC" run bad-utf8.asl.json --input in.json --mode "$mode"
	expect_usage "definition_with_a_surrogate_is_refused_by_run_$mode" "invalid UTF-8 at byte offset 67"
done
run "$ASLC" build bad-utf8.asl.json -o bad-utf8.exe
expect_usage definition_with_a_surrogate_is_refused_by_build "invalid UTF-8 at byte offset 67"
if [ -e bad-utf8.exe ]; then fail definition_with_bad_utf8_builds_nothing "bad-utf8.exe exists"; fi

# Well-formed UTF-8 of every length still goes through untouched.
printf '{"s": "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}' >good-utf8.json
check_good_utf8() { expect "$1" 0 "$(cat good-utf8.json)"; }
CHECK=check_good_utf8 in_every_mode good_utf8_input_passes pass.asl.json --input good-utf8.json

# Overlong, surrogate, past U+10FFFF, cut short, a lone continuation byte, a byte never used
# (the reading is the same code in every mode: one kind goes through all of them).
check_bad_input() { expect_usage "$1" "bad-input-utf8.json:1:9: invalid UTF-8 at byte offset 8"; }
for bytes in c0af edbfbf f4908080 e282 80 ff; do
	printf '{"s": "a%b"}' "$(printf '%s' "$bytes" | sed 's/../\\x&/g')" >bad-input-utf8.json
	run "$ASLC" run pass.asl.json --input bad-input-utf8.json --mode interp
	check_bad_input "input_${bytes}_is_refused"
done
CHECK=check_bad_input in_every_mode input_with_byte_ff_is_refused pass.asl.json --input bad-input-utf8.json
for mode in interp jit aot; do
	run_stdin "$(printf '["\xf0\x9f\x98"]')" "$ASLC" run pass.asl.json --mode "$mode"
	expect_usage "truncated_sequence_on_stdin_is_refused_$mode" "aslc: <stdin>:1:3: invalid UTF-8 at byte offset 2"
done

printf '{"arn:aws:states:::aslc:caf\xc3\xa9\xc3": {"exec": ["true"]}}' >bad-utf8-bindings.json
run "$ASLC" check pass.asl.json --bindings bad-utf8-bindings.json
expect_usage bindings_with_bad_utf8_are_refused_by_check "bad-utf8-bindings.json:1:30: invalid UTF-8 at byte offset 29"
check_bad_bindings() { expect_usage "$1" "bad-utf8-bindings.json:1:30: invalid UTF-8 at byte offset 29"; }
CHECK=check_bad_bindings in_every_mode bindings_with_bad_utf8_are_refused pass.asl.json --input in.json \
	--bindings bad-utf8-bindings.json

printf '{"StateMachines": {"m": {"TestCases": {"t": {"P": "\xc3\xa9\xa9"}}}}}' >bad-utf8-mock.json
check_bad_mock() { expect_usage "$1" "bad-utf8-mock.json:1:54: invalid UTF-8 at byte offset 53"; }
CHECK=check_bad_mock in_every_mode mock_config_with_bad_utf8_is_refused pass.asl.json --input in.json \
	--mock-config bad-utf8-mock.json --test-case t

# Item reader sources are read at run time: the Map fails as for a malformed source.
mkdir -p s3/bkt
printf '[1, "ok", "caf\xc3\xa9\xff", 3]' >s3/bkt/items.json
printf '{"n": 1}\n{"n": "\xe0\x80\xaf"}\n' >s3/bkt/items.jsonl
printf 'h\nok\n\xed\xa0\x80\n' >s3/bkt/items.csv
for kind in json:JSON:16 jsonl:JSONL:16 csv:CSV:5; do
	IFS=: read -r ext type offset <<<"$kind"
	cat >"reader-$ext.asl.json" <<EOF
{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "MaxConcurrency": 1,
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "bkt", "Key": "items.$ext"},
                 "ReaderConfig": {"InputType": "$type", "CSVHeaderLocation": "FIRST_ROW"}},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
EOF
	[ "$type" = CSV ] || sed -i 's/, "CSVHeaderLocation": "FIRST_ROW"//' "reader-$ext.asl.json"
	READER_ERROR="{\"Error\": \"States.ItemReaderFailed\", \"Cause\": \"Cannot read s3://bkt/items.$ext: invalid UTF-8 at byte offset $offset.\"}"
	check_reader() { expect "$1" 1 "$READER_ERROR"; }
	CHECK=check_reader in_every_mode "item_reader_${ext}_with_bad_utf8_fails" "reader-$ext.asl.json" --input in.json \
		--s3-root s3
done

summary
