"""StartExecution, DescribeExecution, ListExecutions (statusFilter, pagination), StopExecution,
RedriveExecution, with their errors; 50 executions at once."""
import concurrent.futures
import datetime
import json
import re
import unittest

import sfn
from sfn import SfnTest, dumps


class Start(SfnTest):
    def test_start_returns_execution_arn_and_start_date(self):
        sm = self.create_sm()
        name = sfn.unique("run")
        r = self.sfn.start_execution(stateMachineArn=sm, name=name, input="{}")
        sm_name = sm.rsplit(":", 1)[1]
        self.assertRegex(r["executionArn"], rf"^arn:aws:states:[a-z0-9-]+:\d{{12}}:execution:"
                                            rf"{re.escape(sm_name)}:{re.escape(name)}$")
        self.assertIsInstance(r["startDate"], datetime.datetime)

    def test_run_to_success_and_describe(self):
        sm = self.create_sm(definition=sfn.PASS_RESULT)
        ex = self.start(sm, {"n": 1}, name="named-run-" + sfn.unique("x"))
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(d["executionArn"], ex)
        self.assertEqual(d["stateMachineArn"], sm)
        self.assertEqual(d["name"], ex.rsplit(":", 1)[1])
        self.assertEqual(json.loads(d["input"]), {"n": 1})
        self.assertEqual(json.loads(d["output"]), {"n": 1, "added": {"answer": 42}})
        self.assertEqual(d["inputDetails"], {"included": True})
        self.assertEqual(d["outputDetails"], {"included": True})
        self.assertIsInstance(d["startDate"], datetime.datetime)
        self.assertGreaterEqual(d["stopDate"], d["startDate"])

    def test_generated_name_is_a_uuid(self):
        d = self.wait_done(self.start(self.create_sm()))
        self.assertRegex(d["name"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

    def test_no_input_means_empty_object(self):
        d = self.wait_done(self.start(self.create_sm()))
        self.assertEqual(json.loads(d["input"]), {})
        self.assertEqual(json.loads(d["output"]), {})

    def test_failed_execution_reports_error_and_cause(self):
        d = self.wait_done(self.start(self.create_sm(definition=sfn.FAIL)))
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "Custom.Broken")
        self.assertEqual(d["cause"], "it broke on purpose")
        self.assertNotIn("output", d)

    def test_same_name_after_finish_is_execution_already_exists(self):
        sm = self.create_sm()
        name = sfn.unique("once")
        self.wait_done(self.start(sm, {"a": 1}, name=name))
        self.assertError("ExecutionAlreadyExists", self.sfn.start_execution,
                         stateMachineArn=sm, name=name, input='{"a": 2}')

    def test_same_name_same_input_while_running_is_idempotent(self):
        sm = self.create_sm(definition=sfn.WAIT_LONG)
        name = sfn.unique("idem")
        ex = self.start(sm, {"a": 1}, name=name)
        again = self.sfn.start_execution(stateMachineArn=sm, name=name, input=dumps({"a": 1}))
        self.assertEqual(again["executionArn"], ex)

    def test_input_not_json_is_invalid_execution_input(self):
        sm = self.create_sm()
        self.assertError("InvalidExecutionInput", self.sfn.start_execution,
                         stateMachineArn=sm, input="{oops")

    def test_input_over_256_kib_is_rejected(self):
        sm = self.create_sm()
        big = dumps({"pad": "x" * (256 * 1024)})
        self.assertErrorIn(("InvalidExecutionInput", "ValidationException"),
                           self.sfn.start_execution, stateMachineArn=sm, input=big)

    def test_input_of_nearly_256_kib_runs(self):
        sm = self.create_sm()
        doc = {"pad": "y" * (256 * 1024 - 100)}
        d = self.wait_done(self.start(sm, doc))
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), doc)

    def test_invalid_execution_name(self):
        sm = self.create_sm()
        self.assertError("InvalidName", self.sfn.start_execution, stateMachineArn=sm,
                         name="bad name")

    def test_missing_state_machine(self):
        arn = sfn.missing_arn("stateMachine")
        self.assertError("StateMachineDoesNotExist", self.sfn.start_execution,
                         stateMachineArn=arn, message=("=", f"State Machine Does Not Exist: '{arn}'"))

    def test_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.start_execution, stateMachineArn="not:an:arn")


