"""TagResource, UntagResource, ListTagsForResource on state machines and activities."""
import unittest

import sfn
from sfn import SfnTest


class Tags(SfnTest):
    def test_tag_list_untag_state_machine(self):
        arn = self.create_sm()
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"], [])
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "test"},
                                                     {"key": "owner", "value": "me"}])
        tags = self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]
        self.assertEqual(sorted(tags, key=lambda t: t["key"]),
                         [{"key": "env", "value": "test"}, {"key": "owner", "value": "me"}])
        self.sfn.untag_resource(resourceArn=arn, tagKeys=["env"])
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"],
                         [{"key": "owner", "value": "me"}])

    def test_tagging_a_key_again_replaces_its_value(self):
        arn = self.create_sm()
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "1"}])
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "2"}])
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"],
                         [{"key": "k", "value": "2"}])

    def test_untag_key_that_is_not_there(self):
        arn = self.create_sm()
        self.sfn.untag_resource(resourceArn=arn, tagKeys=["never-set"])
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"], [])

    def test_activity_tags(self):
        arn = self.create_activity(tags=[{"key": "a", "value": "b"}])
        self.sfn.tag_resource(resourceArn=arn, tags=[{"key": "c", "value": "d"}])
        tags = self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]
        self.assertEqual(sorted(tags, key=lambda t: t["key"]),
                         [{"key": "a", "value": "b"}, {"key": "c", "value": "d"}])

    def test_missing_resource_is_resource_not_found(self):
        arn = sfn.missing_arn("stateMachine")
        self.assertError("ResourceNotFound", self.sfn.list_tags_for_resource, resourceArn=arn)
        self.assertError("ResourceNotFound", self.sfn.tag_resource, resourceArn=arn,
                         tags=[{"key": "k", "value": "v"}])
        self.assertError("ResourceNotFound", self.sfn.untag_resource, resourceArn=arn,
                         tagKeys=["k"])

    def test_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.list_tags_for_resource, resourceArn="nope")
        self.assertError("InvalidArn", self.sfn.tag_resource, resourceArn="nope",
                         tags=[{"key": "k", "value": "v"}])
        self.assertError("InvalidArn", self.sfn.untag_resource, resourceArn="nope", tagKeys=["k"])

    def test_more_than_50_tags_is_too_many_tags(self):
        arn = self.create_sm()
        self.sfn.tag_resource(resourceArn=arn,
                              tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
        self.assertError("TooManyTags", self.sfn.tag_resource, resourceArn=arn,
                         tags=[{"key": "one-more", "value": "v"}])
        self.assertEqual(len(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"]), 50)


if __name__ == "__main__":
    unittest.main()
