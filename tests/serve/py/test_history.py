"""GetExecutionHistory: events as AWS records them (ids from 1, previousEventId, timestamps,
the *EventDetails of each type), maxResults/nextToken, reverseOrder, includeExecutionData."""
import datetime
import json
import unittest

import sfn
from sfn import SfnTest, dumps

TWO_PASSES = dumps({"StartAt": "First", "States": {
    "First": {"Type": "Pass", "Result": "one", "ResultPath": "$.first", "Next": "Second"},
    "Second": {"Type": "Pass", "Result": "two", "ResultPath": "$.second", "End": True}}})


class Shapes(SfnTest):
    def run_to_end(self, definition, input):
        ex = self.start(self.create_sm(definition=definition), input)
        self.wait_done(ex)
        return ex, self.history(ex)

    def test_pass_workflow_events(self):
        ex, events = self.run_to_end(TWO_PASSES, {"in": 1})
        self.assertEqual([e["type"] for e in events], [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
            "PassStateExited", "ExecutionSucceeded"])
        self.assertEqual([e["id"] for e in events], list(range(1, 7)))
        # AWS's first StateEntered points at event 0, not at ExecutionStarted
        self.assertEqual([e["previousEventId"] for e in events], [0, 0, 2, 3, 4, 5])
        for a, b in zip(events, events[1:]):
            self.assertIsInstance(a["timestamp"], datetime.datetime)
            self.assertLessEqual(a["timestamp"], b["timestamp"])
        started = events[0]["executionStartedEventDetails"]
        self.assertEqual(json.loads(started["input"]), {"in": 1})
        self.assertEqual(started["inputDetails"], {"truncated": False})
        self.assertEqual(started["roleArn"], sfn.ROLE)
        entered = events[1]["stateEnteredEventDetails"]
        self.assertEqual(entered["name"], "First")
        self.assertEqual(json.loads(entered["input"]), {"in": 1})
        self.assertEqual(entered["inputDetails"], {"truncated": False})
        exited = events[2]["stateExitedEventDetails"]
        self.assertEqual(exited["name"], "First")
        self.assertEqual(json.loads(exited["output"]), {"in": 1, "first": "one"})
        self.assertEqual(exited["outputDetails"], {"truncated": False})
        self.assertEqual(events[3]["stateEnteredEventDetails"]["name"], "Second")
        done = events[5]["executionSucceededEventDetails"]
        self.assertEqual(json.loads(done["output"]), {"in": 1, "first": "one", "second": "two"})
        self.assertEqual(done["outputDetails"], {"truncated": False})
        # an event has its own type's details and no other's
        for e in events:
            details = [k for k in e if k.endswith("EventDetails")]
            self.assertLessEqual(len(details), 1, e)

    def test_fail_state_events(self):
        _, events = self.run_to_end(sfn.FAIL, {})
        self.assertEqual([e["type"] for e in events],
                         ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"])
        self.assertEqual(events[1]["stateEnteredEventDetails"]["name"], "F")
        self.assertEqual(events[2]["executionFailedEventDetails"],
                         {"error": "Custom.Broken", "cause": "it broke on purpose"})

    def test_choice_and_wait_events(self):
        _, events = self.run_to_end(dumps({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": True,
                                                  "Next": "W"}], "Default": "Done"},
            "W": {"Type": "Wait", "Seconds": 0, "Next": "Done"},
            "Done": {"Type": "Succeed"}}}), {"go": True})
        self.assertEqual([e["type"] for e in events], [
            "ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "WaitStateEntered",
            "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"])

    def test_parallel_events(self):
        _, events = self.run_to_end(dumps({"StartAt": "Par", "States": {"Par": {
            "Type": "Parallel", "End": True, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}]}}}), {"v": 1})
        types = [e["type"] for e in events]
        self.assertEqual(types[:3], ["ExecutionStarted", "ParallelStateEntered",
                                     "ParallelStateStarted"])
        self.assertEqual(types[-3:], ["ParallelStateSucceeded", "ParallelStateExited",
                                      "ExecutionSucceeded"])
        self.assertEqual(sorted(e["stateEnteredEventDetails"]["name"] for e in events
                                if e["type"] == "PassStateEntered"), ["A", "B"])
        out = json.loads(events[-1]["executionSucceededEventDetails"]["output"])
        self.assertEqual(out, [{"v": 1}, {"v": 1}])

    def test_map_events(self):
        _, events = self.run_to_end(dumps({"StartAt": "M", "States": {"M": {
            "Type": "Map", "ItemsPath": "$.items", "End": True, "MaxConcurrency": 1,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                              "States": {"I": {"Type": "Pass", "End": True}}}}}}),
            {"items": ["a", "b", "c"]})
        types = [e["type"] for e in events]
        started = [e for e in events if e["type"] == "MapStateStarted"]
        self.assertEqual(len(started), 1)
        self.assertEqual(started[0]["mapStateStartedEventDetails"], {"length": 3})
        its = [e["mapIterationStartedEventDetails"] for e in events
               if e["type"] == "MapIterationStarted"]
        self.assertEqual(sorted(i["index"] for i in its), [0, 1, 2])
        self.assertTrue(all(i["name"] == "M" for i in its))
        self.assertEqual(types.count("MapIterationSucceeded"), 3)
        self.assertEqual(types[-3:], ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"])

    def test_execution_timeout_events(self):
        ex = self.start(self.create_sm(definition=dumps({
            "TimeoutSeconds": 1, "StartAt": "W",
            "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}})))
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "TIMED_OUT")
        last = self.sfn.get_execution_history(executionArn=ex, reverseOrder=True,
                                              maxResults=1)["events"][0]
        self.assertEqual(last["type"], "ExecutionTimedOut")
        self.assertEqual(last["executionTimedOutEventDetails"]["error"], "States.Timeout")

    def test_previous_event_ids_point_backwards(self):
        _, events = self.run_to_end(dumps({"StartAt": "Par", "States": {"Par": {
            "Type": "Parallel", "End": True, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}]}}}), {})
        ids = {e["id"] for e in events}
        self.assertEqual(sorted(ids), list(range(1, len(events) + 1)))
        for e in events[1:]:
            self.assertTrue(e["previousEventId"] == 0 or e["previousEventId"] in ids, e)
            self.assertLess(e["previousEventId"], e["id"])
        # a branch's first event follows ParallelStateStarted
        started = next(e["id"] for e in events if e["type"] == "ParallelStateStarted")
        firsts = [e for e in events if e["type"] == "PassStateEntered"]
        self.assertEqual([e["previousEventId"] for e in firsts], [started, started])

    def test_task_failure_caught_events(self):
        ex = self.start(self.create_sm(definition=sfn.callback_definition(
            {"Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handled"}]},
            {"Handled": {"Type": "Pass", "End": True}})), {"a": 1})
        self.sfn.send_task_failure(taskToken=self.task_token(ex), error="Bad.Thing", cause="why")
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]),
                         {"a": 1, "err": {"Error": "Bad.Thing", "Cause": "why"}})
        events = self.history(ex)
        failed = [e for e in events if e["type"] == "TaskFailed"]
        self.assertEqual(len(failed), 1)
        d = failed[0]["taskFailedEventDetails"]
        self.assertEqual((d["error"], d["cause"]), ("Bad.Thing", "why"))
        self.assertEqual(d["resourceType"], "sqs")
        self.assertEqual(d["resource"], "sendMessage.waitForTaskToken")


