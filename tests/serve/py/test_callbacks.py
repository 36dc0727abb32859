"""Callbacks: a .waitForTaskToken Task with neither mock nor binding waits for SendTaskSuccess,
SendTaskFailure or SendTaskHeartbeat; their errors; TimeoutSeconds and HeartbeatSeconds."""
import json
import unittest

import sfn
from sfn import SfnTest, dumps


class Callbacks(SfnTest):
    def test_send_task_success(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()), {"order": 7})
        token = self.task_token(ex)
        self.assertEqual(self.sfn.describe_execution(executionArn=ex)["status"], "RUNNING")
        self.sfn.send_task_success(taskToken=token, output=dumps({"paid": True}))
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), {"paid": True})

    def test_scheduled_event_and_success_events(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()), {"order": 7})
        token = self.task_token(ex)
        self.sfn.send_task_success(taskToken=token, output='{"r": 1}')
        self.wait_done(ex)
        events = self.history(ex)
        types = [e["type"] for e in events]
        for t in ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
                  "TaskStateExited", "ExecutionSucceeded"]:
            self.assertIn(t, types)
        order = [types.index(t) for t in ["TaskStateEntered", "TaskScheduled", "TaskStarted",
                                          "TaskSucceeded", "TaskStateExited"]]
        self.assertEqual(order, sorted(order))
        sched = events[types.index("TaskScheduled")]["taskScheduledEventDetails"]
        self.assertEqual(sched["resourceType"], "sqs")
        self.assertEqual(sched["resource"], "sendMessage.waitForTaskToken")
        self.assertEqual(sched["region"], sfn.region())
        params = json.loads(sched["parameters"])
        self.assertEqual(params["MessageBody"]["input"], {"order": 7})
        self.assertEqual(params["MessageBody"]["token"], token)
        started = events[types.index("TaskStarted")]["taskStartedEventDetails"]
        self.assertEqual(started, {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"})
        ok = events[types.index("TaskSucceeded")]["taskSucceededEventDetails"]
        self.assertEqual(json.loads(ok["output"]), {"r": 1})
        self.assertEqual(ok["resourceType"], "sqs")

    def test_send_task_failure(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()))
        self.sfn.send_task_failure(taskToken=self.task_token(ex), error="Payment.Declined",
                                   cause="card expired")
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "Payment.Declined")
        self.assertEqual(d["cause"], "card expired")

    def test_send_task_failure_without_error(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()))
        self.sfn.send_task_failure(taskToken=self.task_token(ex))
        self.assertEqual(self.wait_done(ex)["status"], "FAILED")

    def test_heartbeat_keeps_task_alive(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition({"HeartbeatSeconds": 4})))
        token = self.task_token(ex)
        for _ in range(6):  # 6 heartbeats 1 s apart: past HeartbeatSeconds in all
            self.sfn.send_task_heartbeat(taskToken=token)
            sfn.time.sleep(1)
        self.assertEqual(self.sfn.describe_execution(executionArn=ex)["status"], "RUNNING")
        self.sfn.send_task_success(taskToken=token, output="{}")
        self.assertEqual(self.wait_done(ex)["status"], "SUCCEEDED")

    def test_missed_heartbeat_is_a_timeout(self):
        # AWS documents States.HeartbeatTimeout, but records a missed heartbeat as States.Timeout
        # (../shared/docs/asl-reference.md, "[A recorded]"): the recording wins.
        ex = self.start(self.create_sm(definition=sfn.callback_definition({"HeartbeatSeconds": 1})))
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "States.Timeout")
        timed_out = [e for e in self.history(ex) if e["type"] == "TaskTimedOut"]
        self.assertEqual(len(timed_out), 1)
        self.assertEqual(timed_out[0]["taskTimedOutEventDetails"]["error"], "States.Timeout")

    def test_task_timeout(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition({"TimeoutSeconds": 1})))
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "States.Timeout")

    def test_garbage_token_is_invalid_token(self):
        # AWS's message, as recorded from the service: Invalid Token: 'Invalid token'
        for fn, kw in [(self.sfn.send_task_success, {"output": "{}"}),
                       (self.sfn.send_task_failure, {}), (self.sfn.send_task_heartbeat, {})]:
            with self.subTest(op=fn.__name__):
                self.assertError("InvalidToken", fn, taskToken="garbage", **kw)

    def test_token_of_finished_task_is_task_timed_out(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()))
        token = self.task_token(ex)
        self.sfn.send_task_success(taskToken=token, output="{}")
        self.wait_done(ex)
        self.assertError("TaskTimedOut", self.sfn.send_task_success, taskToken=token, output="{}")
        self.assertError("TaskTimedOut", self.sfn.send_task_failure, taskToken=token, error="Late")
        self.assertError("TaskTimedOut", self.sfn.send_task_heartbeat, taskToken=token)
        self.assertEqual(self.sfn.describe_execution(executionArn=ex)["status"], "SUCCEEDED")

    def test_output_not_json_is_invalid_output(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()))
        token = self.task_token(ex)
        self.assertError("InvalidOutput", self.sfn.send_task_success, taskToken=token,
                         output="{not json")
        self.assertEqual(self.sfn.describe_execution(executionArn=ex)["status"], "RUNNING")
        self.sfn.send_task_success(taskToken=token, output="[1]")
        self.assertEqual(json.loads(self.wait_done(ex)["output"]), [1])

    def test_stopped_execution_token_is_task_timed_out(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition()))
        token = self.task_token(ex)
        self.sfn.stop_execution(executionArn=ex)
        self.wait_done(ex)
        self.assertError("TaskTimedOut", self.sfn.send_task_success, taskToken=token, output="{}")


if __name__ == "__main__":
    unittest.main()
