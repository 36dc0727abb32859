#!/usr/bin/env python3
"""run_tests.py — runs the boto3 tests (test_*.py beside this file) and prints one line per
test, `ok ID`, `FAIL ID: why` or `skip ID: why`, with ID = boto3/MODULE.CLASS.METHOD, then
`N passed, N failed, N skipped`.  tests/serve/run.sh reads the lines against PENDING.

Usage: run_tests.py [--match TEXT] [--per-test-timeout S]
Each test gets a time limit (SIGALRM), so a server that never answers fails the test, not the run.
"""
import argparse
import os
import signal
import sys
import time
import traceback
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)


class TestTimeout(Exception):
    pass


def one_line(text, limit=300):
    text = " | ".join(line.strip() for line in text.strip().splitlines()[-3:])
    return text[:limit]


class LineResult(unittest.TestResult):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout
        self.counts = {"ok": 0, "FAIL": 0, "skip": 0}
        self._failed_now = False

    @staticmethod
    def name(test):
        return "boto3/" + test.id()

    def startTest(self, test):
        super().startTest(test)
        self._failed_now = False
        self._start = time.monotonic()
        signal.alarm(self.timeout)

    def stopTest(self, test):
        signal.alarm(0)
        super().stopTest(test)

    def _report(self, kind, test, why=""):
        self.counts[kind] += 1
        took = time.monotonic() - self._start
        tail = f": {why}" if why else ""
        print(f"{kind} {self.name(test)} ({took:.1f} s){tail}" if kind != "ok"
              else f"ok {self.name(test)} ({took:.1f} s)", flush=True)

    def addSuccess(self, test):
        self._report("ok", test)

    def _fail(self, test, err):
        exc = err[1]
        if isinstance(exc, TestTimeout):
            why = f"no result within {self.timeout} s"
        elif isinstance(exc, AssertionError):
            why = one_line(str(exc))
        else:
            why = one_line("".join(traceback.format_exception_only(err[0], exc)))
        self._report("FAIL", test, why)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        if test.__class__.__name__ == "_ErrorHolder":  # setUpClass or a module that failed to load
            self.counts["FAIL"] += 1
            print(f"FAIL boto3/{test.description}: {one_line(str(err[1]))}", flush=True)
            return
        self._fail(test, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._report("skip", test, reason)


def on_alarm(signum, frame):
    raise TestTimeout()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--match", default="", help="only tests whose id contains TEXT")
    ap.add_argument("--per-test-timeout", type=int, default=90)
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, on_alarm)
    suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)

    def flatten(s):
        for t in s:
            if isinstance(t, unittest.TestSuite):
                yield from flatten(t)
            else:
                yield t
    tests = [t for t in flatten(suite) if args.match.lower() in ("boto3/" + t.id()).lower()]
    result = LineResult(args.per_test_timeout)
    unittest.TestSuite(tests).run(result)
    c = result.counts
    print(f"{c['ok']} passed, {c['FAIL']} failed, {c['skip']} skipped")
    return 0 if c["FAIL"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