class Describe(SfnTest):
    def test_missing_execution(self):
        arn = sfn.missing_arn("execution", "machine:run")
        self.assertError("ExecutionDoesNotExist", self.sfn.describe_execution,
                         executionArn=arn, message=arn)

    def test_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.describe_execution, executionArn="x")

    def test_running_execution_has_no_stop_date(self):
        ex = self.start(self.create_sm(definition=sfn.WAIT_LONG))
        d = self.sfn.describe_execution(executionArn=ex)
        self.assertEqual(d["status"], "RUNNING")
        self.assertNotIn("stopDate", d)
        self.assertNotIn("output", d)


class ListExecutions(SfnTest):
    def test_lists_the_machines_executions(self):
        sm = self.create_sm()
        other = self.start(self.create_sm())
        runs = [self.start(sm) for _ in range(3)]
        for ex in runs + [other]:
            self.wait_done(ex)
        r = self.sfn.list_executions(stateMachineArn=sm)["executions"]
        self.assertEqual(sorted(e["executionArn"] for e in r), sorted(runs))
        for e in r:
            self.assertEqual(e["stateMachineArn"], sm)
            self.assertEqual(e["status"], "SUCCEEDED")
            self.assertEqual(e["name"], e["executionArn"].rsplit(":", 1)[1])
            self.assertIsInstance(e["startDate"], datetime.datetime)
            self.assertIsInstance(e["stopDate"], datetime.datetime)

    def test_filters_by_status(self):
        sm = self.create_sm(definition=dumps({"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [
                {"Variable": "$.fail", "BooleanEquals": True, "Next": "F"}], "Default": "S"},
            "F": {"Type": "Fail", "Error": "E"}, "S": {"Type": "Succeed"}}}))
        good = self.start(sm, {"fail": False})
        bad = self.start(sm, {"fail": True})
        self.wait_done(good)
        self.wait_done(bad)
        waiting_sm = self.create_sm(definition=sfn.WAIT_LONG)
        running = self.start(waiting_sm)

        def arns(**kw):
            return [e["executionArn"] for e in self.sfn.list_executions(**kw)["executions"]]
        self.assertEqual(arns(stateMachineArn=sm, statusFilter="SUCCEEDED"), [good])
        self.assertEqual(arns(stateMachineArn=sm, statusFilter="FAILED"), [bad])
        self.assertEqual(arns(stateMachineArn=sm, statusFilter="RUNNING"), [])
        self.assertEqual(arns(stateMachineArn=waiting_sm, statusFilter="RUNNING"), [running])
        self.assertEqual(arns(stateMachineArn=waiting_sm, statusFilter="SUCCEEDED"), [])

    def test_newest_first(self):
        sm = self.create_sm()
        runs = []
        for _ in range(3):
            runs.append(self.start(sm))
            self.wait_done(runs[-1])
        listed = [e["executionArn"] for e in self.sfn.list_executions(stateMachineArn=sm)["executions"]]
        self.assertEqual(listed, list(reversed(runs)))

    def test_pagination(self):
        sm = self.create_sm()
        runs = {self.start(sm) for _ in range(5)}
        seen = [e["executionArn"] for e in
                self.pages(self.sfn.list_executions, "executions", 2, stateMachineArn=sm)]
        self.assertEqual(sorted(seen), sorted(runs))

    def test_invalid_status_filter(self):
        sm = self.create_sm()
        self.assertError("ValidationException", self.sfn.list_executions, stateMachineArn=sm,
                         statusFilter="SLEEPING")

    def test_invalid_token(self):
        sm = self.create_sm()
        self.assertError("InvalidToken", self.sfn.list_executions, stateMachineArn=sm,
                         nextToken="made-up-token")

    def test_missing_state_machine(self):
        arn = sfn.missing_arn("stateMachine")
        self.assertError("StateMachineDoesNotExist", self.sfn.list_executions,
                         stateMachineArn=arn, message=arn)

    def test_express_machine_is_type_not_supported(self):
        sm = self.create_sm(type="EXPRESS")
        self.assertError("StateMachineTypeNotSupported", self.sfn.list_executions,
                         stateMachineArn=sm)


