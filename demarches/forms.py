"""The engine's own forms around a kind's form: documents and retry key, replies, and the back office's."""

from __future__ import annotations

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import GuidedForm
from demarches import kinds
from demarches.choices import RequestStatus
from demarches.fields import TEXT_MAX_LENGTH, MultipleFileField, validate_no_markup
from demarches.models import validate_idempotency_key

FILES_HELP = _("PDF, JPEG, PNG or HEIC; up to 5 files of 10 MB each.")


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


def message_field(label, *, required: bool = True, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea({"rows": 4}),
        validators=[validate_no_markup],
        help_text=help_text,
    )


class SubmissionForm(GuidedForm, forms.Form):
    """What every request carries besides its kind's fields: supporting documents and a retry key.

    The key is drawn when the page is shown: a double click or a resent form submits the same request.
    """

    prefix = "submission"
    attachments = MultipleFileField(label=_("Supporting documents"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, validators=[validate_idempotency_key], max_length=64)

    def __init__(self, *args, kind: kinds.RequestKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("idempotency_key", new_idempotency_key())
        hint = str(kind.attachment_hint)
        self.fields["attachments"].help_text = f"{hint} {FILES_HELP}".strip()
        self.fields["attachments"].required = kind.min_attachments > 0


class ReplyForm(GuidedForm, forms.Form):
    body = message_field(_("Your message"))
    attachments = MultipleFileField(label=_("Documents (optional)"), help_text=FILES_HELP)


STATUS_FILTER_CHOICES = [("", _("All statuses")), *RequestStatus.choices]


class StatusFilterForm(GuidedForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)


# --- Back office ---------------------------------------------------------------------------------------

OPEN = "open"
QUEUE_STATUS_CHOICES = [(OPEN, _("Open (in progress or awaiting return)")), ("", _("All")), *RequestStatus.choices]
ASSIGNMENT_CHOICES = [("", _("Everyone's")), ("me", _("Assigned to me")), ("unassigned", _("Not assigned"))]


class QueueFilterForm(GuidedForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=QUEUE_STATUS_CHOICES, required=False, initial=OPEN)
    older_than = forms.IntegerField(label=_("Older than (days)"), min_value=0, max_value=3650, required=False)
    assignment = forms.ChoiceField(label=_("Assigned"), choices=ASSIGNMENT_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Complaints past their deadline"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *((k.code, k.label) for k in kinds.all_kinds())]

    def clean_status(self) -> str:
        return self.cleaned_data.get("status", "") if self.data.get("status") is not None else OPEN


class AskReturnForm(GuidedForm, forms.Form):
    comment = message_field(_("What the user must send or tell us"), help_text=_("Shown to the user and emailed."))


class ValidateForm(GuidedForm, forms.Form):
    comment = message_field(_("Answer to the user (optional)"), required=False)


class RejectForm(GuidedForm, forms.Form):
    reason = message_field(_("Reason for the refusal"), help_text=_("Shown to the user."))


class StaffMessageForm(GuidedForm, forms.Form):
    body = message_field(_("Message"))
    internal = forms.BooleanField(label=_("Internal note (not shown to the user)"), required=False)
    attachments = MultipleFileField(label=_("Documents (optional)"), help_text=FILES_HELP)


def add_service_errors(error: ValidationError, *forms_: forms.Form) -> None:
    """A service's errors on the form that has the field, else above the first form."""
    if not hasattr(error, "error_dict"):
        forms_[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms_ if field in form.fields), None)
        if target is None:
            forms_[0].add_error(None, errors)
        else:
            target.add_error(field, errors)
