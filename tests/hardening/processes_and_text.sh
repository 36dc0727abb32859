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

summary
