"""The reverse proxy of ``make prod-like`` (local trials only): one loopback port in front of several web instances.

Requests go round-robin to the backends, with what a TLS-terminating proxy adds: ``X-Forwarded-For`` (the client)
and ``X-Forwarded-Proto: https``. It terminates no TLS itself: it *says* HTTPS so that the production settings
(HTTPS redirect, secure cookies) run unchanged on ``http://localhost``, which browsers treat as a secure context.
Never use it in front of a real deployment.

    python scripts/prod_like_proxy.py --listen 127.0.0.1:8000 --backend 127.0.0.1:8001 --backend 127.0.0.1:8002
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import threading
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


def handler_for(backends: list[tuple[str, int]]) -> type[BaseHTTPRequestHandler]:
    turn = itertools.cycle(backends)
    lock = threading.Lock()

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self) -> None:
            with lock:
                host, port = next(turn)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            forwarded = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = (
                f"{forwarded}, {self.client_address[0]}" if forwarded else self.client_address[0]
            )
            headers["X-Forwarded-Proto"] = "https"
            upstream = HTTPConnection(host, port, timeout=120)
            try:
                upstream.request(self.command, self.path, body, headers)
                response = upstream.getresponse()
                content = response.read()
            except OSError:
                self.send_error(502, "Bad gateway")
                return
            finally:
                upstream.close()
            self.send_response_only(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = forward

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the access log is the instances'
            return

    return Proxy


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--listen", type=address, default=("127.0.0.1", 8000))
    parser.add_argument("--backend", type=address, action="append", required=True)
    options = parser.parse_args()
    server = ThreadingHTTPServer(options.listen, handler_for(options.backend))
    server.daemon_threads = True
    backends = ", ".join(f"{host}:{port}" for host, port in options.backend)
    print(f"proxy: http://{options.listen[0]}:{options.listen[1]} -> {backends}", flush=True)  # noqa: T201
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
