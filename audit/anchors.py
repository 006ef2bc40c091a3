"""The anchor file: where the chain ended, written outside the database at regular times.

Whoever controls the database could rewrite the whole chain with valid hashes, or cut its end; an anchor written
earlier, out of their reach, then no longer matches.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_ANCHOR_LINE = re.compile(r"^(\S+) ([1-9][0-9]*) ([0-9a-f]{64})$")


class UnreadableAnchorError(Exception):
    """A line of the anchor file that is not "<time> <event id> <hash>"."""

    def __init__(self, line_number: int):
        super().__init__(line_number)
        self.line_number = line_number


@dataclass(frozen=True)
class Anchor:
    """One line of the anchor file: at that time, the chain ended at that event with that hash."""

    written_at: str
    event_id: int
    hash: str

    @classmethod
    def parse(cls, line: str) -> Anchor:
        """Raises ValueError on anything but a line this module wrote."""
        match = _ANCHOR_LINE.match(line.strip())
        if match is None:
            raise ValueError(line)
        datetime.fromisoformat(match[1])
        return cls(written_at=match[1], event_id=int(match[2]), hash=match[3])

    def line(self) -> str:
        return f"{self.written_at} {self.event_id} {self.hash}\n"


def last_anchor(path: Path) -> Anchor | None:
    """The last line only: the file grows for years and need not be read to append to it."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(max(0, handle.seek(0, os.SEEK_END) - 1024))
        lines = handle.read().decode("ascii", errors="replace").splitlines()
    try:
        return Anchor.parse(lines[-1]) if lines else None
    except ValueError:
        return None


def append_private(path: Path, line: str) -> None:
    """Append and flush to disk; the file is readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def anchors_by_event(path: Path) -> dict[int, list[Anchor]]:
    """Every anchor ever written, kept per event: an older anchor is exactly what catches a rewrite."""
    anchors: dict[int, list[Anchor]] = defaultdict(list)
    if not path.exists():
        return anchors
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                anchor = Anchor.parse(line)
            except ValueError as error:
                raise UnreadableAnchorError(number) from error
            anchors[anchor.event_id].append(anchor)
    return anchors
