#!/usr/bin/env python3
"""sfn_run.py — `aslc run`'s command-line contract, answered through `aslc serve`: the shared
conformance runner (../shared/conformance/run.py) drives it as it drives `aslc run`, so that
every case also goes through the API (CreateStateMachine, StartExecution, DescribeExecution).

  sfn_run.py run DEF.json [--input IN.json] [--mock-config MOCK.json --test-case NAME]
             [--mode jit|interp|aot]

Each call starts its own `aslc serve --port 0` on loopback (with --mock-config when given: the
server takes one mock file at start, as Step Functions Local does) and stops it before exiting.
aslc is $ASLC_UNDER_TEST. Exit status and output as `aslc run`: 0 and the output, 1 and
{"Error","Cause"}, 2 for an invalid definition or usage (CreateStateMachine's InvalidDefinition
on stderr), 3 timed out, 4 aborted."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time

ROLE = "arn:aws:iam::123456789012:role/conformance"


def usage(msg):
    print("sfn_run.py: " + msg, file=sys.stderr)
    sys.exit(2)


def parse(argv):
    if len(argv) < 2 or argv[0] != "run":
        usage("usage: sfn_run.py run DEF.json [--input F] [--mock-config F --test-case T] [--mode M]")
    opts = {"definition": argv[1], "input": None, "mock": None, "test_case": None, "mode": "jit"}
    names = {"--input": "input", "--mock-config": "mock", "--test-case": "test_case", "--mode": "mode"}
    rest = argv[2:]
    for i in range(0, len(rest), 2):
        if rest[i] not in names or i + 1 >= len(rest):
            usage("unknown option or missing value: %s" % rest[i])
        opts[names[rest[i]]] = rest[i + 1]
    return opts


class Server:
    def __init__(self, args):
        self.proc = subprocess.Popen([os.environ["ASLC_UNDER_TEST"], "serve", "--port", "0"] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()
        m = re.fullmatch(r"aslc serve: listening on http://127\.0\.0\.1:(\d+)\n", line)
        if not m:
            self.stop()
            usage("aslc serve did not start: %r" % self.proc.stderr.read()[-300:])
        self.conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=60)

    def call(self, op, body):
        self.conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + op})
        r = self.conn.getresponse()
        return r.status, json.loads(r.read() or b"{}")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def machine_name(mock_file, test_case):
    """The state machine of the mock file that has the test case (its name selects it)."""
    with open(mock_file) as f:
        machines = json.load(f).get("StateMachines", {})
    for name, m in machines.items():
        if test_case in m.get("TestCases", {}):
            return name
    return next(iter(machines), "conformance")


def main():
    o = parse(sys.argv[1:])
    with open(o["definition"]) as f:
        definition = f.read()
    if o["input"]:
        with open(o["input"]) as f:
            text = f.read()
    else:
        text = "{}"
    args = ["--mode", o["mode"]] + (["--mock-config", o["mock"]] if o["mock"] else [])
    name = machine_name(o["mock"], o["test_case"]) if o["mock"] else "conformance"
    srv = Server(args)
    try:
        status, ans = srv.call("CreateStateMachine", {"name": name, "definition": definition, "roleArn": ROLE})
        if status != 200:
            print("%s: %s" % (ans.get("__type"), ans.get("message")), file=sys.stderr)
            return 2
        arn = ans["stateMachineArn"] + ("#" + o["test_case"] if o["mock"] else "")
        status, ans = srv.call("StartExecution", {"stateMachineArn": arn, "input": text})
        if status != 200:
            print("%s: %s" % (ans.get("__type"), ans.get("message")), file=sys.stderr)
            return 2
        execution = ans["executionArn"]
        pause = 0.001
        while True:
            status, ans = srv.call("DescribeExecution", {"executionArn": execution})
            if status != 200:
                print("DescribeExecution: %s: %s" % (ans.get("__type"), ans.get("message")), file=sys.stderr)
                return 2
            if ans["status"] != "RUNNING":
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    finally:
        srv.stop()
    if ans["status"] == "SUCCEEDED":
        print(ans["output"])
        return 0
    failure = {k: ans[v] for k, v in (("Error", "error"), ("Cause", "cause")) if v in ans}
    print(json.dumps(failure))
    return {"FAILED": 1, "TIMED_OUT": 3, "ABORTED": 4}.get(ans["status"], 1)


if __name__ == "__main__":
    sys.exit(main())
