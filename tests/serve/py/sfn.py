"""sfn.py — what the boto3 tests share: a client pointed at the server under test, unique names,
small definitions, and a TestCase base class that cleans up what a test created and waits for
executions with a time limit.

The server is named by the environment (tests/serve/run.sh sets it):
  SFN_ENDPOINT  http://127.0.0.1:PORT
  SFN_REGION    the region the server puts in its ARNs (default us-east-1); clients sign for
                "local" or "us-east-1", both of which the server accepts
  SFN_MOCKED    the state machine name that the server's --mock-config describes (test_mocks.py)
"""
import json
import os
import threading
import time
import unittest
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("SFN_ENDPOINT", "http://127.0.0.1:8083")
ACCOUNT_PATTERN = r"\d{12}"
ROLE = "arn:aws:iam::123456789012:role/aslc-serve-tests"
# How long a test waits for an execution to get somewhere (a server under test finishes these
# small workflows in milliseconds; the runner lowers it against peers that never run them).
WAIT = float(os.environ.get("SFN_WAIT_TIMEOUT", "20"))

# Every client turns the `sync-` host prefix off: StartSyncExecution and TestState would
# otherwise go to sync-127.0.0.1, which does not resolve.  No retries: a test sees the
# server's first answer.
_config = Config(inject_host_prefix=False, retries={"max_attempts": 1, "mode": "standard"},
                 connect_timeout=5, read_timeout=70)


_clients = {}


def client(region="us-east-1", fresh=False):
    """The shared client for region (botocore clients are thread-safe); fresh=True makes a new
    one, with its own connection pool."""
    if not fresh and region in _clients:
        return _clients[region]
    c = boto3.client("stepfunctions", endpoint_url=ENDPOINT, region_name=region,
                        aws_access_key_id="AKIDTESTING", aws_secret_access_key="test-secret",
                        config=_config)
    if not fresh:
        _clients[region] = c
    return c


_lock = threading.Lock()
_count = 0


def unique(prefix):
    """A name no other test (or earlier run against a kept database) uses."""
    global _count
    with _lock:
        _count += 1
        n = _count
    return f"{prefix}-{uuid.uuid4().hex[:10]}-{n}"


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"))


# Definitions the tests share.  Each is a JSON string, as the API takes it.
PASS = dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
PASS_RESULT = dumps({"StartAt": "P", "States": {
    "P": {"Type": "Pass", "Result": {"answer": 42}, "ResultPath": "$.added", "End": True}}})
FAIL = dumps({"StartAt": "F", "States": {
    "F": {"Type": "Fail", "Error": "Custom.Broken", "Cause": "it broke on purpose"}}})
WAIT_LONG = dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}})


def callback_definition(extra=None, more_states=None):
    """One .waitForTaskToken Task (no mock and no binding: the server waits for SendTask*);
    extra adds fields to it, more_states adds states beside it."""
    task = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                           "MessageBody": {"token.$": "$$.Task.Token", "input.$": "$"}},
            "End": True}
    task.update(extra or {})
    return dumps({"StartAt": "Wait For Token",
                  "States": {"Wait For Token": task, **(more_states or {})}})


