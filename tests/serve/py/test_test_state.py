"""TestState: one state run on its own, at inspectionLevel INFO, DEBUG and TRACE, with the
newer stateName, variables, context and mock fields; and its errors."""
import json
import unittest

import sfn
from sfn import SfnTest, dumps

PASS_STATE = dumps({"Type": "Pass", "InputPath": "$.in", "Parameters": {"v.$": "$.x"},
                    "ResultPath": "$.res", "Next": "Later"})


class TestState(SfnTest):
    def test_info(self):
        r = self.sfn.test_state(definition=PASS_STATE, roleArn=sfn.ROLE,
                                input=dumps({"in": {"x": 5}}), inspectionLevel="INFO")
        self.assertEqual(r["status"], "SUCCEEDED")
        # ResultPath places the result into the state's raw input, not the InputPath selection
        self.assertEqual(json.loads(r["output"]), {"in": {"x": 5}, "res": {"v": 5}})
        self.assertEqual(r["nextState"], "Later")
        self.assertNotIn("inspectionData", r)

    def test_default_level_is_info(self):
        r = self.sfn.test_state(definition=PASS_STATE, input=dumps({"in": {"x": 1}}))
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertNotIn("inspectionData", r)

    def test_debug_shows_each_step(self):
        r = self.sfn.test_state(definition=PASS_STATE, roleArn=sfn.ROLE,
                                input=dumps({"in": {"x": 5}}), inspectionLevel="DEBUG")
        data = r["inspectionData"]
        self.assertEqual(json.loads(data["input"]), {"in": {"x": 5}})
        self.assertEqual(json.loads(data["afterInputPath"]), {"x": 5})
        self.assertEqual(json.loads(data["afterParameters"]), {"v": 5})
        self.assertEqual(json.loads(data["afterResultPath"]), {"in": {"x": 5}, "res": {"v": 5}})

    def test_trace(self):
        r = self.sfn.test_state(definition=PASS_STATE, roleArn=sfn.ROLE,
                                input=dumps({"in": {"x": 2}}), inspectionLevel="TRACE")
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"in": {"x": 2}, "res": {"v": 2}})
        self.assertEqual(json.loads(r["inspectionData"]["afterInputPath"]), {"x": 2})

    def test_choice_gives_next_state(self):
        r = self.sfn.test_state(definition=dumps({"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"}),
            input='{"n": 11}')
        self.assertEqual((r["status"], r["nextState"]), ("SUCCEEDED", "Big"))

    def test_fail_state(self):
        r = self.sfn.test_state(definition=dumps({"Type": "Fail", "Error": "E.x", "Cause": "c"}),
                                input="{}")
        self.assertEqual((r["status"], r["error"], r["cause"]), ("FAILED", "E.x", "c"))

    def test_data_error_is_failed_status(self):
        r = self.sfn.test_state(definition=dumps({"Type": "Pass", "InputPath": "$.missing",
                                                  "End": True}), input="{}")
        self.assertEqual(r["status"], "FAILED")
        self.assertEqual(r["error"], "States.Runtime")

    def test_state_name_in_full_definition(self):
        definition = dumps({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Result": "a", "Next": "B"},
            "B": {"Type": "Pass", "Result": "b", "End": True}}})
        r = self.sfn.test_state(definition=definition, stateName="B", input="{}")
        self.assertEqual(json.loads(r["output"]), "b")
        self.assertNotIn("nextState", r)

    def test_variables(self):
        r = self.sfn.test_state(definition=dumps({
            "Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $greeting & ' ' & $states.input.who %}",
            "End": True}), input='{"who": "world"}', variables='{"greeting": "hello"}')
        self.assertEqual(json.loads(r["output"]), "hello world")

    def test_context(self):
        r = self.sfn.test_state(definition=dumps({
            "Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id"}, "End": True}),
            input="{}", context=dumps({"Execution": {"Id": "exec-123"}}))
        self.assertEqual(json.loads(r["output"]), {"id": "exec-123"})

    def test_mocked_task_result(self):
        r = self.sfn.test_state(definition=dumps({
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
            "QueryLanguage": "JSONata", "Output": "{% $states.result.Payload %}", "End": True}),
            input='{"a": 1}', mock={"result": dumps({"Payload": {"mocked": True}, "StatusCode": 200})})
        self.assertEqual(r["status"], "SUCCEEDED")
        self.assertEqual(json.loads(r["output"]), {"mocked": True})

    def test_mocked_task_error_caught(self):
        r = self.sfn.test_state(definition=dumps({
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": True,
            "Catch": [{"ErrorEquals": ["Lambda.Boom"], "Next": "Recover"}]}),
            input="{}", mock={"errorOutput": {"error": "Lambda.Boom", "cause": "bad"}})
        self.assertEqual(r["status"], "CAUGHT_ERROR")
        self.assertEqual(r["nextState"], "Recover")
        self.assertEqual(r["error"], "Lambda.Boom")

    def test_invalid_state_is_invalid_definition(self):
        self.assertError("InvalidDefinition", self.sfn.test_state,
                         definition=dumps({"Type": "Teleport"}), input="{}")

    def test_input_not_json_is_invalid_execution_input(self):
        self.assertError("InvalidExecutionInput", self.sfn.test_state, definition=PASS_STATE,
                         input="{oops")

    def test_unknown_inspection_level(self):
        self.assertError("ValidationException", self.sfn.test_state, definition=PASS_STATE,
                         input="{}", inspectionLevel="EVERYTHING")


if __name__ == "__main__":
    unittest.main()
