"""What a space's home puts first: the things waiting for the profile's action and a few figures (issue 14).

Each app builds them in its selectors (``home_summary(profile)``) and declares the home in its ``menu.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

RECENT_DAYS = 90  # a refusal or a request older than this no longer waits on a home


def recent_since():
    return timezone.now() - timedelta(days=RECENT_DAYS)


@dataclass(frozen=True)
class Awaited:
    """Something the insurer waits for from the profile, with where to do it."""

    kind: str
    text: str
    url: str


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str = ""


@dataclass(frozen=True)
class SpaceHome:
    """The home of a company, an agent or a professional: their actions first, then figures."""

    awaited: list[Awaited] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
