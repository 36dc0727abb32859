#!/usr/bin/env bash
# run.sh — `aslc serve` driven by real clients: boto3 (py/), the aws cli (cli.sh) and the
# JavaScript SDK v3 (js/).  Starts `aslc serve --port 0` on 127.0.0.1 with mock-config.json,
# waits for its `aslc serve: listening on http://HOST:PORT` line, runs every client against it,
# checks that the server is still up and stops cleanly on SIGTERM, and stops it on every exit.
#
# Usage: tests/serve/run.sh ASLC       the suite of `make test` (skips while ASLC has no serve)
#        tests/serve/run.sh --moto      the same clients against moto_server, to check the tests
#                                       themselves where moto agrees with AWS (never fails)
# Environment: SERVE_MATCH=TEXT runs only the tests whose id contains TEXT; VERBOSE=1 prints
# the passing tests too; SERVE_PRUNE_PENDING=1 deletes from PENDING the lines of tests that
# passed (it never adds one: a new failure is a failure until someone decides otherwise).
#
# Every client prints one line per test: `ok ID`, `FAIL ID: why` or `skip ID: why`.  Tests
# listed in PENDING (one id a line: operations the server does not have yet) are reported as
# `pending` when they fail and do not fail the suite; a pending test that passes is reported
# so that its line is deleted.  Prints `N passed, N failed, N skipped` (pending counted as skipped).
set -u

