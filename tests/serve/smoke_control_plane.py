#!/usr/bin/env python3
"""smoke_control_plane.py — `aslc serve`'s control plane through boto3: state machines, versions,
aliases, activities, tags and ValidateStateMachineDefinition, their errors as AWS words them, the
awsJson1_0 protocol's own errors, --db keeping state across a restart, and a clean stop on SIGTERM.

Usage: tests/serve/smoke_control_plane.py ASLC      Prints `N passed, N failed, N skipped`.
Each server it starts listens on 127.0.0.1 on a free port and is stopped on every exit."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    print("skip serve control plane: boto3 is not installed (tools/setup installs python3-boto3)")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)

ROLE = "arn:aws:iam::123456789012:role/R"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def pass_result(n):
    return json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": n, "End": True}}})


class Server:
    """`aslc serve --port 0` on loopback, and its endpoint from the line it prints."""

    def __init__(self, aslc, *args):
        self.proc = subprocess.Popen([aslc, "serve", "--host", "127.0.0.1", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.fullmatch(r"aslc serve: listening on http://127\.0\.0\.1:(\d+)\n", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("no listening line: %r %r" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.endpoint = "http://127.0.0.1:%d" % self.port

    def client(self):
        return boto3.client("stepfunctions", endpoint_url=self.endpoint, region_name="local",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}))

    def stop(self):
        """SIGTERM; the exit status (None when it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode


results = {"passed": 0, "failed": 0}


def check(name, fn):
    try:
        fn()
        results["passed"] += 1
        print("ok %s" % name)
    except Exception as e:  # a failed check and a crash alike: say which and go on
        results["failed"] += 1
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e))


def error_of(call, **kwargs):
    """The (code, message) a call fails with; AssertionError when it succeeds."""
    try:
        call(**kwargs)
    except ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response["ResponseMetadata"]
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("%s succeeded" % call.__name__)


