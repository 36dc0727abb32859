"""PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion, and aliases
(Create/Describe/Update/Delete/ListStateMachineAliases) with weighted routing."""
import collections
import datetime
import json
import unittest

import sfn
from sfn import SfnTest


class Versions(SfnTest):
    def test_publish_numbers_versions_from_1(self):
        sm = self.create_sm()
        v1 = self.sfn.publish_state_machine_version(stateMachineArn=sm, description="first")
        self.assertEqual(v1["stateMachineVersionArn"], sm + ":1")
        self.assertIsInstance(v1["creationDate"], datetime.datetime)
        self.sfn.update_state_machine(stateMachineArn=sm, definition=sfn.PASS_RESULT)
        v2 = self.sfn.publish_state_machine_version(stateMachineArn=sm)
        self.assertEqual(v2["stateMachineVersionArn"], sm + ":2")

    def test_publish_without_change_returns_the_same_version(self):
        sm = self.create_sm()
        v1 = self.sfn.publish_state_machine_version(stateMachineArn=sm)
        again = self.sfn.publish_state_machine_version(stateMachineArn=sm)
        self.assertEqual(again["stateMachineVersionArn"], v1["stateMachineVersionArn"])

    def test_version_keeps_its_definition(self):
        sm = self.create_sm()
        v1 = self.sfn.publish_state_machine_version(stateMachineArn=sm, description="first")
        self.sfn.update_state_machine(stateMachineArn=sm, definition=sfn.PASS_RESULT)
        d = self.sfn.describe_state_machine(stateMachineArn=v1["stateMachineVersionArn"])
        self.assertEqual(d["definition"], sfn.PASS)
        self.assertEqual(d["description"], "first")
        ex = self.start(v1["stateMachineVersionArn"], {"q": 1})
        run = self.wait_done(ex)
        self.assertEqual(json.loads(run["output"]), {"q": 1})  # PASS, not PASS_RESULT
        self.assertEqual(run["stateMachineVersionArn"], v1["stateMachineVersionArn"])

    def test_create_with_publish(self):
        r = self.sfn.create_state_machine(name=sfn.unique("pub"), definition=sfn.PASS, roleArn=sfn.ROLE,
                                          publish=True, versionDescription="v-one")
        self.addCleanup(self._quietly, self.sfn.delete_state_machine,
                        stateMachineArn=r["stateMachineArn"])
        self.assertEqual(r["stateMachineVersionArn"], r["stateMachineArn"] + ":1")

    def test_revision_id_mismatch_is_conflict(self):
        # "The first revision ID when you create the state machine is null" (the service model's
        # documentation of revisionId): a machine has one from its first update on.
        sm = self.create_sm()
        self.assertNotIn("revisionId", self.sfn.describe_state_machine(stateMachineArn=sm))
        self.sfn.update_state_machine(stateMachineArn=sm, definition=sfn.PASS_RESULT)
        rev = self.sfn.describe_state_machine(stateMachineArn=sm)["revisionId"]
        self.sfn.update_state_machine(stateMachineArn=sm, definition=sfn.dumps({
            "StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "second", "End": True}}}))
        new_rev = self.sfn.describe_state_machine(stateMachineArn=sm)["revisionId"]
        self.assertNotEqual(rev, new_rev)
        self.assertError("ConflictException", self.sfn.publish_state_machine_version,
                         stateMachineArn=sm, revisionId=rev)
        v = self.sfn.publish_state_machine_version(stateMachineArn=sm, revisionId=new_rev)
        self.assertEqual(v["stateMachineVersionArn"], sm + ":1")

    def test_list_versions_newest_first_and_paginated(self):
        sm = self.create_sm()
        arns = []
        for i in range(3):
            self.sfn.update_state_machine(stateMachineArn=sm, definition=sfn.dumps({
                "StartAt": "P", "States": {"P": {"Type": "Pass", "Result": i, "End": True}}}))
            arns.append(self.sfn.publish_state_machine_version(stateMachineArn=sm)["stateMachineVersionArn"])
        listed = self.pages(self.sfn.list_state_machine_versions, "stateMachineVersions", 1,
                            stateMachineArn=sm)
        for v in listed:
            self.assertIsInstance(v["creationDate"], datetime.datetime)
        seen = [v["stateMachineVersionArn"] for v in listed]
        self.assertEqual(seen, list(reversed(arns)))

    def test_delete_version(self):
        sm = self.create_sm()
        v = self.sfn.publish_state_machine_version(stateMachineArn=sm)["stateMachineVersionArn"]
        self.sfn.delete_state_machine_version(stateMachineVersionArn=v)
        listed = self.sfn.list_state_machine_versions(stateMachineArn=sm)["stateMachineVersions"]
        self.assertEqual(listed, [])
        self.assertError("StateMachineDoesNotExist", self.sfn.describe_state_machine,
                         stateMachineArn=v)

    def test_delete_version_an_alias_routes_to_is_conflict(self):
        sm = self.create_sm()
        v = self.sfn.publish_state_machine_version(stateMachineArn=sm)["stateMachineVersionArn"]
        self.sfn.create_state_machine_alias(name="live", routingConfiguration=[
            {"stateMachineVersionArn": v, "weight": 100}])
        self.assertError("ConflictException", self.sfn.delete_state_machine_version,
                         stateMachineVersionArn=v)

    def test_publish_missing_machine(self):
        arn = sfn.missing_arn("stateMachine")
        self.assertError("StateMachineDoesNotExist", self.sfn.publish_state_machine_version,
                         stateMachineArn=arn)

    def test_list_versions_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.list_state_machine_versions, stateMachineArn="no")

    def test_delete_version_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.delete_state_machine_version,
                         stateMachineVersionArn="no")


class Aliases(SfnTest):
    def two_versions(self):
        sm = self.create_sm(definition=sfn.dumps({
            "StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "v1", "End": True}}}))
        v1 = self.sfn.publish_state_machine_version(stateMachineArn=sm)["stateMachineVersionArn"]
        self.sfn.update_state_machine(stateMachineArn=sm, definition=sfn.dumps({
            "StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "v2", "End": True}}}))
        v2 = self.sfn.publish_state_machine_version(stateMachineArn=sm)["stateMachineVersionArn"]
        return sm, v1, v2

    def test_create_describe_list_delete(self):
        sm, v1, _ = self.two_versions()
        r = self.sfn.create_state_machine_alias(name="prod", description="production",
                                                routingConfiguration=[
                                                    {"stateMachineVersionArn": v1, "weight": 100}])
        alias = r["stateMachineAliasArn"]
        self.assertEqual(alias, sm + ":prod")
        self.assertIsInstance(r["creationDate"], datetime.datetime)
        d = self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
        self.assertEqual(d["stateMachineAliasArn"], alias)
        self.assertEqual(d["name"], "prod")
        self.assertEqual(d["description"], "production")
        self.assertEqual(d["routingConfiguration"], [{"stateMachineVersionArn": v1, "weight": 100}])
        self.assertIsInstance(d["creationDate"], datetime.datetime)
        listed = self.sfn.list_state_machine_aliases(stateMachineArn=sm)["stateMachineAliases"]
        self.assertEqual([a["stateMachineAliasArn"] for a in listed], [alias])
        self.sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
        self.assertError("ResourceNotFound", self.sfn.describe_state_machine_alias,
                         stateMachineAliasArn=alias)
        self.assertEqual(self.sfn.list_state_machine_aliases(stateMachineArn=sm)["stateMachineAliases"], [])

    def test_execution_through_alias(self):
        sm, v1, _ = self.two_versions()
        alias = self.sfn.create_state_machine_alias(name="stable", routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
        d = self.wait_done(self.start(alias))
        self.assertEqual(json.loads(d["output"]), "v1")
        self.assertEqual(d["stateMachineAliasArn"], alias)
        self.assertEqual(d["stateMachineVersionArn"], v1)

    def test_weighted_routing_uses_both_versions(self):
        sm, v1, v2 = self.two_versions()
        alias = self.sfn.create_state_machine_alias(name="canary", routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 50},
            {"stateMachineVersionArn": v2, "weight": 50}])["stateMachineAliasArn"]
        counts = collections.Counter()
        for _ in range(40):  # all 40 on one side: probability 2**-39
            d = self.wait_done(self.start(alias))
            counts[(d["stateMachineVersionArn"], json.loads(d["output"]))] += 1
        self.assertEqual(set(counts), {(v1, "v1"), (v2, "v2")})

    def test_update_routing(self):
        sm, v1, v2 = self.two_versions()
        alias = self.sfn.create_state_machine_alias(name="moving", routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
        r = self.sfn.update_state_machine_alias(stateMachineAliasArn=alias, description="now v2",
                                                routingConfiguration=[
                                                    {"stateMachineVersionArn": v2, "weight": 100}])
        self.assertIsInstance(r["updateDate"], datetime.datetime)
        d = self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
        self.assertEqual(d["routingConfiguration"], [{"stateMachineVersionArn": v2, "weight": 100}])
        self.assertEqual(d["description"], "now v2")
        self.assertEqual(json.loads(self.wait_done(self.start(alias))["output"]), "v2")

    def test_weights_must_sum_to_100(self):
        _, v1, v2 = self.two_versions()
        self.assertError("ValidationException", self.sfn.create_state_machine_alias, name="bad",
                         routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50},
                                               {"stateMachineVersionArn": v2, "weight": 40}])

    def test_routing_to_missing_version(self):
        sm, _, _ = self.two_versions()
        self.assertError("ResourceNotFound", self.sfn.create_state_machine_alias, name="ghost",
                         routingConfiguration=[{"stateMachineVersionArn": sm + ":99", "weight": 100}])

    def test_same_name_other_routing_is_conflict(self):
        _, v1, v2 = self.two_versions()
        self.sfn.create_state_machine_alias(name="dup", routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 100}])
        self.assertError("ConflictException", self.sfn.create_state_machine_alias, name="dup",
                         routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}])

    def test_describe_missing_alias(self):
        sm = self.create_sm()
        self.assertError("ResourceNotFound", self.sfn.describe_state_machine_alias,
                         stateMachineAliasArn=sm + ":nothing")

    def test_alias_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.describe_state_machine_alias,
                         stateMachineAliasArn="nope")
        self.assertError("InvalidArn", self.sfn.delete_state_machine_alias,
                         stateMachineAliasArn="nope")
        self.assertError("InvalidArn", self.sfn.list_state_machine_aliases, stateMachineArn="nope")

    def test_update_missing_alias(self):
        sm, v1, _ = self.two_versions()
        self.assertError("ResourceNotFound", self.sfn.update_state_machine_alias,
                         stateMachineAliasArn=sm + ":nothing", description="x")


if __name__ == "__main__":
    unittest.main()
