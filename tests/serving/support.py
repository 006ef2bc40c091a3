"""What the serving tests share: reading a child's output, waiting for a condition, plain HTTP requests."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable


class Output:
    """Collects the lines a child process prints, read in a thread so that the child never blocks on its pipe."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wait_for(condition: Callable[[], object], timeout: float, what: str, output: Output | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s" + (f":\n{output.text}" if output else ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


_opener = urllib.request.build_opener(_NoRedirect)


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """(status, body) of one request, redirects not followed; (0, b"") while nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - a local test URL
    try:
        with _opener.open(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


GUNICORN = "gunicorn -c gunicorn.conf.py openmutuelle.wsgi"  # the README's production command


class Server:
    """The production server (gunicorn, the repository's config) started in a child process on one port."""

    def __init__(self, env: dict[str, str], port: int, cwd) -> None:
        import subprocess
        from pathlib import Path

        from core.tests.processes import BIN

        self.port = port
        executable, *arguments = GUNICORN.split()
        self.process = subprocess.Popen(
            [str(Path(BIN) / executable), *arguments],
            cwd=cwd,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = Output(self.process.stdout)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, headers: dict[str, str], timeout: float = 90) -> None:
        wait_for(lambda: http_get(self.url("/healthz"), headers)[0] == 200, timeout, "gunicorn", self.output)

    def stop(self) -> int:
        """Graceful stop (SIGTERM); the exit code."""
        import signal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40)


class Browser:
    """A client that keeps cookies across servers of one site (cookies ignore the port), follows no redirect and
    sends what a reverse proxy terminating TLS would (``headers``): the portal's host, ``X-Forwarded-Proto``."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = dict(headers)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, data: dict[str, str] | None = None, json_body=None):
        """(status, headers, body)."""
        import json
        from http.client import HTTPConnection
        from urllib.parse import urlencode, urlsplit

        parts = urlsplit(url)
        headers = {**self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body, headers["Content-Type"] = urlencode(data), "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body), "application/json"
        connection = HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, response.headers, content
