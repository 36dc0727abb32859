"""ValidateStateMachineDefinition: result OK/FAIL and diagnostics (severity, code, message,
location) with AWS's documented codes (INVALID_JSON_DESCRIPTION, SCHEMA_VALIDATION_FAILED, ...)."""
import unittest

from sfn import SfnTest, dumps
import sfn


class Validate(SfnTest):
    def validate(self, definition, **kw):
        r = self.sfn.validate_state_machine_definition(definition=definition, **kw)
        for d in r["diagnostics"]:
            self.assertIn(d["severity"], ("ERROR", "WARNING"))
            self.assertTrue(d["code"])
            self.assertTrue(d["message"])
        return r

    def test_valid_definition(self):
        r = self.validate(sfn.PASS_RESULT)
        self.assertEqual(r["result"], "OK")
        self.assertEqual(r["diagnostics"], [])

    def test_json_syntax_error(self):
        r = self.validate('{"StartAt": "A", "States": {')
        self.assertEqual(r["result"], "FAIL")
        self.assertIn("INVALID_JSON_DESCRIPTION", [d["code"] for d in r["diagnostics"]])

    def test_missing_transition_target(self):
        r = self.validate(dumps({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Missing"}}}))
        self.assertEqual(r["result"], "FAIL")
        errors = [d for d in r["diagnostics"] if d["severity"] == "ERROR"]
        self.assertTrue(errors)
        self.assertTrue(any("Missing" in d["message"] for d in errors), errors)
        self.assertTrue(any("/States/A" in d.get("location", "") for d in errors), errors)

    def test_every_problem_reported(self):
        r = self.validate(dumps({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Nowhere1"},
            "B": {"Type": "Pass", "Next": "Nowhere2"}}}))
        self.assertEqual(r["result"], "FAIL")
        text = " ".join(d["message"] + " " + d.get("location", "") for d in r["diagnostics"])
        self.assertIn("Nowhere1", text)
        self.assertIn("Nowhere2", text)

    NO_DOLLAR = dumps({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"x": "$.input"}, "End": True}}})

    def test_warnings_with_severity_warning(self):
        # NO_DOLLAR: a path-looking value in a field without .$ (a warning: the result stays OK)
        r = self.validate(self.NO_DOLLAR, severity="WARNING")
        self.assertEqual(r["result"], "OK")
        self.assertIn(("WARNING", "NO_DOLLAR"), [(d["severity"], d["code"]) for d in r["diagnostics"]])

    def test_default_severity_is_error(self):
        r = self.validate(self.NO_DOLLAR)
        self.assertEqual((r["result"], r["diagnostics"]), ("OK", []))

    def test_max_results_truncates(self):
        states = {f"S{i}": {"Type": "Pass", "Next": f"Gone{i}"} for i in range(5)}
        r = self.validate(dumps({"StartAt": "S0", "States": states}), maxResults=2)
        self.assertEqual(r["result"], "FAIL")
        self.assertEqual(len(r["diagnostics"]), 2)
        self.assertTrue(r["truncated"])

    def test_express_type_checks_express_rules(self):
        # .waitForTaskToken is not supported by EXPRESS workflows
        r = self.validate(sfn.callback_definition(), type="EXPRESS")
        self.assertEqual(r["result"], "FAIL")
        self.assertEqual(self.validate(sfn.callback_definition(), type="STANDARD")["result"], "OK")

    def test_unknown_type(self):
        self.assertError("ValidationException", self.sfn.validate_state_machine_definition,
                         definition=sfn.PASS, type="MEDIUM")


if __name__ == "__main__":
    unittest.main()
