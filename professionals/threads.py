"""The conversation of a professional's message (SPEC H3), one page and one reply flow for both sides of it: the
professional in its space and the insurer's request handlers in the back office. ``Side`` holds what differs.

The views find the message through their own access function first (``permissions``), then call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.services import record_access
from demarches.downloads import stored_file_response
from professionals import selectors, services
from professionals.forms import ReplyForm
from professionals.models import ContactMessage


@dataclass(frozen=True)
class Side:
    template: str
    url_name: str  # the conversation page, where a reply leads back
    from_staff: bool  # staff answer (the professional is emailed, their reading of it is recorded)
    replied: str | Promise  # the confirmation after a reply, in the reader's language


PROFESSIONAL = Side("professionals/message.html", "professionals:message", False, _("Your message is added."))
STAFF = Side(
    "professionals/backoffice/message.html",
    "professionals_backoffice:message",
    True,
    _("Your answer is sent; the professional is told by email."),
)


def page(
    request: HttpRequest, message: ContactMessage, side: Side, form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    if side.from_staff:
        record_access(actor=request.user, target=message, reason="pro_message", profile="staff")
    context = {"message": message, "replies": selectors.message_replies(message), "form": form or ReplyForm()}
    return render(request, side.template, context, status=status)


def reply(request: HttpRequest, message: ContactMessage, side: Side) -> HttpResponse:
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return page(request, message, side, form, status=400)
    body = form.cleaned_data["body"]
    services.message_reply(actor=request.user, message=message, body=body, from_staff=side.from_staff)
    messages.success(request, side.replied)
    return redirect(side.url_name, public_id=message.public_id)


def attachment_response(message: ContactMessage) -> FileResponse:
    """The message's document, only ever as a download that is neither sniffed nor cached."""
    if not message.attachment_name:
        raise Http404
    return stored_file_response(
        message.attachment_name, filename=message.attachment_original_name, content_type=message.attachment_type
    )
