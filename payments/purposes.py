"""What can be paid by card: each domain registers a purpose (``contribution_call``…) in its AppConfig.ready().

A purpose says which objects a profile may see (so a payment is visible exactly where its object is), what to do in
the notification's transaction when a payment succeeds, and where the payer goes back to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Purpose:
    name: str
    visible_targets: Callable[[Any], Any]  # profile -> queryset of the public ids it may see
    on_success: Callable[..., None]  # (intent=…) inside the notification's transaction
    target_url: Callable[[Any], str]  # target public id -> the page of the object paid


PURPOSES: dict[str, Purpose] = {}


def register(purpose: Purpose) -> None:
    PURPOSES[purpose.name] = purpose


def get(name: str) -> Purpose:
    return PURPOSES[name]