class Paging(SfnTest):
    def setUp(self):
        super().setUp()
        self.ex = self.start(self.create_sm(definition=TWO_PASSES), {"x": "y"})
        self.wait_done(self.ex)

    def test_max_results_and_next_token(self):
        full = self.sfn.get_execution_history(executionArn=self.ex)["events"]
        self.assertEqual(len(full), 6)
        pages, token = [], None
        while True:
            page = self.sfn.get_execution_history(executionArn=self.ex, maxResults=4,
                                                  **({"nextToken": token} if token else {}))
            pages.append(page["events"])
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual([len(p) for p in pages], [4, 2])
        self.assertEqual(sum(pages, []), full)

    def test_reverse_order(self):
        full = self.history(self.ex)
        rev = self.history(self.ex, reverseOrder=True, maxResults=4)
        self.assertEqual(rev, list(reversed(full)))
        self.assertEqual(rev[0]["type"], "ExecutionSucceeded")

    def test_without_execution_data(self):
        events = self.history(self.ex, includeExecutionData=False)
        self.assertEqual(len(events), 6)
        self.assertNotIn("input", events[0]["executionStartedEventDetails"])
        self.assertNotIn("input", events[1]["stateEnteredEventDetails"])
        self.assertEqual(events[1]["stateEnteredEventDetails"]["name"], "First")
        self.assertNotIn("output", events[2]["stateExitedEventDetails"])
        self.assertNotIn("output", events[5]["executionSucceededEventDetails"])

    def test_invalid_token(self):
        self.assertError("InvalidToken", self.sfn.get_execution_history, executionArn=self.ex,
                         nextToken="not-from-this-server")

    def test_missing_execution(self):
        arn = sfn.missing_arn("execution", "m:e")
        self.assertError("ExecutionDoesNotExist", self.sfn.get_execution_history,
                         executionArn=arn, message=arn)

    def test_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.get_execution_history, executionArn="nope")


if __name__ == "__main__":
    unittest.main()