class SfnTest(unittest.TestCase):
    """Creates through self.create_*; everything it created is deleted after the test."""

    def setUp(self):
        self.sfn = client()

    def create_sm(self, definition=PASS, name=None, type="STANDARD", **kw):
        name = name or unique(self.id().rsplit(".", 1)[-1][:40])
        r = self.sfn.create_state_machine(name=name, definition=definition, roleArn=ROLE,
                                          type=type, **kw)
        arn = r["stateMachineArn"]
        self.addCleanup(self._quietly, self.sfn.delete_state_machine, stateMachineArn=arn)
        return arn

    def create_activity(self, name=None, **kw):
        name = name or unique("act")
        arn = self.sfn.create_activity(name=name, **kw)["activityArn"]
        self.addCleanup(self._quietly, self.sfn.delete_activity, activityArn=arn)
        return arn

    def start(self, sm_arn, input=None, name=None):
        kw = {"stateMachineArn": sm_arn}
        if input is not None:
            kw["input"] = input if isinstance(input, str) else dumps(input)
        if name is not None:
            kw["name"] = name
        arn = self.sfn.start_execution(**kw)["executionArn"]
        self.addCleanup(self._stop_if_running, arn)
        return arn

    def wait_done(self, exec_arn, timeout=None):
        """DescribeExecution once its status is no longer RUNNING; fails after timeout s."""
        timeout = timeout or WAIT
        deadline = time.monotonic() + timeout
        while True:
            d = self.sfn.describe_execution(executionArn=exec_arn)
            if d["status"] != "RUNNING":
                return d
            if time.monotonic() > deadline:
                self.fail(f"{exec_arn} still RUNNING after {timeout} s")
            time.sleep(0.05)

    def wait_for_event(self, exec_arn, event_type, timeout=None):
        """The first history event of event_type, once it is there."""
        timeout = timeout or WAIT
        deadline = time.monotonic() + timeout
        while True:
            for e in self.history(exec_arn):
                if e["type"] == event_type:
                    return e
            if time.monotonic() > deadline:
                self.fail(f"no {event_type} event in {exec_arn}'s history after {timeout} s")
            time.sleep(0.05)

    def task_token(self, exec_arn, timeout=None):
        """The token a callback_definition() Task is waiting on, read from its TaskScheduled
        event's parameters (AWS records them resolved)."""
        e = self.wait_for_event(exec_arn, "TaskScheduled", timeout)
        params = json.loads(e["taskScheduledEventDetails"]["parameters"])
        return params["MessageBody"]["token"]

    def history(self, exec_arn, **kw):
        """The whole history, every page."""
        events, token = [], None
        while True:
            page = self.sfn.get_execution_history(executionArn=exec_arn, **kw,
                                                  **({"nextToken": token} if token else {}))
            events += page["events"]
            token = page.get("nextToken")
            if not token:
                return events

    def pages(self, fn, key, page_size, **kw):
        """Every item of a paginated list operation, asking page_size at a time by nextToken;
        checks that no page is larger and that the pages end."""
        items, token = [], None
        for _ in range(10000):
            page = fn(maxResults=page_size, **kw, **({"nextToken": token} if token else {}))
            self.assertLessEqual(len(page[key]), page_size, f"a page of {key} is too long")
            items += page[key]
            token = page.get("nextToken")
            if not token:
                return items
        self.fail(f"{key}: pages never end")

    def assertError(self, code, fn, *args, message=None, **kw):
        """fn(*args, **kw) fails with the __type code (and a message containing `message`,
        or equal to it when message is a tuple ("=", text)); returns the error dict."""
        with self.assertRaises(ClientError, msg=f"expected {code}") as cm:
            fn(*args, **kw)
        err = cm.exception.response["Error"]
        self.assertEqual(err.get("Code"), code, f"error {err}")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertTrue(err.get("Message"), f"{code} without a message")
        if isinstance(message, tuple):
            self.assertEqual(err["Message"], message[1])
        elif message is not None:
            self.assertIn(message, err["Message"])
        return err

    def assertErrorIn(self, codes, fn, *args, **kw):
        """fn fails with one of codes (where AWS's model allows either and the docs do not say)."""
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kw)
        self.assertIn(cm.exception.response["Error"].get("Code"), codes)

    @staticmethod
    def _quietly(fn, **kw):
        try:
            fn(**kw)
        except Exception:  # cleanup of something the server may not have made
            pass

    def _stop_if_running(self, arn):
        try:
            if self.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
                self.sfn.stop_execution(executionArn=arn)
        except Exception:
            pass


def region():
    return os.environ.get("SFN_REGION", "us-east-1")


def account():
    return os.environ.get("SFN_ACCOUNT", "123456789012")


def missing_arn(kind, name=None):
    """A well-formed ARN of kind (stateMachine, execution, activity, ...) that names nothing."""
    return f"arn:aws:states:{region()}:{account()}:{kind}:{name or unique('missing')}"
