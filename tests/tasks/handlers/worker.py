#!/usr/bin/env python3
"""worker.py — an exec handler whose behaviour the task input chooses with "do":

  echo        answers {"input": <input>, "state": $ASLC_STATE_NAME, "token": $ASLC_TASK_TOKEN,
              "dir": <basename of the working directory>}
  error       stderr {"error": "Custom.Error", "cause": "custom cause"}, exit 1
  lambda      stderr a Lambda error object (errorType ValueError), exit 1
  stderr      stderr "plain failure text", exit 2
  silent      exit 3, nothing written
  notjson     stdout "this is not JSON", exit 0
  empty       nothing, exit 0
  sleep       writes its pid to input["pidfile"], sleeps input["seconds"]
  heartbeat   a line on stderr every 0.3 s for input["seconds"], then answers {"beats": n}
  flaky       fails until it has been called input["succeed_on"] times (count in input["counter"])
  grandchild  leaves a background process holding stdout open (pid in input["pidfile"]),
              answers {"ok": true}
"""

import json
import os
import subprocess
import sys
import time

task = json.load(sys.stdin)
do = task.get("do")
if do == "echo":
    print(json.dumps({"input": task, "state": os.environ.get("ASLC_STATE_NAME"),
                      "token": os.environ.get("ASLC_TASK_TOKEN"),
                      "dir": os.path.basename(os.getcwd())}))
elif do == "error":
    sys.stderr.write(json.dumps({"error": "Custom.Error", "cause": "custom cause"}) + "\n")
    sys.exit(1)
elif do == "lambda":
    sys.stderr.write(json.dumps({"errorMessage": "bad input", "errorType": "ValueError",
                                 "stackTrace": []}) + "\n")
    sys.exit(1)
elif do == "stderr":
    sys.stderr.write("plain failure text\n")
    sys.exit(2)
elif do == "silent":
    sys.exit(3)
elif do == "notjson":
    print("this is not JSON")
elif do == "empty":
    pass
elif do == "sleep":
    with open(task["pidfile"], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(task["seconds"])
    print("{}")
elif do == "heartbeat":
    n = 0
    end = time.time() + task["seconds"]
    while time.time() < end:
        sys.stderr.write("beat\n")
        sys.stderr.flush()
        n += 1
        time.sleep(0.3)
    print(json.dumps({"beats": n}))
elif do == "flaky":
    path = task["counter"]
    n = int(open(path).read()) + 1 if os.path.exists(path) else 1
    with open(path, "w") as f:
        f.write(str(n))
    if n < task["succeed_on"]:
        sys.stderr.write(json.dumps({"error": "Flaky.NotYet", "cause": "call %d" % n}) + "\n")
        sys.exit(1)
    print(json.dumps({"calls": n}))
elif do == "grandchild":
    p = subprocess.Popen(["sleep", "30"], stdout=sys.stdout, stderr=sys.stderr)
    with open(task["pidfile"], "w") as f:
        f.write(str(p.pid))
    print(json.dumps({"ok": True}))
    sys.stdout.flush()
    os._exit(0)
else:
    sys.stderr.write("unknown do: %r\n" % do)
    sys.exit(9)
