"""Activities: CreateActivity, DescribeActivity, ListActivities, DeleteActivity, and workers:
GetActivityTask (long-polling), SendTaskSuccess/Failure/Heartbeat from a worker."""
import concurrent.futures
import datetime
import json
import re
import unittest

import sfn
from sfn import SfnTest, dumps


def activity_machine(activity_arn, extra=None):
    state = {"Type": "Task", "Resource": activity_arn, "End": True}
    state.update(extra or {})
    return dumps({"StartAt": "Work", "States": {"Work": state}})


class Crud(SfnTest):
    def test_create_and_describe(self):
        name = sfn.unique("activity")
        r = self.sfn.create_activity(name=name)
        self.addCleanup(self._quietly, self.sfn.delete_activity, activityArn=r["activityArn"])
        self.assertRegex(r["activityArn"],
                         rf"^arn:aws:states:[a-z0-9-]+:\d{{12}}:activity:{re.escape(name)}$")
        self.assertIsInstance(r["creationDate"], datetime.datetime)
        d = self.sfn.describe_activity(activityArn=r["activityArn"])
        self.assertEqual(d["activityArn"], r["activityArn"])
        self.assertEqual(d["name"], name)
        self.assertEqual(d["creationDate"], r["creationDate"])

    def test_create_is_idempotent(self):
        name = sfn.unique("same")
        arn = self.create_activity(name=name)
        self.assertEqual(self.sfn.create_activity(name=name)["activityArn"], arn)

    def test_create_same_name_other_tags_is_idempotent(self):
        # AWS: the idempotency check is on the name alone; other tags are ignored, not applied
        name = sfn.unique("tagged")
        arn = self.create_activity(name=name, tags=[{"key": "a", "value": "1"}])
        again = self.sfn.create_activity(name=name, tags=[{"key": "a", "value": "2"}])
        self.assertEqual(again["activityArn"], arn)
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"],
                         [{"key": "a", "value": "1"}])

    def test_invalid_name(self):
        self.assertError("InvalidName", self.sfn.create_activity, name="no spaces allowed")

    def test_describe_missing(self):
        arn = sfn.missing_arn("activity")
        self.assertError("ActivityDoesNotExist", self.sfn.describe_activity, activityArn=arn,
                         message=arn)

    def test_describe_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.describe_activity, activityArn="junk")

    def test_delete(self):
        arn = self.create_activity()
        self.sfn.delete_activity(activityArn=arn)
        self.assertError("ActivityDoesNotExist", self.sfn.describe_activity, activityArn=arn)

    def test_delete_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.delete_activity, activityArn="junk")

    def test_list_and_paginate(self):
        arns = {self.create_activity() for _ in range(3)}
        listed = self.pages(self.sfn.list_activities, "activities", 1)
        for a in listed:
            self.assertEqual(a["name"], a["activityArn"].rsplit(":", 1)[1])
            self.assertIsInstance(a["creationDate"], datetime.datetime)
        seen = [a["activityArn"] for a in listed]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(arns <= set(seen))

    def test_list_invalid_token(self):
        self.assertError("InvalidToken", self.sfn.list_activities, nextToken="bogus-token")


class Workers(SfnTest):
    def poll(self, activity_arn, worker="worker-1"):
        """GetActivityTask on its own client (a long poll holds its connection)."""
        return sfn.client(fresh=True).get_activity_task(activityArn=activity_arn, workerName=worker)

    def test_long_poll_receives_task_started_after_it(self):
        act = self.create_activity()
        sm = self.create_sm(definition=activity_machine(act))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            polling = pool.submit(self.poll, act)
            sfn.time.sleep(0.5)  # the poll is waiting before the execution exists
            ex = self.start(sm, {"job": "resize"})
            task = polling.result(timeout=65)
        self.assertTrue(task.get("taskToken"))
        self.assertEqual(json.loads(task["input"]), {"job": "resize"})
        self.sfn.send_task_success(taskToken=task["taskToken"], output=dumps({"resized": True}))
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), {"resized": True})

    def test_worker_failure(self):
        act = self.create_activity()
        ex = self.start(self.create_sm(definition=activity_machine(act)), {})
        task = self.poll(act)
        self.sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Crashed",
                                   cause="out of disk")
        d = self.wait_done(ex)
        self.assertEqual((d["status"], d["error"], d["cause"]),
                         ("FAILED", "Worker.Crashed", "out of disk"))
        failed = [e for e in self.history(ex) if e["type"] == "ActivityFailed"]
        self.assertEqual(failed[0]["activityFailedEventDetails"],
                         {"error": "Worker.Crashed", "cause": "out of disk"})

    def test_activity_events(self):
        act = self.create_activity()
        ex = self.start(self.create_sm(definition=activity_machine(
            act, {"TimeoutSeconds": 300, "HeartbeatSeconds": 60})), {"a": 1})
        task = self.poll(act, worker="resizer-7")
        self.sfn.send_task_heartbeat(taskToken=task["taskToken"])
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"b": 2}')
        self.wait_done(ex)
        events = self.history(ex)
        types = [e["type"] for e in events]
        self.assertEqual(types, ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                                 "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
                                 "ExecutionSucceeded"])
        sched = events[2]["activityScheduledEventDetails"]
        self.assertEqual(sched["resource"], act)
        self.assertEqual(json.loads(sched["input"]), {"a": 1})
        self.assertEqual(sched["timeoutInSeconds"], 300)
        self.assertEqual(sched["heartbeatInSeconds"], 60)
        self.assertEqual(events[3]["activityStartedEventDetails"], {"workerName": "resizer-7"})
        self.assertEqual(json.loads(events[4]["activitySucceededEventDetails"]["output"]), {"b": 2})

    def test_each_task_goes_to_one_worker(self):
        act = self.create_activity()
        sm = self.create_sm(definition=activity_machine(act))
        runs = [self.start(sm, {"n": i}) for i in range(3)]
        tasks = [self.poll(act, f"w{i}") for i in range(3)]
        self.assertEqual(sorted(json.loads(t["input"])["n"] for t in tasks), [0, 1, 2])
        for t in tasks:
            self.sfn.send_task_success(taskToken=t["taskToken"], output=t["input"])
        for i, ex in enumerate(runs):
            self.assertEqual(json.loads(self.wait_done(ex)["output"]), {"n": i})

    def test_get_activity_task_missing_activity(self):
        arn = sfn.missing_arn("activity")
        self.assertError("ActivityDoesNotExist", self.sfn.get_activity_task, activityArn=arn)

    def test_get_activity_task_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.get_activity_task, activityArn="junk")


if __name__ == "__main__":
    unittest.main()
