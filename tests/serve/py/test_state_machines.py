"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
ListStateMachines (and its pagination), DescribeStateMachineForExecution, with their errors."""
import datetime
import re
import unittest

import sfn
from sfn import SfnTest, dumps


class Create(SfnTest):
    def test_create_returns_arn_and_creation_date(self):
        name = sfn.unique("create")
        r = self.sfn.create_state_machine(name=name, definition=sfn.PASS, roleArn=sfn.ROLE)
        self.addCleanup(self._quietly, self.sfn.delete_state_machine,
                        stateMachineArn=r["stateMachineArn"])
        self.assertRegex(r["stateMachineArn"],
                         rf"^arn:aws:states:[a-z0-9-]+:\d{{12}}:stateMachine:{re.escape(name)}$")
        self.assertIsInstance(r["creationDate"], datetime.datetime)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - r["creationDate"]).total_seconds()), 300)

    def test_arn_carries_server_region_and_account(self):
        arn = self.create_sm()
        self.assertTrue(arn.startswith(f"arn:aws:states:{sfn.region()}:{sfn.account()}:"), arn)

    def test_describe_returns_what_was_created(self):
        name = sfn.unique("describe")
        arn = self.create_sm(definition=sfn.PASS_RESULT, name=name)
        d = self.sfn.describe_state_machine(stateMachineArn=arn)
        self.assertEqual(d["stateMachineArn"], arn)
        self.assertEqual(d["name"], name)
        self.assertEqual(d["definition"], sfn.PASS_RESULT)  # the text as given, byte for byte
        self.assertEqual(d["roleArn"], sfn.ROLE)
        self.assertEqual(d["type"], "STANDARD")
        self.assertEqual(d["status"], "ACTIVE")
        self.assertIsInstance(d["creationDate"], datetime.datetime)
        self.assertEqual(d["loggingConfiguration"]["level"], "OFF")

    def test_express_type_is_kept(self):
        arn = self.create_sm(type="EXPRESS")
        self.assertEqual(self.sfn.describe_state_machine(stateMachineArn=arn)["type"], "EXPRESS")

    def test_create_same_name_same_definition_is_idempotent(self):
        name = sfn.unique("idem")
        arn = self.create_sm(name=name)
        again = self.sfn.create_state_machine(name=name, definition=sfn.PASS, roleArn=sfn.ROLE)
        self.assertEqual(again["stateMachineArn"], arn)

    def test_create_same_name_other_role_is_idempotent(self):
        # AWS: a different roleArn or tags are ignored, not applied
        name = sfn.unique("idem-role")
        arn = self.create_sm(name=name)
        again = self.sfn.create_state_machine(name=name, definition=sfn.PASS,
                                              roleArn=sfn.ROLE + "-other")
        self.assertEqual(again["stateMachineArn"], arn)
        self.assertEqual(self.sfn.describe_state_machine(stateMachineArn=arn)["roleArn"], sfn.ROLE)

    def test_create_same_name_other_definition_already_exists(self):
        name = sfn.unique("exists")
        self.create_sm(name=name)
        self.assertError("StateMachineAlreadyExists", self.sfn.create_state_machine,
                         name=name, definition=sfn.PASS_RESULT, roleArn=sfn.ROLE)

    def test_definition_not_json_is_invalid_definition(self):
        self.assertError("InvalidDefinition", self.sfn.create_state_machine,
                         name=sfn.unique("bad"), definition="{not json", roleArn=sfn.ROLE)

    def test_definition_without_start_at_is_invalid_definition(self):
        self.assertError("InvalidDefinition", self.sfn.create_state_machine,
                         name=sfn.unique("bad"), roleArn=sfn.ROLE,
                         definition=dumps({"States": {"P": {"Type": "Pass", "End": True}}}))

    def test_next_to_missing_state_is_invalid_definition(self):
        err = self.assertError("InvalidDefinition", self.sfn.create_state_machine,
                               name=sfn.unique("bad"), roleArn=sfn.ROLE,
                               definition=dumps({"StartAt": "A", "States": {
                                   "A": {"Type": "Pass", "Next": "Nowhere"}}}))
        self.assertIn("Nowhere", err["Message"])

    def test_names_with_forbidden_characters_are_invalid_name(self):
        # AWS's rules: no whitespace, brackets, wildcards, special characters or control
        # characters (CreateStateMachine's documentation lists them).
        for bad in ["has space", "tab\there", "a<b", "a>b", "a{b", "a}b", "a[b", "a]b", "a?b",
                    "a*b", 'a"b', "a#b", "a%b", "a\\b", "a^b", "a|b", "a~b", "a`b", "a$b",
                    "a&b", "a,b", "a;b", "a:b", "a/b", "ctl\x01x", "ctl\x7fx"]:
            with self.subTest(name=bad):
                self.assertError("InvalidName", self.sfn.create_state_machine,
                                 name=bad, definition=sfn.PASS, roleArn=sfn.ROLE)

    def test_name_of_80_characters_is_accepted_81_is_not(self):
        base = sfn.unique("n")
        ok = (base + "x" * 80)[:80]
        self.create_sm(name=ok)
        self.assertErrorIn(("InvalidName", "ValidationException"), self.sfn.create_state_machine,
                           name=ok + "y", definition=sfn.PASS, roleArn=sfn.ROLE)

    def test_unicode_letters_in_name_are_accepted(self):
        arn = self.create_sm(name=sfn.unique("zürich-東京"))
        self.assertIn("zürich-東京", arn)

    def test_role_that_is_not_an_arn_is_invalid_arn(self):
        self.assertError("InvalidArn", self.sfn.create_state_machine, name=sfn.unique("role"),
                         definition=sfn.PASS, roleArn="not-an-arn")

    def test_unknown_type_is_validation_exception(self):
        self.assertError("ValidationException", self.sfn.create_state_machine,
                         name=sfn.unique("type"), definition=sfn.PASS, roleArn=sfn.ROLE,
                         type="SOMETIMES")

    def test_tags_given_at_creation_are_listed(self):
        arn = self.create_sm(tags=[{"key": "team", "value": "compilers"}])
        tags = self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]
        self.assertEqual(tags, [{"key": "team", "value": "compilers"}])


class Describe(SfnTest):
    def test_missing_state_machine(self):
        arn = sfn.missing_arn("stateMachine")
        # AWS's message, as its SDKs relay it: State Machine Does Not Exist: '<arn>'
        self.assertError("StateMachineDoesNotExist", self.sfn.describe_state_machine,
                         stateMachineArn=arn, message=("=", f"State Machine Does Not Exist: '{arn}'"))

    def test_malformed_arn_is_invalid_arn(self):
        for bad in ["nonsense", "arn:aws:states:us-east-1:123456789012:activity:x",
                    "arn:aws:lambda:us-east-1:123456789012:function:f"]:
            with self.subTest(arn=bad):
                self.assertError("InvalidArn", self.sfn.describe_state_machine,
                                 stateMachineArn=bad)


class Update(SfnTest):
    def test_update_definition_and_role(self):
        arn = self.create_sm()
        role2 = sfn.ROLE + "-2"
        r = self.sfn.update_state_machine(stateMachineArn=arn, definition=sfn.PASS_RESULT,
                                          roleArn=role2)
        self.assertIsInstance(r["updateDate"], datetime.datetime)
        d = self.sfn.describe_state_machine(stateMachineArn=arn)
        self.assertEqual(d["definition"], sfn.PASS_RESULT)
        self.assertEqual(d["roleArn"], role2)

    def test_executions_after_update_run_the_new_definition(self):
        arn = self.create_sm()
        self.sfn.update_state_machine(stateMachineArn=arn, definition=sfn.PASS_RESULT)
        d = self.wait_done(self.start(arn, {"x": 1}))
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(sfn.json.loads(d["output"]), {"x": 1, "added": {"answer": 42}})

    def test_update_with_publish_returns_version(self):
        arn = self.create_sm()
        r = self.sfn.update_state_machine(stateMachineArn=arn, definition=sfn.PASS_RESULT,
                                          publish=True, versionDescription="second")
        self.assertEqual(r["stateMachineVersionArn"], arn + ":1")

    def test_update_with_nothing_is_missing_required_parameter(self):
        arn = self.create_sm()
        self.assertError("MissingRequiredParameter", self.sfn.update_state_machine,
                         stateMachineArn=arn)

    def test_update_missing_state_machine(self):
        arn = sfn.missing_arn("stateMachine")
        self.assertError("StateMachineDoesNotExist", self.sfn.update_state_machine,
                         stateMachineArn=arn, definition=sfn.PASS, message=arn)

    def test_update_invalid_definition(self):
        arn = self.create_sm()
        self.assertError("InvalidDefinition", self.sfn.update_state_machine,
                         stateMachineArn=arn, definition='{"StartAt": "Nope", "States": {}}')
        self.assertEqual(self.sfn.describe_state_machine(stateMachineArn=arn)["definition"],
                         sfn.PASS)


class Delete(SfnTest):
    def test_deleted_machine_is_gone(self):
        arn = self.create_sm()
        self.sfn.delete_state_machine(stateMachineArn=arn)
        try:
            d = self.sfn.describe_state_machine(stateMachineArn=arn)
            self.assertEqual(d["status"], "DELETING")  # AWS deletes asynchronously
        except sfn.ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "StateMachineDoesNotExist")

    def test_delete_missing_machine_succeeds(self):
        # DeleteStateMachine's only errors are InvalidArn and ValidationException
        self.sfn.delete_state_machine(stateMachineArn=sfn.missing_arn("stateMachine"))

    def test_delete_malformed_arn_is_invalid_arn(self):
        self.assertError("InvalidArn", self.sfn.delete_state_machine, stateMachineArn="nope")

    def test_name_is_free_again_after_delete(self):
        name = sfn.unique("reuse")
        arn = self.create_sm(name=name)
        self.sfn.delete_state_machine(stateMachineArn=arn)
        # a different definition under the old name: a new machine, not StateMachineAlreadyExists
        arn2 = self.create_sm(name=name, definition=sfn.PASS_RESULT)
        self.assertEqual(arn2, arn)
        self.assertEqual(self.sfn.describe_state_machine(stateMachineArn=arn2)["definition"],
                         sfn.PASS_RESULT)


class List(SfnTest):
    def test_list_shows_created_machines(self):
        arn = self.create_sm(type="EXPRESS")
        items = self.sfn.list_state_machines()["stateMachines"]
        mine = [m for m in items if m["stateMachineArn"] == arn]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["type"], "EXPRESS")
        self.assertEqual(mine[0]["name"], arn.rsplit(":", 1)[1])
        self.assertIsInstance(mine[0]["creationDate"], datetime.datetime)

    def test_pagination_visits_every_machine_once(self):
        arns = {self.create_sm() for _ in range(5)}
        seen = [m["stateMachineArn"] for m in
                self.pages(self.sfn.list_state_machines, "stateMachines", 2)]
        self.assertEqual(len(seen), len(set(seen)), "a machine listed twice")
        self.assertTrue(arns <= set(seen))

    def test_paginator(self):
        arns = {self.create_sm() for _ in range(3)}
        seen = []
        for page in self.sfn.get_paginator("list_state_machines").paginate(
                PaginationConfig={"PageSize": 1}):
            seen += [m["stateMachineArn"] for m in page["stateMachines"]]
        self.assertTrue(arns <= set(seen))

    def test_invalid_next_token(self):
        self.assertError("InvalidToken", self.sfn.list_state_machines,
                         nextToken="this-is-not-a-token-the-server-gave")

    def test_max_results_over_1000_is_validation_exception(self):
        self.assertError("ValidationException", self.sfn.list_state_machines, maxResults=1001)


class ForExecution(SfnTest):
    def test_describe_state_machine_for_execution(self):
        name = sfn.unique("forexec")
        arn = self.create_sm(name=name)
        ex = self.start(arn)
        self.wait_done(ex)
        self.sfn.update_state_machine(stateMachineArn=arn, definition=sfn.PASS_RESULT)
        d = self.sfn.describe_state_machine_for_execution(executionArn=ex)
        self.assertEqual(d["stateMachineArn"], arn)
        self.assertEqual(d["name"], name)
        self.assertEqual(d["definition"], sfn.PASS)  # what the execution ran, not the update
        self.assertEqual(d["roleArn"], sfn.ROLE)
        self.assertIsInstance(d["updateDate"], datetime.datetime)

    def test_missing_execution(self):
        arn = sfn.missing_arn("execution", "m:e")
        self.assertError("ExecutionDoesNotExist", self.sfn.describe_state_machine_for_execution,
                         executionArn=arn, message=arn)

    def test_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.describe_state_machine_for_execution,
                         executionArn="garbage")


if __name__ == "__main__":
    unittest.main()
