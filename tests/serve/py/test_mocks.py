"""Step Functions Local's mocks: the server runs with --mock-config (mock-config.json beside
this file's folder), and StartExecution on `stateMachineArn#TestCase` selects a test case."""
import json
import os
import unittest

import sfn
from sfn import SfnTest

MOCK_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         "mock-config.json")
with open(MOCK_FILE) as f:
    MOCKS = json.load(f)
MACHINE = "MockedOrder"  # the name mock-config.json describes

DEFINITION = sfn.dumps({"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
               "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
               "ResultSelector": {"charged.$": "$.Payload.charged"},
               "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1,
                          "MaxAttempts": 2}],
               "Catch": [{"ErrorEquals": ["Payment.Declined"], "ResultPath": "$.error",
                          "Next": "Declined"}],
               "Next": "Ship"},
    "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": "ship"}, "OutputPath": "$.Payload", "End": True},
    "Declined": {"Type": "Fail", "Error": "Order.Declined", "Cause": "payment declined"}}})


class Mocks(SfnTest):
    def setUp(self):
        super().setUp()
        try:
            self.sm = self.sfn.describe_state_machine(
                stateMachineArn=sfn.missing_arn("stateMachine", MACHINE))["stateMachineArn"]
        except sfn.ClientError:
            self.sm = self.sfn.create_state_machine(name=MACHINE, definition=DEFINITION,
                                                    roleArn=sfn.ROLE)["stateMachineArn"]

    def expected_return(self, response, invocation="0"):
        return MOCKS["MockedResponses"][response][invocation]["Return"]

    def test_happy_path(self):
        ex = self.start(self.sm + "#HappyPath", {"order": 1})
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), self.expected_return("ShipOk", "0-2")["Payload"])
        self.assertTrue(ex.startswith(self.sm.replace(":stateMachine:", ":execution:") + ":"), ex)
        # the execution belongs to the machine, without the #TestCase
        self.assertEqual(d["stateMachineArn"], self.sm)

    def test_thrown_error_is_caught(self):
        d = self.wait_done(self.start(self.sm + "#DeclinedPath", {}))
        self.assertEqual((d["status"], d["error"]), ("FAILED", "Order.Declined"))

    def test_numbered_invocations_retry(self):
        # RetryPath: Charge throws on invocation 0 and returns on invocation 1; its Retry
        # takes it there, and Ship's "0-2" range answers.
        ex = self.start(self.sm + "#RetryPath", {})
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        types = [e["type"] for e in self.history(ex) if e["type"].startswith("Task")]
        self.assertEqual(types.count("TaskFailed"), 1)
        self.assertEqual(types.count("TaskSucceeded"), 2)

    def test_mocked_task_history(self):
        ex = self.start(self.sm + "#HappyPath", {"order": 2})
        self.wait_done(ex)
        events = self.history(ex)
        ok = [e["taskSucceededEventDetails"] for e in events if e["type"] == "TaskSucceeded"]
        self.assertEqual(len(ok), 2)
        self.assertEqual(ok[0]["resourceType"], "lambda")
        self.assertEqual(ok[0]["resource"], "invoke")
        self.assertEqual(json.loads(ok[0]["output"]), self.expected_return("ChargeOk"))

    def test_listed_under_the_machine(self):
        ex = self.start(self.sm + "#HappyPath", {})
        self.wait_done(ex)
        listed = [e["executionArn"] for e in self.sfn.list_executions(stateMachineArn=self.sm)["executions"]]
        self.assertIn(ex, listed)


if __name__ == "__main__":
    unittest.main()
