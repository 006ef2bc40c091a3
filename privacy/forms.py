"""Forms of the privacy pages: a rights request, the back office's decisions and the search filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GuidedForm
from privacy.choices import IdentityMethod, RefusalReason, RequestStatus, RightKind
from privacy.models import TEXT_MAX_LENGTH


class RightsRequestForm(GuidedForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Which right do you want to exercise?"), choices=RightKind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a rectification, say what is wrong and the correct value; for an objection or a "
            "restriction, which processing it concerns; for after your death, your instructions."
        ),
    )
    method = forms.ChoiceField(
        label=_("How do you confirm your identity?"),
        choices=IdentityMethod.choices,
        widget=forms.RadioSelect,
        initial=IdentityMethod.IBAN_DIGITS,
    )
    membership_number = forms.CharField(label=_("Membership number"), required=False, max_length=20)
    iban_last4 = forms.CharField(
        label=_("Last 4 characters of your IBAN"),
        required=False,
        max_length=4,
        min_length=4,
        help_text=_("Of the account we reimburse you on."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    identity_document = forms.FileField(
        label=_("Identity document"),
        required=False,
        help_text=_(
            "Identity card, passport or residence permit: PDF, JPEG or PNG, 5 MB at most. Stored encrypted, "
            "deleted when your request is closed."
        ),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == IdentityMethod.IBAN_DIGITS:
            if not data.get("membership_number"):
                self.add_error("membership_number", _("Enter your membership number."))
            if not data.get("iban_last4"):
                self.add_error("iban_last4", _("Enter the last 4 characters of your IBAN."))
        elif method == IdentityMethod.DOCUMENT and not data.get("identity_document"):
            self.add_error("identity_document", _("Attach an identity document."))
        if data.get("kind") in (RightKind.RECTIFICATION, RightKind.POST_MORTEM) and not data.get("details"):
            self.add_error("details", _("Tell us what to correct or your instructions."))
        return data


class AnswerForm(GuidedForm, forms.Form):
    answer = forms.CharField(
        label=_("Answer to the person"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )


class RefuseForm(GuidedForm, forms.Form):
    refusal_reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    answer = forms.CharField(
        label=_("Explanation to the person"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class ExtendForm(GuidedForm, forms.Form):
    reason = forms.CharField(
        label=_("Why more time is needed"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IdentityForm(GuidedForm, forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note to the person"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", _("Explain why the document does not confirm the identity."))
        return data


class QueueFilterForm(GuidedForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any open status")), *RequestStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Right"), required=False, choices=[("", _("Any right")), *RightKind.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    closed = forms.BooleanField(label=_("Closed requests"), required=False)


class PeriodForm(GuidedForm, forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data


class AccessLogFilterForm(PeriodForm):
    staff = forms.CharField(label=_("Staff username"), required=False, max_length=150)
    person = forms.CharField(label=_("Membership number of the person"), required=False, max_length=20)


class EvidenceFilterForm(PeriodForm):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Operation (code or its beginning)"), required=False, max_length=64)
    target_type = forms.CharField(label=_("Target type (e.g. claims.claim)"), required=False, max_length=64)
    target_id = forms.CharField(label=_("Target identifier"), required=False, max_length=64)
