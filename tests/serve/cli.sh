#!/usr/bin/env bash
# cli.sh — the aws cli (`aws stepfunctions ... --endpoint-url`) through the common flows:
# create, describe, start, describe the execution, history, list, an error's exit status and
# message, delete.  Run by run.sh, which sets SFN_ENDPOINT and dummy credentials.
# Prints `ok cli/NAME` or `FAIL cli/NAME: why` per test and `N passed, N failed`.
# Usage: cli.sh [MATCH]     MATCH: only the tests whose id contains it
set -u
: "${SFN_ENDPOINT:?run by tests/serve/run.sh}"
match=${1:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-serve-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
passed=0 failed=0

sfn() { # sfn ARGS...: one aws cli call; sets rc, out (stdout), err (stderr)
	timeout -k 5 60 aws stepfunctions --endpoint-url "$SFN_ENDPOINT" --region us-east-1 \
		--output json "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
# check NAME PYTHON_EXPR: the last call succeeded and EXPR holds, with `out` its parsed stdout
check() {
	local name=cli/$1 expr=$2
	[[ -z $match || ${name,,} == *"${match,,}"* ]] || return 0
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc: $(printf '%s' "$err" | tr '\n' ' ' | cut -c1-300)"
	elif python3 -c 'import json, sys; out = json.loads(sys.argv[1]) if sys.argv[1].strip() else None; sys.exit(0 if eval(sys.argv[2]) else 1)' "$out" "$expr"; then
		passed=$((passed + 1))
		echo "ok $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name: $expr does not hold for $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)"
	fi
}
# check_error NAME CODE: the last call failed as a service error does (exit 254 or 255: the
# cli's status for an error the service returned), naming CODE on stderr
check_error() {
	local name=cli/$1 code=$2
	[[ -z $match || ${name,,} == *"${match,,}"* ]] || return 0
	if [ "$rc" -ne 254 ] && [ "$rc" -ne 255 ]; then
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc, expected the cli's service-error status (254 or 255): $(printf '%s' "$err$out" | tr '\n' ' ' | cut -c1-200)"
	elif [[ $err != *"($code)"* ]]; then
		failed=$((failed + 1))
		echo "FAIL $name: stderr does not name ($code): $(printf '%s' "$err" | tr '\n' ' ' | cut -c1-300)"
	else
		passed=$((passed + 1))
		echo "ok $name"
	fi
}

name=cli-$$-$RANDOM
def='{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Result":{"greeting":"hi"},"ResultPath":"$.said","End":true}}}'
role=arn:aws:iam::123456789012:role/aslc-serve-tests

sfn create-state-machine --name "$name" --definition "$def" --role-arn "$role"
check create 'out["stateMachineArn"].endswith(":stateMachine:'"$name"'") and isinstance(out["creationDate"], (str, int, float))'
sm=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["stateMachineArn"])' "$out" 2>/dev/null)

sfn describe-state-machine --state-machine-arn "$sm"
check describe 'out["name"] == "'"$name"'" and json.loads(out["definition"])["States"]["Hello"]["Result"] == {"greeting": "hi"} and out["status"] == "ACTIVE"'
sfn list-state-machines
check list-state-machines 'any(m["stateMachineArn"] == "'"$sm"'" for m in out["stateMachines"])'

sfn start-execution --state-machine-arn "$sm" --name run-1 --input '{"who":"cli"}'
check start-execution 'out["executionArn"].endswith(":run-1")'
ex=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["executionArn"])' "$out" 2>/dev/null)

deadline=$((SECONDS + ${SFN_WAIT_TIMEOUT:-20}))
while :; do # each call starts the cli (about a second): poll by time, not by count
	sfn describe-execution --execution-arn "$ex"
	status=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["status"])' "$out" 2>/dev/null)
	[ "$status" = RUNNING ] && [ "$SECONDS" -lt "$deadline" ] || break
	sleep 0.1
done
check describe-execution 'out["status"] == "SUCCEEDED" and json.loads(out["output"]) == {"who": "cli", "said": {"greeting": "hi"}}'

sfn get-execution-history --execution-arn "$ex"
check get-execution-history '[e["type"] for e in out["events"]] == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]'
sfn get-execution-history --execution-arn "$ex" --reverse-order --max-items 1
check history-reverse-max-items '[e["type"] for e in out["events"]] == ["ExecutionSucceeded"] and "NextToken" in out'

sfn list-executions --state-machine-arn "$sm" --status-filter SUCCEEDED
check list-executions '[e["executionArn"] for e in out["executions"]] == ["'"$ex"'"]'

sfn start-execution --state-machine-arn "$sm" --input 'not json'
check_error error-invalid-input InvalidExecutionInput
sfn describe-state-machine --state-machine-arn "arn:aws:states:us-east-1:123456789012:stateMachine:absent-$name"
check_error error-missing-machine StateMachineDoesNotExist
sfn describe-execution --execution-arn "not-an-arn"
check_error error-invalid-arn InvalidArn

# StartSyncExecution goes to the `sync-` host prefix unless botocore is told not to: the aws
# cli has no flag for it, but botocore reads AWS_DISABLE_HOST_PREFIX_INJECTION
sfn create-state-machine --name "$name-express" --definition "$def" --role-arn "$role" --type EXPRESS
express=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["stateMachineArn"])' "$out" 2>/dev/null)
AWS_DISABLE_HOST_PREFIX_INJECTION=true sfn start-sync-execution --state-machine-arn "$express" --input '{"sync":true}'
check start-sync-execution 'out["status"] == "SUCCEEDED" and json.loads(out["output"]) == {"sync": True, "said": {"greeting": "hi"}}'
sfn delete-state-machine --state-machine-arn "$express"

sfn tag-resource --resource-arn "$sm" --tags key=team,value=cli
sfn list-tags-for-resource --resource-arn "$sm"
check tags 'out["tags"] == [{"key": "team", "value": "cli"}]'

sfn delete-state-machine --state-machine-arn "$sm"
check delete-state-machine 'out is None or out == {}'
sfn describe-state-machine --state-machine-arn "$sm"
if [ "$rc" -eq 0 ]; then
	check deleted-is-gone 'out["status"] == "DELETING"'
else
	check_error deleted-is-gone StateMachineDoesNotExist
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
