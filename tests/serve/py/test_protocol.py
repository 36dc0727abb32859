"""The wire protocol (awsJson1_0) as AWS speaks it, with raw HTTP where a client would hide it:
POST / with X-Amz-Target: AWSStepFunctions.<Op>, errors as HTTP 400 {"__type", "message"},
timestamps as epoch seconds; malformed JSON -> SerializationException, an unknown target ->
UnknownOperationException; requests signed for any region are accepted."""
import http.client
import json
import unittest
import urllib.parse

import sfn
from sfn import SfnTest


def raw(target, body, content_type="application/x-amz-json-1.0"):
    """POSTs body (bytes) to / with X-Amz-Target target; returns (status, headers, parsed body)."""
    u = urllib.parse.urlsplit(sfn.ENDPOINT)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        headers = {"Content-Type": content_type}
        if target is not None:
            headers["X-Amz-Target"] = target
        conn.request("POST", "/", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        try:
            doc = json.loads(data) if data else None
        except ValueError:
            doc = data
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, doc
    finally:
        conn.close()


def error_name(doc):
    """AWS may qualify __type with a namespace (`ns#Name`); clients read the part after #."""
    return doc["__type"].rsplit("#", 1)[-1]


class WireProtocol(SfnTest):
    def test_malformed_json_is_serialization_exception(self):
        status, _, doc = raw("AWSStepFunctions.ListStateMachines", b'{"maxResults": ')
        self.assertEqual(status, 400)
        self.assertEqual(error_name(doc), "SerializationException")

    def test_unknown_target_is_unknown_operation_exception(self):
        status, _, doc = raw("AWSStepFunctions.FlyToTheMoon", b"{}")
        self.assertEqual(status, 400)
        self.assertEqual(error_name(doc), "UnknownOperationException")

    def test_error_body_has_type_and_message(self):
        arn = sfn.missing_arn("stateMachine")
        status, headers, doc = raw("AWSStepFunctions.DescribeStateMachine",
                                   json.dumps({"stateMachineArn": arn}).encode())
        self.assertEqual(status, 400)
        self.assertEqual(error_name(doc), "StateMachineDoesNotExist")
        self.assertIsInstance(doc.get("message"), str)
        self.assertIn(arn, doc["message"])
        self.assertTrue(headers.get("content-type", "").startswith("application/x-amz-json-1.0"))

    def test_success_content_type_and_epoch_seconds(self):
        body = json.dumps({"name": sfn.unique("wire"), "definition": sfn.PASS,
                           "roleArn": sfn.ROLE}).encode()
        status, headers, doc = raw("AWSStepFunctions.CreateStateMachine", body)
        self.assertEqual(status, 200, doc)
        self.addCleanup(self._quietly, self.sfn.delete_state_machine,
                        stateMachineArn=doc["stateMachineArn"])
        self.assertTrue(headers.get("content-type", "").startswith("application/x-amz-json-1.0"))
        # epoch seconds (a JSON number, fractions allowed), not an ISO string or milliseconds
        self.assertIsInstance(doc["creationDate"], (int, float))
        self.assertGreater(doc["creationDate"], 1.5e9)
        self.assertLess(doc["creationDate"], 1e10)

    def test_missing_required_member_is_validation_exception(self):
        status, _, doc = raw("AWSStepFunctions.DescribeStateMachine", b"{}")
        self.assertEqual(status, 400)
        self.assertEqual(error_name(doc), "ValidationException")

    def test_region_local_and_us_east_1_both_accepted(self):
        name = sfn.unique("regions")
        arn = sfn.client("local").create_state_machine(name=name, definition=sfn.PASS,
                                                        roleArn=sfn.ROLE)["stateMachineArn"]
        self.addCleanup(self._quietly, self.sfn.delete_state_machine, stateMachineArn=arn)
        d = sfn.client("us-east-1").describe_state_machine(stateMachineArn=arn)
        self.assertEqual(d["name"], name)
        listed = sfn.client("local").list_state_machines(maxResults=1000)["stateMachines"]
        self.assertIn(arn, [m["stateMachineArn"] for m in listed])

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        u = urllib.parse.urlsplit(sfn.ENDPOINT)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        try:
            for _ in range(20):
                conn.request("POST", "/", body=b"{}", headers={
                    "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": "AWSStepFunctions.ListActivities"})
                resp = conn.getresponse()
                doc = json.loads(resp.read())
                self.assertEqual(resp.status, 200)
                self.assertIn("activities", doc)
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