def raw(port, target, body, method="POST"):
    """One request by hand: (status, parsed JSON answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target:
        headers["X-Amz-Target"] = target
    conn.request(method, "/", body=body, headers=headers)
    r = conn.getresponse()
    text = r.read()
    conn.close()
    return r.status, json.loads(text) if text.startswith(b"{") else text


def protocol(srv):
    status, body = raw(srv.port, "AWSStepFunctions.NoSuchOperation", "{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException"), body
    status, body = raw(srv.port, None, "{}")
    assert body["__type"] == "UnknownOperationException", body
    status, body = raw(srv.port, "AWSStepFunctions.ListStateMachines", '{"maxResults": 1,')
    assert (status, body["__type"]) == (400, "SerializationException"), body
    status, body = raw(srv.port, "AWSStepFunctions.ListStateMachines", '{"maxResults": "x"}')
    assert body["__type"] == "SerializationException", body
    status, body = raw(srv.port, "AWSStepFunctions.DescribeStateMachine", "{}")
    assert body == {"__type": "ValidationException", "message": "1 validation error detected: Value null at "
                    "'stateMachineArn' failed to satisfy constraint: Member must not be null"}, body
    status, body = raw(srv.port, "AWSStepFunctions.ListStateMachines", '{"maxResults": 1001}')
    assert body["message"] == ("1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
                               "constraint: Member must have value less than or equal to 1000"), body
    status, body = raw(srv.port, "AWSStepFunctions.ListStateMachines", "")
    assert status == 200 and "stateMachines" in body, body
    # a handler's own error after the model's checks (StartExecution is implemented now)
    status, body = raw(srv.port, "AWSStepFunctions.StartExecution", '{"stateMachineArn": "x"}')
    assert (status, body["__type"]) == (400, "InvalidArn"), body
    status, body = raw(srv.port, "AWSStepFunctions.ListStateMachines", " " * (9 << 20))
    assert status == 413, (status, body)


def state_machines(sfn):
    arn = sfn.create_state_machine(name="orders", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    assert arn == "arn:aws:states:us-east-1:123456789012:stateMachine:orders", arn
    again = sfn.create_state_machine(name="orders", definition=PASS, roleArn=ROLE + "2")
    assert again["stateMachineArn"] == arn  # a different role is the same request again
    assert error_of(sfn.create_state_machine, name="orders", definition=pass_result(1), roleArn=ROLE) == (
        "StateMachineAlreadyExists", "State Machine Already Exists: '%s'" % arn)
    assert error_of(sfn.create_state_machine, name="a b", definition=PASS, roleArn=ROLE) == (
        "InvalidName", "Invalid Name: 'a b'")
    code, msg = error_of(sfn.create_state_machine, name="bad", definition='{"StartAt": "X", "States": {}}',
                         roleArn=ROLE)
    assert code == "InvalidDefinition" and msg.startswith("Invalid State Machine Definition: '"), msg
    assert error_of(sfn.create_state_machine, name="bad", definition=PASS, roleArn="role")[0] == "InvalidArn"
    assert error_of(sfn.create_state_machine, name="bad", definition=PASS, roleArn=ROLE,
                    versionDescription="v") == ("ValidationException",
                                                "Version description can only be set when publish is true")
    d = sfn.describe_state_machine(stateMachineArn=arn)
    assert (d["name"], d["definition"], d["roleArn"], d["type"], d["status"]) == ("orders", PASS, ROLE, "STANDARD",
                                                                                  "ACTIVE"), d
    assert d["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}, d
    assert "revisionId" not in d  # a machine never updated has none
    u = sfn.update_state_machine(stateMachineArn=arn, definition=pass_result(2))
    assert sfn.describe_state_machine(stateMachineArn=arn)["revisionId"] == u["revisionId"]
    assert error_of(sfn.update_state_machine, stateMachineArn=arn)[0] == "MissingRequiredParameter"
    missing = arn.replace("orders", "nothing")
    assert error_of(sfn.describe_state_machine, stateMachineArn=missing) == (
        "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'" % missing)
    assert error_of(sfn.describe_state_machine, stateMachineArn="nope") == (
        "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: nope'")
    for name in ["b-2", "a-1", "c-3"]:
        sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE, type="EXPRESS")
    names, token = [], None
    while True:
        page = sfn.list_state_machines(maxResults=2, **({"nextToken": token} if token else {}))
        assert len(page["stateMachines"]) <= 2
        names += [m["name"] for m in page["stateMachines"]]
        token = page.get("nextToken")
        if not token:
            break
    assert names == ["a-1", "b-2", "c-3", "orders"], names
    assert error_of(sfn.list_state_machines, nextToken="bogus")[0] == "InvalidToken"
    sfn.delete_state_machine(stateMachineArn=arn)
    sfn.delete_state_machine(stateMachineArn=arn)  # gone already: no error, as on AWS
    assert error_of(sfn.describe_state_machine, stateMachineArn=arn)[0] == "StateMachineDoesNotExist"


def versions_and_aliases(sfn):
    arn = sfn.create_state_machine(name="v", definition=PASS, roleArn=ROLE, publish=True,
                                   versionDescription="first")["stateMachineArn"]
    v1 = arn + ":1"
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == v1  # idempotent
    assert sfn.describe_state_machine(stateMachineArn=v1)["description"] == "first"
    rev = sfn.update_state_machine(stateMachineArn=arn, definition=pass_result(2))["revisionId"]
    code, msg = error_of(sfn.publish_state_machine_version, stateMachineArn=arn, revisionId="other")
    assert code == "ConflictException" and rev in msg, msg
    v2 = sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=rev)["stateMachineVersionArn"]
    assert v2 == arn + ":2"
    listed = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [v2, v1], listed
    alias = sfn.create_state_machine_alias(name="prod", routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 70}, {"stateMachineVersionArn": v2, "weight": 30}])
    assert alias["stateMachineAliasArn"] == arn + ":prod"
    assert error_of(sfn.create_state_machine_alias, name="prod", routingConfiguration=[
        {"stateMachineVersionArn": v2, "weight": 100}])[0] == "ConflictException"
    assert error_of(sfn.create_state_machine_alias, name="x", routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 70}, {"stateMachineVersionArn": v2, "weight": 29}]) == (
        "ValidationException", "Sum of routing configuration weights must equal 100. Received: [70, 29]")
    assert error_of(sfn.create_state_machine_alias, name="x", routingConfiguration=[
        {"stateMachineVersionArn": arn, "weight": 100}])[1].startswith(
        "Routing configuration must contain state machine version ARNs.")
    assert error_of(sfn.create_state_machine_alias, name="123", routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 100}])[0] == "ValidationException"
    d = sfn.describe_state_machine_alias(stateMachineAliasArn=arn + ":prod")
    assert [r["weight"] for r in d["routingConfiguration"]] == [70, 30], d
    assert error_of(sfn.delete_state_machine_version, stateMachineVersionArn=v1) == (
        "ConflictException", "Version to be deleted must not be referenced by an alias. Current list of aliases "
        "referencing this version: [prod]")
    sfn.update_state_machine_alias(stateMachineAliasArn=arn + ":prod",
                                   routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}])
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    listed = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [arn + ":prod"], listed
    sfn.update_state_machine(stateMachineArn=arn, definition=pass_result(3))
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == arn + ":3"
    sfn.delete_state_machine_alias(stateMachineAliasArn=arn + ":prod")
    assert error_of(sfn.describe_state_machine_alias, stateMachineAliasArn=arn + ":prod")[0] == "ResourceNotFound"


def activities_and_tags(sfn):
    a = sfn.create_activity(name="worker", tags=[{"key": "team", "value": "x"}])
    assert sfn.create_activity(name="worker")["activityArn"] == a["activityArn"]  # by name: the same one
    d = sfn.describe_activity(activityArn=a["activityArn"])
    assert d["name"] == "worker" and d["encryptionConfiguration"] == {"type": "AWS_OWNED_KEY"}, d
    assert [x["name"] for x in sfn.list_activities()["activities"]] == ["worker"]
    assert sfn.list_tags_for_resource(resourceArn=a["activityArn"])["tags"] == [{"key": "team", "value": "x"}]
    sfn.tag_resource(resourceArn=a["activityArn"], tags=[{"key": "team", "value": "y"}, {"key": "b", "value": ""}])
    sfn.untag_resource(resourceArn=a["activityArn"], tagKeys=["b", "absent"])
    assert sfn.list_tags_for_resource(resourceArn=a["activityArn"])["tags"] == [{"key": "team", "value": "y"}]
    assert error_of(sfn.tag_resource, resourceArn=a["activityArn"],
                    tags=[{"key": "k%d" % i, "value": "v"} for i in range(50)])[0] == "TooManyTags"
    sfn.delete_activity(activityArn=a["activityArn"])
    assert error_of(sfn.describe_activity, activityArn=a["activityArn"]) == (
        "ActivityDoesNotExist", "Activity Does Not Exist: '%s'" % a["activityArn"])
    arn = sfn.create_state_machine(name="tagged", definition=PASS, roleArn=ROLE, publish=True)["stateMachineArn"]
    assert error_of(sfn.tag_resource, resourceArn=arn + ":1", tags=[{"key": "k", "value": "v"}]) == (
        "ResourceNotFound", "Resource not found: '%s:1'" % arn)


def validate(sfn):
    ok = sfn.validate_state_machine_definition(definition=PASS)
    assert (ok["result"], ok["diagnostics"], ok["truncated"]) == ("OK", [], False), ok
    bad = sfn.validate_state_machine_definition(definition=json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}))
    assert bad["result"] == "FAIL" and bad["diagnostics"], bad
    assert all(d["severity"] == "ERROR" and d["code"] and d["message"] for d in bad["diagnostics"]), bad
    assert any(d.get("location") == "/States/A/Next" for d in bad["diagnostics"]), bad
    cut = sfn.validate_state_machine_definition(definition=json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Bogus"}, "B": {"Type": "Bogus"}}}), maxResults=1)
    assert len(cut["diagnostics"]) == 1 and cut["truncated"] is True, cut
    wftt = json.dumps({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True}}})
    assert sfn.validate_state_machine_definition(definition=wftt)["result"] == "OK"
    express = sfn.validate_state_machine_definition(definition=wftt, type="EXPRESS")
    assert express["result"] == "FAIL", express
    assert express["diagnostics"][0]["location"] == "/States/T/Resource", express
    syntax = sfn.validate_state_machine_definition(definition="{")
    assert syntax["diagnostics"][0]["code"] == "INVALID_JSON_DESCRIPTION", syntax
    unreachable = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}})
    assert sfn.validate_state_machine_definition(definition=unreachable)["diagnostics"] == []
    warned = sfn.validate_state_machine_definition(definition=unreachable, severity="WARNING")
    assert warned["result"] == "OK" and warned["diagnostics"][0]["severity"] == "WARNING", warned
    lint = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"x": "$.input", "y.$": "$.y"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "StringEquals": "$.b", "Next": "R"}], "Default": "R"},
        "R": {"Type": "Pass", "Result": {"k": "$.x"}, "End": True}}}), severity="WARNING")
    assert lint["result"] == "OK", lint
    assert [(d["code"], d["location"]) for d in lint["diagnostics"]] == [
        ("NO_DOLLAR", "/States/A/Parameters/x"), ("NO_PATH", "/States/C/Choices/0/StringEquals"),
        ("PASS_RESULT_IS_STATIC", "/States/R/Result/k")], lint


def concurrency(srv):
    """Eight clients at once, each on its own keep-alive connection: every machine each created is
    there afterwards, and each one's definition is its own."""
    import threading
    failures = []

    def worker(n):
        try:
            sfn = srv.client()
            for i in range(12):
                name = "c%d-%d" % (n, i)
                arn = sfn.create_state_machine(name=name, definition=pass_result(n * 100 + i),
                                               roleArn=ROLE)["stateMachineArn"]
                sfn.tag_resource(resourceArn=arn, tags=[{"key": "n", "value": str(n)}])
                assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == pass_result(n * 100 + i)
                sfn.validate_state_machine_definition(definition=pass_result(i))
                sfn.list_state_machines(maxResults=5)
        except Exception as e:  # reported by the main thread
            failures.append("%s: %s" % (type(e).__name__, e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
    sfn = srv.client()
    names = {m["name"] for m in sfn.get_paginator("list_state_machines").paginate().build_full_result()[
        "stateMachines"]}
    missing = {"c%d-%d" % (n, i) for n in range(8) for i in range(12)} - names
    assert not missing, sorted(missing)[:5]


def persistence(aslc, tmp):
    db = os.path.join(tmp, "state.db")
    first = Server(aslc, "--db", db)
    try:
        first.client().create_state_machine(name="kept", definition=PASS, roleArn=ROLE)
    finally:
        assert first.stop() == 0
    second = Server(aslc, "--db", db)
    try:
        names = [m["name"] for m in second.client().list_state_machines()["stateMachines"]]
        assert names == ["kept"], names
    finally:
        second.stop()
    fresh = Server(aslc)  # :memory: is fresh at every start
    try:
        assert fresh.client().list_state_machines()["stateMachines"] == []
    finally:
        fresh.stop()


def usage_errors(aslc):
    """A bad option is a usage error (exit 2) that names it, before anything listens."""
    for args, words in [(["--bogus"], "--bogus"), (["--port", "http"], "http"), (["--mode", "fast"], "fast"),
                        (["--no-wait", "--time-scale", "2"], "--time-scale"), (["--account", "12"], "12"),
                        (["--db", "/nonexistent-dir/x.db"], "/nonexistent-dir/x.db")]:
        r = subprocess.run([aslc, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2 and words in r.stderr and not r.stdout, (args, r.returncode, r.stderr)


def main():
    if len(sys.argv) != 2:
        print("usage: tests/serve/smoke_control_plane.py ASLC", file=sys.stderr)
        return 2
    aslc = sys.argv[1]
    srv = Server(aslc)
    try:
        sfn = srv.client()
        check("protocol", lambda: protocol(srv))
        check("state machines", lambda: state_machines(sfn))
        check("versions and aliases", lambda: versions_and_aliases(sfn))
        check("activities and tags", lambda: activities_and_tags(sfn))
        check("validate", lambda: validate(sfn))
        check("concurrent clients", lambda: concurrency(srv))
    finally:
        rc = srv.stop()
    err = srv.proc.stderr.read()

    def clean_stop():
        assert rc == 0, "exit %s: %s" % (rc, err[-300:])

    def no_sanitizer_report():
        assert not re.search(r"ERROR: (Address|Leak|Thread)Sanitizer|runtime error:", err), err[-600:]

    check("clean stop on SIGTERM", clean_stop)
    check("no sanitizer report", no_sanitizer_report)
    check("usage errors", lambda: usage_errors(aslc))
    with tempfile.TemporaryDirectory() as tmp:
        check("--db keeps state across a restart", lambda: persistence(aslc, tmp))
    print("%d passed, %d failed, 0 skipped" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
