"""Map runs of a Distributed Map: ListMapRuns, DescribeMapRun, UpdateMapRun, ListExecutions of
a map run's child executions, and the MapRun* history events."""
import datetime
import json
import unittest

import sfn
from sfn import SfnTest, dumps


def distributed(processor_states, start_at, **map_fields):
    m = {"Type": "Map", "ItemsPath": "$.items", "Label": "Fanout", "End": True,
         "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                           "StartAt": start_at, "States": processor_states}}
    m.update(map_fields)
    return dumps({"StartAt": "Fan", "States": {"Fan": m}})


PASS_ITEMS = distributed({"Item": {"Type": "Pass", "End": True}}, "Item", MaxConcurrency=2)


class MapRuns(SfnTest):
    def finished_run(self):
        sm = self.create_sm(definition=PASS_ITEMS)
        ex = self.start(sm, {"items": [1, 2, 3]})
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        return sm, ex, d

    def test_list_map_runs(self):
        sm, ex, d = self.finished_run()
        self.assertEqual(json.loads(d["output"]), [1, 2, 3])
        runs = self.sfn.list_map_runs(executionArn=ex)["mapRuns"]
        self.assertEqual(len(runs), 1)
        run = runs[0]
        self.assertEqual(run["executionArn"], ex)
        sm_name = sm.rsplit(":", 1)[1]
        self.assertTrue(run["mapRunArn"].startswith(
            f"arn:aws:states:{sfn.region()}:{sfn.account()}:mapRun:{sm_name}/Fanout:"), run)
        self.assertIsInstance(run["startDate"], datetime.datetime)
        self.assertIsInstance(run["stopDate"], datetime.datetime)

    def test_describe_map_run(self):
        _, ex, _ = self.finished_run()
        arn = self.sfn.list_map_runs(executionArn=ex)["mapRuns"][0]["mapRunArn"]
        d = self.sfn.describe_map_run(mapRunArn=arn)
        self.assertEqual(d["mapRunArn"], arn)
        self.assertEqual(d["executionArn"], ex)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(d["maxConcurrency"], 2)
        self.assertEqual(d["toleratedFailurePercentage"], 0)
        self.assertEqual(d["toleratedFailureCount"], 0)
        self.assertEqual(d["itemCounts"]["total"], 3)
        self.assertEqual(d["itemCounts"]["succeeded"], 3)
        self.assertEqual(d["itemCounts"]["failed"], 0)
        self.assertEqual(d["executionCounts"]["total"], 3)
        self.assertEqual(d["executionCounts"]["succeeded"], 3)

    def test_child_executions_listed_by_map_run(self):
        _, ex, _ = self.finished_run()
        arn = self.sfn.list_map_runs(executionArn=ex)["mapRuns"][0]["mapRunArn"]
        children = self.sfn.list_executions(mapRunArn=arn)["executions"]
        self.assertEqual(len(children), 3)
        for c in children:
            self.assertEqual(c["status"], "SUCCEEDED")
            self.assertEqual(c["mapRunArn"], arn)

    def test_map_run_events(self):
        _, ex, _ = self.finished_run()
        arn = self.sfn.list_map_runs(executionArn=ex)["mapRuns"][0]["mapRunArn"]
        events = self.history(ex)
        types = [e["type"] for e in events]
        self.assertIn("MapRunStarted", types)
        self.assertIn("MapRunSucceeded", types)
        self.assertLess(types.index("MapRunStarted"), types.index("MapRunSucceeded"))
        started = events[types.index("MapRunStarted")]
        self.assertEqual(started["mapRunStartedEventDetails"], {"mapRunArn": arn})

    def test_update_running_map_run(self):
        sm = self.create_sm(definition=distributed({"Item": json.loads(sfn.callback_definition())
                                                    ["States"]["Wait For Token"]}, "Item",
                                                   MaxConcurrency=1))
        ex = self.start(sm, {"items": ["a", "b"]})
        deadline = sfn.time.monotonic() + sfn.WAIT
        while not self.sfn.list_map_runs(executionArn=ex)["mapRuns"]:
            self.assertLess(sfn.time.monotonic(), deadline, "no map run started")
            sfn.time.sleep(0.05)
        arn = self.sfn.list_map_runs(executionArn=ex)["mapRuns"][0]["mapRunArn"]
        self.assertEqual(self.sfn.describe_map_run(mapRunArn=arn)["status"], "RUNNING")
        self.sfn.update_map_run(mapRunArn=arn, maxConcurrency=5, toleratedFailureCount=1,
                                toleratedFailurePercentage=50)
        d = self.sfn.describe_map_run(mapRunArn=arn)
        self.assertEqual((d["maxConcurrency"], d["toleratedFailureCount"],
                          d["toleratedFailurePercentage"]), (5, 1, 50))
        self.sfn.stop_execution(executionArn=ex)
        self.assertEqual(self.wait_done(ex)["status"], "ABORTED")

    def test_describe_missing_map_run(self):
        arn = f"arn:aws:states:{sfn.region()}:{sfn.account()}:mapRun:nothing/here:{sfn.unique('x')}"
        self.assertError("ResourceNotFound", self.sfn.describe_map_run, mapRunArn=arn)
        self.assertError("ResourceNotFound", self.sfn.update_map_run, mapRunArn=arn,
                         maxConcurrency=1)

    def test_malformed_map_run_arn(self):
        self.assertError("InvalidArn", self.sfn.describe_map_run, mapRunArn="not-a-map-run")

    def test_list_map_runs_missing_execution(self):
        self.assertError("ExecutionDoesNotExist", self.sfn.list_map_runs,
                         executionArn=sfn.missing_arn("execution", "m:e"))


if __name__ == "__main__":
    unittest.main()
