"""Emails to a request's author (SPEC X3), in the author's language, sent once the transaction commits.

They name the request and its new status and link to it, but never repeat what the request or the
messages say: an email is not a confidential channel, the portal is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from core.mail import send_templated_email
from demarches.choices import RequestStatus
from demarches.models import Request

DEFAULT_MEDIATOR = {
    "name": "La Médiation de l'Assurance",
    "address": "TSA 50110, 75441 Paris Cedex 09",
    "url": "https://www.mediation-assurance.org",
}


def mediator() -> dict[str, str]:
    """Who complainants may turn to after our answer (DOMAIN: then tell the user about the mediator)."""
    return getattr(settings, "INSURANCE_MEDIATOR", DEFAULT_MEDIATOR)


def _context(request: Request) -> dict[str, Any]:
    author = request.author
    return {
        "first_name": author.first_name,
        "reference": request.reference,
        "kind_label": request.kind_label,
        "status": request.status,
        "status_label": RequestStatus(request.status).label,
        "is_complaint": request.is_complaint,
        "is_final": request.is_final,
        "acknowledge_by": request.acknowledge_by,
        "answer_by": request.answer_by,
        "mediator": mediator(),
        "url": settings.PORTAL_URL + reverse("demarches:detail", args=[request.public_id]),
    }


def _schedule(request: Request, template: str, **extra: Any) -> None:
    author = request.author
    if not author.email:
        return
    send_templated_email(
        to=[author.email],
        template=f"demarches/emails/{template}",
        context={**_context(request), **extra},
        language=author.language,
    )


def notify_submitted(request: Request) -> None:
    _schedule(request, "submitted")


def notify_status_changed(request: Request) -> None:
    _schedule(request, "status_changed")


def notify_message(request: Request) -> None:
    _schedule(request, "message")
