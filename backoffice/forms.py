"""Back-office forms: decisions on registrations and closure requests, actions on logins."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import STAFF_REASONS
from core.forms import GuidedForm
from registration.models import RegistrationRequest
from registration.selectors import Candidate, record_for_staff

OTHER = "other"


class UserSearchForm(GuidedForm, forms.Form):
    q = forms.CharField(
        label=_("Username, email or membership number"),
        max_length=254,
        required=False,
        widget=forms.TextInput({"type": "search"}),
    )


class RegistrationValidateForm(GuidedForm, forms.Form):
    """Staff pick the record the login will act for: a candidate, or another one by its number."""

    record = forms.ChoiceField(label=_("Record to attach"), widget=forms.RadioSelect)
    other_number = forms.CharField(
        label=_("Other record: its membership number (or RPPS/ADELI/FINESS)"), max_length=20, required=False
    )

    def __init__(self, *args, registration: RegistrationRequest, candidates: list[Candidate], **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        free = [candidate for candidate in candidates if not candidate.has_account]
        self.by_id = {str(candidate.record.public_id): candidate.record for candidate in free}
        choices = [(str(candidate.record.public_id), candidate.label) for candidate in free]
        self.fields["record"].choices = [*choices, (OTHER, _("Another record (give its number below)"))]
        if len(choices) == 1:
            self.fields["record"].initial = choices[0][0]

    def clean(self) -> dict:
        cleaned = super().clean()
        choice = cleaned.get("record")
        if choice == OTHER:
            target = record_for_staff(kind=self.registration.kind, number=cleaned.get("other_number", ""))
            if target is None:
                self.add_error("other_number", _("No record of this kind has this number."))
            cleaned["target"] = target
        elif choice:
            cleaned["target"] = self.by_id[choice]
        return cleaned


class RefuseForm(GuidedForm, forms.Form):
    reason = forms.CharField(
        label=_("Message to the applicant"),
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Sent by email: say what was missing or did not match, and what to do next."),
    )


class DeactivateForm(GuidedForm, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[(r.value, r.label) for r in STAFF_REASONS])
    note = forms.CharField(
        label=_("Internal note (optional)"), max_length=1000, required=False, widget=forms.Textarea({"rows": 2})
    )


class DeleteForm(GuidedForm, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[(r.value, r.label) for r in STAFF_REASONS])
    confirm = forms.BooleanField(
        label=_("I understand that the login is anonymised for good (its audit trail is kept)."), required=True
    )


class ClosureRefuseForm(GuidedForm, forms.Form):
    note = forms.CharField(label=_("Answer to the user"), max_length=1000, widget=forms.Textarea({"rows": 3}))


def first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else str(error)
