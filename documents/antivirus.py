"""The virus-scan hook every upload goes through before it is parsed or stored (SECURITY: uploads).

``ANTIVIRUS`` names the scanner:

- ``clamd``: ClamAV's daemon (Debian's ``clamav-daemon``), reached at ``CLAMD_ADDRESS`` — ``unix:///path/to/socket``
  or ``tcp://host:port`` — with its ``INSTREAM`` command: the bytes are sent in chunks, nothing is written to disk.
- ``none``: no scan; only ever when configured so (production refuses to start without a choice).

A scanner that cannot answer (daemon down, timeout, an ``ERROR`` reply) raises ``ScannerUnavailable``: the upload is
refused ("try again later") — never accepted unscanned.
"""

from __future__ import annotations

import socket
import struct
from typing import IO, Protocol
from urllib.parse import urlsplit

from django.conf import settings

CHUNK = 64 * 1024
DEFAULT_ADDRESS = "unix:///var/run/clamav/clamd.ctl"


class Infected(Exception):
    """The scanner found malware; ``signature`` is the name it reported."""

    def __init__(self, signature: str) -> None:
        super().__init__(signature)
        self.signature = signature


class ScannerUnavailable(Exception):
    """The scanner could not give an answer: the file must not be accepted."""


class Scanner(Protocol):
    def scan(self, stream: IO[bytes]) -> None:
        """Return if the stream (read from its start) is clean; raise ``Infected`` or ``ScannerUnavailable``."""


class NoScanner:
    """``ANTIVIRUS=none``: accepts everything (explicitly configured only)."""

    def scan(self, stream: IO[bytes]) -> None:
        return None


class ClamdScanner:
    """A minimal clamd client: ``zINSTREAM``, length-prefixed chunks, a zero-length end, one reply line."""

    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address, self.timeout = address, timeout

    def _connect(self) -> socket.socket:
        parts = urlsplit(self.address)
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: object = parts.path
        elif parts.scheme == "tcp":
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (parts.hostname or "127.0.0.1", parts.port or 3310)
        else:
            raise ScannerUnavailable(f"CLAMD_ADDRESS must be unix:///path or tcp://host:port, not {self.address!r}")
        sock.settimeout(self.timeout)
        try:
            sock.connect(target)
        except OSError as error:
            sock.close()
            raise ScannerUnavailable(f"clamd unreachable at {self.address}: {error}") from error
        return sock

    def scan(self, stream: IO[bytes]) -> None:
        stream.seek(0)
        sock = self._connect()
        try:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
        except OSError as error:
            raise ScannerUnavailable(f"clamd did not answer: {error}") from error
        finally:
            sock.close()
            stream.seek(0)
        _verdict(reply.rstrip(b"\0").decode("utf-8", "replace").strip())

    def ping(self) -> bool:
        try:
            sock = self._connect()
        except ScannerUnavailable:
            return False
        try:
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
        except OSError:
            return False
        finally:
            sock.close()


def _verdict(reply: str) -> None:
    """``stream: OK`` | ``stream: <name> FOUND`` | ``... ERROR`` (size limit exceeded, …)."""
    _, _, result = reply.partition(": ")
    if result == "OK":
        return
    if result.endswith(" FOUND"):
        raise Infected(result.removesuffix(" FOUND"))
    raise ScannerUnavailable(f"clamd answered {reply!r}")


def scanner() -> Scanner:
    """The configured scanner (read at call time: tests and deployments change the settings)."""
    choice = getattr(settings, "ANTIVIRUS", "")
    if choice == "clamd":
        return ClamdScanner(
            getattr(settings, "CLAMD_ADDRESS", "") or DEFAULT_ADDRESS, getattr(settings, "CLAMD_TIMEOUT", 30.0)
        )
    if choice == "none":
        return NoScanner()
    raise ScannerUnavailable(f"ANTIVIRUS must be clamd or none, not {choice!r}")


def scan(stream: IO[bytes]) -> None:
    scanner().scan(stream)
