"""A tiny HTTP receiver for tests/e2e/webhooks_serve.sh (python3 stdlib).

Usage: webhook_receiver.py PORT LOGDIR
POST /ok    -> 200; /fail -> 500; /slow -> sleeps 12 s, then 200.
Each request is logged when it starts (LOGDIR/start.N.PATH) and when its
body has been read (LOGDIR/N.PATH: the headers, a blank line, the body).
"""
import http.server
import itertools
import os
import sys
import time

PORT, LOGDIR = int(sys.argv[1]), sys.argv[2]
counter = itertools.count(1)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = next(counter)
        name = self.path.strip("/").replace("/", "_") or "root"
        open(os.path.join(LOGDIR, "start.%d.%s" % (n, name)), "w").close()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(LOGDIR, "%d.%s" % (n, name)), "wb") as f:
            for k, v in self.headers.items():
                f.write(("%s: %s\n" % (k, v)).encode())
            f.write(b"\n" + body)
        if name == "slow":
            time.sleep(12)
        code = 500 if name == "fail" else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
