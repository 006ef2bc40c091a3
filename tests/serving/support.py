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
