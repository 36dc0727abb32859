#!/usr/bin/env python3
"""server.py — the HTTP endpoint tests/tasks/run.sh binds Tasks to.

Listens on 127.0.0.1 on a free port, writes the port number to PORT_FILE, and serves until
killed.  Every path answers a POST (or any method, for /api):

  /echo          200, {"got": <the request body as JSON>}
  /500           500, "boom"
  /notjson       200, "this is not JSON"
  /slow          sleeps 5 s, then 200 {}
  /lambda-error  200, a Lambda error object and X-Amz-Function-Error: Unhandled (as the Lambda
                 Runtime Interface Emulator reports a function error)
  /flaky         500 on the first two requests, then 200 {"attempts": 3}
  /api           200 (404 when the query has status=404), {"method", "query", "header", "body"}:
                 what the built-in arn:aws:states:::http:invoke sent

Usage: server.py PORT_FILE
"""

import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

flaky_count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a Task that timed out)

    def handle_any(self):
        global flaky_count
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        url = urllib.parse.urlparse(self.path)
        if url.path == "/echo":
            self.reply(200, {"got": json.loads(raw)})
        elif url.path == "/500":
            self.reply(500, "boom")
        elif url.path == "/notjson":
            self.reply(200, "this is not JSON")
        elif url.path == "/slow":
            time.sleep(5)
            self.reply(200, {})
        elif url.path == "/lambda-error":
            self.reply(200, {"errorMessage": "quantity must be positive", "errorType": "ValueError",
                             "requestId": "r-1", "stackTrace": []},
                       [("X-Amz-Function-Error", "Unhandled")])
        elif url.path == "/flaky":
            with lock:
                flaky_count += 1
                n = flaky_count
            if n <= 2:
                self.reply(500, "not yet")
            else:
                self.reply(200, {"attempts": n})
        elif url.path == "/api":
            query = dict(urllib.parse.parse_qsl(url.query))
            body = json.loads(raw) if raw else None
            self.reply(404 if query.get("status") == "404" else 200,
                       {"method": self.command, "query": query,
                        "header": self.headers.get("X-Test"), "body": body})
        else:
            self.reply(404, "no such path")

    do_POST = do_GET = do_PUT = do_DELETE = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
