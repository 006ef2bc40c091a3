"""Emails to a professional, after the commit, in the language of each login acting for it (SPEC X3)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.models import User
from core.mail import send_templated_email
from providers.models import HealthProfessional


def recipients(professional: HealthProfessional) -> list[tuple[str, str]]:
    """(email, language) of the active logins acting for ``professional``; its address on file otherwise."""
    users = User.objects.filter(
        profiles__professional=professional,
        profiles__kind=ProfileKind.PROFESSIONAL,
        profiles__is_active=True,
        is_active=True,
    ).distinct()
    found = [(user.email, user.language) for user in users if user.email]
    return found or ([(professional.email, "fr")] if professional.email else [])


def notify(professional: HealthProfessional, template: str, context: dict, *, url_name: str, public_id) -> None:
    """The email ``professionals/emails/<template>`` to ``professional``, with a link to the page it is about."""
    context = {
        "name": professional.name,
        "url": settings.PORTAL_URL + reverse(url_name, args=[public_id]),
        **context,
    }
    for email, language in recipients(professional):
        send_templated_email(
            to=[email], template=f"professionals/emails/{template}", context=context, language=language
        )
