"""EXPRESS state machines: StartSyncExecution (which boto3 sends to a `sync-` host prefix,
turned off by Config(inject_host_prefix=False)), StartExecution of an EXPRESS machine, and the
operations EXPRESS does not support."""
import datetime
import json
import unittest

import sfn
from sfn import SfnTest


class SyncExecution(SfnTest):
    def test_sync_success(self):
        sm = self.create_sm(definition=sfn.PASS_RESULT, type="EXPRESS")
        r = self.sfn.start_sync_execution(stateMachineArn=sm, name=sfn.unique("sync"),
                                          input='{"k": 1}')
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"k": 1, "added": {"answer": 42}})
        self.assertEqual(json.loads(r["input"]), {"k": 1})
        self.assertEqual(r["stateMachineArn"], sm)
        self.assertIn(":express:", r["executionArn"])
        self.assertTrue(r["name"])
        self.assertIsInstance(r["startDate"], datetime.datetime)
        self.assertGreaterEqual(r["stopDate"], r["startDate"])
        self.assertEqual(r["inputDetails"], {"included": True})
        self.assertEqual(r["outputDetails"], {"included": True})
        self.assertIn("billedDurationInMilliseconds", r["billingDetails"])

    def test_sync_failure(self):
        sm = self.create_sm(definition=sfn.FAIL, type="EXPRESS")
        r = self.sfn.start_sync_execution(stateMachineArn=sm)
        self.assertEqual((r["status"], r["error"], r["cause"]),
                         ("FAILED", "Custom.Broken", "it broke on purpose"))
        self.assertNotIn("output", r)

    def test_sync_on_standard_is_type_not_supported(self):
        sm = self.create_sm()
        self.assertError("StateMachineTypeNotSupported", self.sfn.start_sync_execution,
                         stateMachineArn=sm)

    def test_sync_input_not_json(self):
        sm = self.create_sm(type="EXPRESS")
        self.assertError("InvalidExecutionInput", self.sfn.start_sync_execution,
                         stateMachineArn=sm, input="nope{")

    def test_sync_missing_machine(self):
        arn = sfn.missing_arn("stateMachine")
        self.assertError("StateMachineDoesNotExist", self.sfn.start_sync_execution,
                         stateMachineArn=arn)

    def test_sync_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.start_sync_execution, stateMachineArn="x:y")

    def test_sync_map_and_parallel(self):
        sm = self.create_sm(type="EXPRESS", definition=sfn.dumps({"StartAt": "M", "States": {
            "M": {"Type": "Map", "ItemsPath": "$.xs", "Next": "P",
                  "ItemProcessor": {"StartAt": "I", "States": {
                      "I": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}}}},
            "P": {"Type": "Parallel", "End": True, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}]}}}))
        r = self.sfn.start_sync_execution(stateMachineArn=sm, input='{"xs": [1, 2]}')
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), ["a", [{"v": 1}, {"v": 2}]])

    def test_many_sync_runs_in_a_row(self):
        sm = self.create_sm(type="EXPRESS", definition=sfn.dumps({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Parameters": {"double.$": "States.MathAdd($.n, $.n)"},
                  "End": True}}}))
        for n in range(100):
            r = self.sfn.start_sync_execution(stateMachineArn=sm, input=sfn.dumps({"n": n}))
            self.assertEqual(json.loads(r["output"]), {"double": 2 * n})


class AsyncExpress(SfnTest):
    def test_start_execution_of_express(self):
        sm = self.create_sm(type="EXPRESS")
        r = self.sfn.start_execution(stateMachineArn=sm, input="{}")
        self.assertIn(":express:", r["executionArn"])
        self.assertIsInstance(r["startDate"], datetime.datetime)


if __name__ == "__main__":
    unittest.main()
