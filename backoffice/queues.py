"""The work queues of the back office and the roles that open them (the home page lists them).

A queue is listed when its pages exist, so the home page never links to nothing: the
account queues here, and each domain's in ``BACKOFFICE_QUEUES`` of its ``<app>/menu.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from accounts.permissions import has_role
from backoffice.permissions import ACCOUNT_ROLES
from registration.selectors import closure_queue, letter_queue, registration_queue


@dataclass(frozen=True)
class Queue:
    label: Promise
    url_name: str
    roles: tuple
    pending: Callable[[], int] | None = None


QUEUES = [
    Queue(
        _("Registrations to validate"),
        "backoffice:registration_queue",
        ACCOUNT_ROLES,
        lambda: registration_queue().count(),
    ),
    Queue(
        _("Activation letters to post"),
        "backoffice:letter_queue",
        ACCOUNT_ROLES,
        lambda: letter_queue().count(),
    ),
    Queue(
        _("Account suspension and deletion requests"),
        "backoffice:closure_queue",
        ACCOUNT_ROLES,
        lambda: closure_queue().count(),
    ),
    Queue(_("Find a user account"), "backoffice:user_search", ACCOUNT_ROLES),
]


@dataclass(frozen=True)
class QueueLink:
    label: Promise
    url: str
    pending: int | None


def queues_for(profile: Profile | None) -> list[QueueLink]:
    """The queues this staff profile's roles open, with how many items wait in each."""
    return [
        QueueLink(queue.label, reverse(queue.url_name), queue.pending() if queue.pending else None)
        for queue in all_queues()
        if has_role(profile, *queue.roles)
    ]


def all_queues() -> list[Queue]:
    """The account queues, then those each domain app declares in its menu module."""
    from core.menu import app_menus

    queues = list(QUEUES)
    for module in app_menus():
        queues.extend(getattr(module, "BACKOFFICE_QUEUES", []))
    return queues
