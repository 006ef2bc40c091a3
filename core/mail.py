"""Emails rendered from templates in the recipient's language (SPEC X3).

A message is three templates sharing a prefix: ``<prefix>_subject.txt`` (one line),
``<prefix>.txt`` and ``<prefix>.html``; the text ones extend ``emails/base.txt`` and the
HTML one ``emails/base.html``, which carry the insurer's name and the management-centre
phone. The message is rendered now and written to the outbox (``outbox``): a task sends it after the commit,
so a slow or failing mail server never holds, fails or undoes the request. Call it inside the transaction that
decides the email (it is then written, or not, with it) or after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation

from outbox.services import email_queue


def _render_text(template_name: str, context: dict[str, Any]) -> str:
    """Plain text is not HTML: without escaping, "O'Brien" stays "O'Brien" rather than "O&#x27;Brien"."""
    return Engine.get_default().get_template(template_name).render(Context(context, autoescape=False))


def send_templated_email(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any],
    language: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """Queue one message (text with an HTML alternative) rendered in ``language``; a task sends it.

    ``attachments`` are ``(filename, content, mimetype)`` triples.
    """
    context = {**context, "insurer": settings.INSURER}
    with translation.override(language):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())  # one line, no header injection
        text = _render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    email_queue(
        template=template,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
    )