class Stop(SfnTest):
    def test_stop_running_execution(self):
        ex = self.start(self.create_sm(definition=sfn.WAIT_LONG))
        r = self.sfn.stop_execution(executionArn=ex, error="Operator.Stop", cause="no longer needed")
        self.assertIsInstance(r["stopDate"], datetime.datetime)
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "ABORTED")
        self.assertGreaterEqual(d["stopDate"], d["startDate"])
        last = self.sfn.get_execution_history(executionArn=ex, reverseOrder=True,
                                              maxResults=1)["events"][0]
        self.assertEqual(last["type"], "ExecutionAborted")
        self.assertEqual(last["executionAbortedEventDetails"],
                         {"error": "Operator.Stop", "cause": "no longer needed"})

    def test_stop_without_error_or_cause(self):
        ex = self.start(self.create_sm(definition=sfn.WAIT_LONG))
        self.sfn.stop_execution(executionArn=ex)
        self.assertEqual(self.wait_done(ex)["status"], "ABORTED")

    def test_stop_missing_execution(self):
        arn = sfn.missing_arn("execution", "m:e")
        self.assertError("ExecutionDoesNotExist", self.sfn.stop_execution, executionArn=arn)

    def test_stop_malformed_arn(self):
        self.assertError("InvalidArn", self.sfn.stop_execution, executionArn="bogus")


class Redrive(SfnTest):
    def test_redrive_reruns_the_failed_state(self):
        sm = self.create_sm(definition=sfn.callback_definition())
        ex = self.start(sm, {"k": "v"})
        self.sfn.send_task_failure(taskToken=self.task_token(ex), error="First.Try", cause="c")
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["redriveStatus"], "REDRIVABLE")
        r = self.sfn.redrive_execution(executionArn=ex)
        self.assertIsInstance(r["redriveDate"], datetime.datetime)
        # the Task runs again: a second TaskScheduled, with a new token
        deadline = sfn.time.monotonic() + sfn.WAIT
        while True:
            scheduled = [e for e in self.history(ex) if e["type"] == "TaskScheduled"]
            if len(scheduled) == 2:
                break
            self.assertLess(sfn.time.monotonic(), deadline, "the redriven Task was not scheduled")
            sfn.time.sleep(0.05)
        token = json.loads(scheduled[1]["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
        self.sfn.send_task_success(taskToken=token, output='{"second": true}')
        d = self.wait_done(ex)
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"]), {"second": True})
        self.assertEqual(d["redriveCount"], 1)
        redriven = [e for e in self.history(ex) if e["type"] == "ExecutionRedriven"]
        self.assertEqual(len(redriven), 1)
        self.assertEqual(redriven[0]["executionRedrivenEventDetails"], {"redriveCount": 1})

    def test_succeeded_execution_is_not_redrivable(self):
        ex = self.start(self.create_sm())
        self.wait_done(ex)
        self.assertError("ExecutionNotRedrivable", self.sfn.redrive_execution, executionArn=ex)

    def test_missing_execution(self):
        self.assertError("ExecutionDoesNotExist", self.sfn.redrive_execution,
                         executionArn=sfn.missing_arn("execution", "m:e"))


class Concurrency(SfnTest):
    def test_fifty_executions_at_once(self):
        """50 executions parked on task tokens at the same time, started from 10 threads; each
        then finishes with its own output."""
        sm = self.create_sm(definition=sfn.callback_definition())
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            clients = [sfn.client(fresh=True) for _ in range(10)]
            futures = [pool.submit(lambda i: clients[i % 10].start_execution(
                stateMachineArn=sm, name=f"c{i}", input=dumps({"i": i}))["executionArn"], i)
                for i in range(50)]
            runs = [f.result() for f in futures]
        for ex in runs:
            self.addCleanup(self._stop_if_running, ex)
        self.assertEqual(len(set(runs)), 50)
        running = []
        for page in self.sfn.get_paginator("list_executions").paginate(
                stateMachineArn=sm, statusFilter="RUNNING"):
            running += [e["executionArn"] for e in page["executions"]]
        self.assertEqual(sorted(running), sorted(runs))
        tokens = {ex: self.task_token(ex) for ex in runs}
        self.assertEqual(len(set(tokens.values())), 50, "task tokens are not distinct")
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            list(pool.map(lambda item: clients[hash(item[0]) % 10].send_task_success(
                taskToken=item[1], output=dumps({"done": item[0]})), tokens.items()))
        for i, ex in enumerate(runs):
            d = self.wait_done(ex)
            self.assertEqual(d["status"], "SUCCEEDED", ex)
            self.assertEqual(json.loads(d["output"]), {"done": ex})
            self.assertEqual(json.loads(d["input"]), {"i": i})


if __name__ == "__main__":
    unittest.main()