here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: tests/serve/run.sh ASLC | --moto" >&2
	exit 2
}
[ $# -eq 1 ] || usage
target=aslc
if [ "$1" = --moto ]; then
	target=moto
elif [ -x "$1" ]; then
	ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
	usage
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-serve.XXXXXX")
server_pid=
stop_server() { # stop_server: SIGTERM, then SIGKILL after 10 s; sets stop_rc (its exit status)
	local killed= rc
	stop_rc=
	[ -n "$server_pid" ] || return 0
	kill -TERM "$server_pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$server_pid" 2>/dev/null; then
		kill -KILL "$server_pid" 2>/dev/null
		killed=1
	fi
	wait "$server_pid" 2>/dev/null
	rc=$?
	stop_rc=${killed:+"still running 10 s after SIGTERM (killed)"}
	stop_rc=${stop_rc:-$rc}
	server_pid=
}
cleanup() {
	stop_server
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start the server -------------------------------------------------------------------
if [ "$target" = aslc ]; then
	"$ASLC" serve --host 127.0.0.1 --port 0 --mock-config "$here/mock-config.json" \
		>"$T/server.out" 2>"$T/server.err" </dev/null &
	server_pid=$!
	endpoint=
	for _ in $(seq 300); do # 30 s
		endpoint=$(sed -n 's|^aslc serve: listening on \(http://127\.0\.0\.1:[0-9][0-9]*\)$|\1|p' "$T/server.out")
		[ -n "$endpoint" ] && break
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$endpoint" ]; then
		if ! kill -0 "$server_pid" 2>/dev/null && grep -q "unknown command 'serve'" "$T/server.err"; then
			server_pid=
			echo "skip serve: $ASLC has no serve command yet (issue 14); the client suite waits for it"
			echo "0 passed, 0 failed, 1 skipped"
			exit 0
		fi
		echo "FAIL serve/startup: no 'aslc serve: listening on http://127.0.0.1:PORT' line within 30 s"
		echo "  stdout: $(head -c 300 "$T/server.out")"
		echo "  stderr: $(head -c 600 "$T/server.err")"
		echo "0 passed, 1 failed"
		exit 1
	fi
else
	command -v moto_server >/dev/null || { echo "skip moto: moto_server is not installed"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	moto_server -H 127.0.0.1 -p "$port" >"$T/server.out" 2>"$T/server.err" </dev/null &
	server_pid=$!
	endpoint=http://127.0.0.1:$port
	for _ in $(seq 300); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null && break
		sleep 0.1
	done
fi
echo "server: $endpoint ($target)"

export SFN_ENDPOINT=$endpoint SFN_REGION=us-east-1 SFN_ACCOUNT=123456789012
export AWS_ACCESS_KEY_ID=AKIDTESTING AWS_SECRET_ACCESS_KEY=test-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
# moto records executions without running them: waiting for one to finish would only time out
# and it answers 500 to requests signed for region "local"
[ "$target" = moto ] && export SFN_WAIT_TIMEOUT=2 SFN_CLIENT_REGION=us-east-1
match=${SERVE_MATCH:-}

# --- the clients ------------------------------------------------------------------------
# client NAME LIMIT CMD...: runs one client under a time limit, its lines into $T/NAME.out; a
# client that ends without its `N passed, N failed` line is one failed test, NAME/run.
client() {
	local name=$1 limit=$2 rc start=$SECONDS
	shift 2
	timeout -k 5 "$limit" "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null
	rc=$?
	echo "client $name: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T/$name.out" | tail -n 1) ($((SECONDS - start)) s)"
	if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$T/$name.out"; then
		echo "FAIL $name/run: exited $rc without a summary: $(tail -c 400 "$T/$name.err" | tr '\n' ' ')" >>"$T/$name.out"
	fi
	cat "$T/$name.out" >>"$T/all.out"
}
: >"$T/all.out"
client boto3 1200 python3 "$here/py/run_tests.py" --match "$match"
wants() { [[ -z $match || ${match,,} == *"$1"* ]]; } # wants CLIENT: SERVE_MATCH may select it
if ! wants cli; then
	:
elif command -v aws >/dev/null; then
	client cli 300 bash "$here/cli.sh" "$match"
else
	echo "skip cli/all: the aws cli is not installed (tools/setup installs it)" >>"$T/all.out"
fi
if ! wants js; then
	:
elif ! command -v node >/dev/null; then
	echo "skip js/all: node is not installed (tools/setup installs it)" >>"$T/all.out"
elif [ ! -d "$here/js/node_modules/@aws-sdk/client-sfn" ]; then
	echo "skip js/all: @aws-sdk/client-sfn is not installed (tools/setup, or: cd tests/serve/js && npm ci)" >>"$T/all.out"
else
	client js 300 node "$here/js/sfn.mjs" "$match"
fi

# --- the server itself: still up, a clean stop on SIGTERM, no sanitizer report ------------
if [ "$target" = aslc ]; then
	if kill -0 "$server_pid" 2>/dev/null; then
		stop_server
		if [ "$stop_rc" = 0 ]; then
			echo "ok serve/clean-stop" >>"$T/all.out"
		else
			echo "FAIL serve/clean-stop: after SIGTERM: exit status $stop_rc" >>"$T/all.out"
		fi
	else
		wait "$server_pid" 2>/dev/null
		echo "FAIL serve/alive: the server exited during the tests (status $?): $(tail -c 600 "$T/server.err" | tr '\n' ' ')" >>"$T/all.out"
		server_pid=
	fi
	if grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|: runtime error: ' "$T/server.err"; then
		echo "FAIL serve/sanitizers: $(grep -m 1 -E 'ERROR: (Address|Leak|Thread)Sanitizer|: runtime error: ' "$T/server.err")" >>"$T/all.out"
	else
		echo "ok serve/sanitizers" >>"$T/all.out"
	fi
fi

# --- the report, read against PENDING -----------------------------------------------------
pending_file=$here/PENDING
[ "$target" = moto ] && pending_file=/dev/null
python3 - "$T/all.out" "$pending_file" "$target" "${VERBOSE:-}" "$match" "${SERVE_PRUNE_PENDING:-}" <<'PY'
import re, sys
out, pending_path, target, verbose, match, prune = sys.argv[1:7]
pending = set()
with open(pending_path) as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if line:
            pending.add(line)
passed = failed = skipped = 0
still_pending, now_passing, seen = [], [], set()
for line in open(out):
    m = re.match(r"^(ok|FAIL|skip) (\S+?):?(?: |$)(.*)", line.rstrip("\n"))
    if not m:
        continue
    kind, tid, rest = m.groups()
    seen.add(tid)
    if tid in pending:
        if kind == "FAIL":
            still_pending.append(tid)
            skipped += 1
            print(f"pending {tid}: {rest}"[:400])
        elif kind == "ok":
            now_passing.append(tid)
            passed += 1
            print(f"ok {tid}  (passes now: delete its line from tests/serve/PENDING)")
        else:
            skipped += 1
            print(line.rstrip())
        continue
    if kind == "ok":
        passed += 1
        if verbose:
            print(line.rstrip())
    elif kind == "FAIL":
        failed += 1
        print(line.rstrip()[:600])
    else:
        skipped += 1
        print(line.rstrip())
stale = sorted(p for p in pending if p not in seen and not p.endswith("/run"))
ran_all = not any(tid.endswith("/all") or tid.endswith("/run") for tid in seen)
print()
if still_pending:
    print(f"pending: {len(still_pending)} tests wait for server pieces (tests/serve/PENDING)")
if now_passing and prune and target == "aslc":
    gone = set(now_passing)
    with open(pending_path) as f:
        kept = [line for line in f if line.split("#", 1)[0].strip() not in gone]
    with open(pending_path, "w") as f:
        f.writelines(kept)
    print(f"deleted from tests/serve/PENDING: {len(gone)} entries whose tests pass now")
elif now_passing:
    print(f"PENDING entries that pass now ({len(now_passing)}), delete them from tests/serve/PENDING"
          " (SERVE_PRUNE_PENDING=1 does it):")
    for tid in now_passing:
        print(f"  {tid}")
if stale and ran_all and not match and target == "aslc":
    print(f"PENDING entries that name no test ({len(stale)}):")
    for tid in stale:
        print(f"  {tid}")
if target == "moto":
    print(f"moto_server: {passed} agree, {failed} differ (informational: moto records executions without running them)")
    failed = 0
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
