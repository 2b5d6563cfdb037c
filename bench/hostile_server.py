#!/usr/bin/env python3
"""A hostile Rescale for bench/hostile.sh (loopback only).

GET /api/v2/analyses/?page=N   a page of 100 analyses whose `next` is page N+1, for ever
GET /api/v2/jobs/big/           200 announcing 2 GiB of JSON (Content-Length), then sending it
GET /api/v2/jobs/endless/       200 with a chunked JSON body that never ends

Usage: hostile_server.py PORT
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        try:
            if url.path == "/api/v2/analyses/":
                self.page(int(parse_qs(url.query).get("page", ["1"])[0]))
            elif url.path == "/api/v2/jobs/big/":
                self.stream(2 * 1024**3)
            elif url.path == "/api/v2/jobs/endless/":
                self.stream(None)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def page(self, n):
        host = self.headers.get("Host")
        results = [
            {"code": f"a{n}-{i}", "name": f"Analysis {n}-{i}", "versions": [{"versionCode": "1", "version": "1.0"}]}
            for i in range(100)
        ]
        body = json.dumps({
            "count": 10**12,
            "next": f"http://{host}/api/v2/analyses/?page={n + 1}&page_size=100",
            "previous": None,
            "results": results,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stream(self, length):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        chunk = b'{"id": "' + b"x" * (1024 * 1024 - 8)
        sent = 0
        while length is None or sent < length:
            if length is None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                self.wfile.write(chunk[: length - sent])
            sent += len(chunk)
            chunk = b"x" * (1024 * 1024)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
