"""The emails of a rights request, one per step, in the requester's language (SPEC G2, X3)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.mail import send_templated_email

STEPS = ("received", "in_progress", "extended", "answered", "refused", "export_ready")


def notify(request, step: str) -> None:
    """Send after the commit, to the login's address as it is now; nothing when the login has none."""
    if step not in STEPS or not request.user.email:
        return
    email, language = request.user.email, request.user.language  # the account's language now (SPEC A12)
    with translation.override(language):
        context = {
            "first_name": request.user.first_name,
            "step": step,
            "reference": request.reference,
            "kind_label": str(request.get_kind_display()),
            "due_on": request.due_on,
            "reason": request.extension_reason if step == "extended" else "",
            "url": settings.PORTAL_URL + reverse("privacy:detail", args=[request.public_id]),
        }
    send_templated_email(to=[email], template="privacy/emails/step", context=context, language=language)
