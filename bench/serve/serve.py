#!/usr/bin/env python3
"""serve.py — `aslc serve` against its peers, under the same load (`make bench` runs it).

Two figures, each from wrk (Debian's HTTP load generator, wrk-request.lua) sending identical
awsJson1_0 requests to every server:
  sync   the StartSyncExecution round trip of a one-state EXPRESS workflow (one-pass.asl.json),
         one connection: median and 90th/99th percentile latency;
  start  executions per second of a ten-state STANDARD workflow (ten-states.asl.json) started by
         16 connections for --seconds, counted once every execution has finished: the executions
         that succeeded over the time from the first request to the last completion.
Peers in the same run: moto_server in its default mode (records executions, runs none: its figure
bounds its request handling from above), moto_server with execute_state_machine (LocalStack's
interpreter), and aws-local-stepfunctions' library API in-process with no HTTP
(als-throughput.mjs; ALS_DIR, default /tmp/peer-bench, where `npm install
aws-local-stepfunctions` was run). A peer that is missing or refuses an operation is reported so,
not left out silently. Prints a Markdown table and writes every figure as JSON with --json.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROLE = "arn:aws:iam::123456789012:role/bench"
CONNECTIONS = 16
# What SDKs send (moto routes a request to a service by its credential scope); no server here
# checks the signature, so one fixed header does for every request, as in wrk-request.lua.
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/states/aws4_request, "
                 "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, op, body, timeout=30):
    """One awsJson1_0 call; (status, decoded answer)."""
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + op,
        "Authorization": AUTHORIZATION, "X-Amz-Date": "20260101T000000Z"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text or b"{}")
        except ValueError:
            return e.code, {"message": text[:200].decode(errors="replace")}


def wait_listening(port, proc, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start listening")


class Server:
    """A server process on loopback, stopped when the block ends."""

    def __init__(self, name, argv, port):
        self.name, self.argv, self.port = name, argv, port
        self.url = f"http://127.0.0.1:{port}/"

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_listening(self.port, self.proc)
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def wrk(url, op, body, seconds, connections):
    env = dict(os.environ, SFN_TARGET=op, SFN_BODY=json.dumps(body))
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
                          "--timeout", "10s", "-s", os.path.join(HERE, "wrk-request.lua"), url],
                         env=env, capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")]
    if not line:
        raise RuntimeError("wrk printed no summary:\n" + out)
    return json.loads(line[-1])


def create(url, name, definition, kind):
    status, ans = call(url, "CreateStateMachine", {"name": name, "definition": definition, "roleArn": ROLE,
                                                   "type": kind})
    if status != 200:
        raise RuntimeError(f"CreateStateMachine: {status} {ans}")
    return ans["stateMachineArn"]


def count_executions(url, arn, status_filter):
    n, token = 0, None
    while True:
        body = {"stateMachineArn": arn, "statusFilter": status_filter, "maxResults": 1000}
        if token:
            body["nextToken"] = token
        status, ans = call(url, "ListExecutions", body)
        if status != 200:
            raise RuntimeError(f"ListExecutions: {status} {ans}")
        n += len(ans.get("executions", []))
        token = ans.get("nextToken")
        if not token:
            return n


def measure_sync(srv, seconds):
    arn = create(srv.url, "one-pass", open(os.path.join(HERE, "one-pass.asl.json")).read(), "EXPRESS")
    body = {"stateMachineArn": arn, "input": '{"value": 1}'}
    status, ans = call(srv.url, "StartSyncExecution", body)
    if status != 200 or ans.get("status") != "SUCCEEDED":
        return {"note": f"StartSyncExecution answered {status} {str(ans)[:120]}"}
    r = wrk(srv.url, "StartSyncExecution", body, seconds, 1)
    r["per_second"] = r["requests"] / r["seconds"]
    return r


def measure_start(srv, seconds, runs_executions):
    arn = create(srv.url, "ten-states", open(os.path.join(HERE, "ten-states.asl.json")).read(), "STANDARD")
    body = {"stateMachineArn": arn, "input": '{"qty": 5}'}
    t0 = time.time()
    r = wrk(srv.url, "StartExecution", body, seconds, CONNECTIONS)
    r["accepted"] = r["requests"] - r["non2xx"]
    if not runs_executions:
        r["per_second"] = r["accepted"] / r["seconds"]
        r["note"] = "records executions without running them: request handling only"
        return r
    while count_executions(srv.url, arn, "RUNNING") > 0:
        if time.time() - t0 > seconds + 300:
            r["note"] = "executions still running 300 s after the load ended"
            break
        time.sleep(0.02)
    elapsed = time.time() - t0
    r["succeeded"] = count_executions(srv.url, arn, "SUCCEEDED")
    r["per_second"] = r["succeeded"] / elapsed
    r["elapsed"] = elapsed
    if r["non2xx"]:
        r["note"] = f"{r['non2xx']} of {r['requests']} StartExecution requests refused"
    return r


def als(seconds):
    als_dir = os.environ.get("ALS_DIR", "/tmp/peer-bench")
    if not shutil.which("node") or not os.path.exists(os.path.join(als_dir, "node_modules", "aws-local-stepfunctions")):
        return {"note": f"aws-local-stepfunctions not installed in {als_dir}"}
    out = subprocess.run(["node", os.path.join(HERE, "als-throughput.mjs"), os.path.join(HERE, "ten-states.asl.json"),
                          os.path.join(HERE, "ten-states.input.json"), str(seconds), str(CONNECTIONS)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def moto_argv(port):
    exe = shutil.which("moto_server")
    return [exe, "-H", "127.0.0.1", "-p", str(port)] if exe else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aslc", default="build/aslc")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--mode", default="jit", help="aslc serve --mode")
    ap.add_argument("--json", help="write every figure here")
    ap.add_argument("--only", help="comma-separated servers: aslc,moto,moto-exec,als")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("serve.py: wrk is not installed (apt-get install wrk)")
    only = set(a.only.split(",")) if a.only else {"aslc", "moto", "moto-exec", "als"}
    secs = max(1, int(a.seconds))
    results = {}
    if "aslc" in only:
        port = free_port()
        with Server("aslc", [a.aslc, "serve", "--port", str(port), "--mode", a.mode], port) as s:
            results["aslc serve"] = {"sync": measure_sync(s, secs), "start": measure_start(s, secs, True)}
    for key, execute in (("moto", False), ("moto-exec", True)):
        if key not in only:
            continue
        port = free_port()
        argv = moto_argv(port)
        name = "moto_server" + (" (execute_state_machine)" if execute else "")
        if not argv:
            results[name] = {"note": "moto_server is not installed"}
            continue
        with Server(name, argv, port) as s:
            if execute:
                req = urllib.request.Request(s.url + "moto-api/config", method="POST",
                                             data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode())
                urllib.request.urlopen(req, timeout=10).read()
            results[name] = {"sync": measure_sync(s, secs), "start": measure_start(s, secs, execute)}
    if "als" in only:
        results["aws-local-stepfunctions (library, no HTTP)"] = {"start": als(secs)}
    print_table(results)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


def fmt(r, key, scale=1.0, digits=0):
    if not r or key not in r:
        return "—"
    return f"{r[key] * scale:,.{digits}f}"


def print_table(results):
    print("| server | sync p50 ms | sync p99 ms | sync req/s | executions/s (10 states, 16 conn.) | notes |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, r in results.items():
        sync, start = r.get("sync") or {}, r.get("start") or {}
        notes = "; ".join(x for x in (r.get("note"), sync.get("note"), start.get("note")) if x)
        print(f"| {name} | {fmt(sync, 'p50_us', 1e-3, 2)} | {fmt(sync, 'p99_us', 1e-3, 2)} | "
              f"{fmt(sync, 'per_second')} | {fmt(start, 'per_second')} | {notes} |")


if __name__ == "__main__":
    main()
