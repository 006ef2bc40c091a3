"""The kinds of request every profile has (SPEC M5, reused by E5): staff answer them by hand (no applier).

Typed changes that update records (an address, a beneficiary…) are registered by the domains that own
those records, through ``demarches.kinds``.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.choices import ProfileKind
from contracts.models import Contract
from contracts.selectors import contract_list
from core.forms import GuidedForm
from demarches.fields import ScopedRecordField, text_field
from demarches.kinds import RequestKind, register
from people.models import Person
from people.selectors import person_list

INFORMATION = "information"
COVERAGE_CHANGE = "coverage_change"
SITUATION_UPDATE = "situation_update"
COMPLAINT = "complaint"
OTHER = "other"
PROFILES = (ProfileKind.MEMBER.value, ProfileKind.COMPANY.value, ProfileKind.AGENT.value)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _contract_label(contract: Contract) -> str:
    return f"{contract.number} — {contract.product.name}"


def _person_label(person: Person) -> str:
    return f"{person.full_name} ({person.membership_number})" if person.membership_number else person.full_name


def contract_field(*, required: bool = False, label=None) -> ScopedRecordField:
    return ScopedRecordField(
        model=Contract,
        number_field="number",
        scope=contract_list,
        label_of=_contract_label,
        required=required,
        label=label or _("Contract concerned"),
    )


def person_field(*, required: bool = False, label=None) -> ScopedRecordField:
    return ScopedRecordField(
        model=Person,
        number_field="membership_number",
        scope=person_list,
        label_of=_person_label,
        required=required,
        label=label or _("Person concerned"),
    )


class KindForm(GuidedForm, forms.Form):
    """Base of the engine's forms: record fields are scoped to the acting profile."""

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.prepare(profile)
        for field in self.fields.values():
            if isinstance(field, ScopedRecordField):
                field.bind_profile(profile)

    def prepare(self, profile) -> None:
        """Adjust fields to the profile before record lists are read."""


class InformationForm(KindForm):
    topic = text_field(_("Topic"), long=False)
    question = text_field(_("Your question"))
    contract = contract_field()


class CoverageChange(models.TextChoices):
    INCREASE = "increase", _("A higher level of cover")
    DECREASE = "decrease", _("A lower level of cover")
    ADD_OPTION = "add_option", _("Add an option")
    REMOVE_OPTION = "remove_option", _("Remove an option")
    OTHER = "other", _("Another change")


class CoverageChangeForm(KindForm):
    contract = contract_field(required=True)
    change = forms.ChoiceField(label=_("Change wished"), choices=CoverageChange.choices)
    wished_date = forms.DateField(label=_("From (wished date)"), required=False, widget=DATE_INPUT)
    details = text_field(_("Details"), help_text=_("Which level or option, and why."))

    def clean_wished_date(self):
        wished = self.cleaned_data.get("wished_date")
        if wished and wished < timezone.localdate():
            raise forms.ValidationError(_("A change cannot take effect in the past."), code="past")
        return wished


class SituationChange(models.TextChoices):
    MARRIAGE = "marriage_pacs", _("Marriage or civil partnership (PACS)")
    BIRTH = "birth", _("Birth or adoption")
    MOVE = "move", _("Move (new address)")
    EXPATRIATION = "expatriation_country", _("New country of expatriation")


DOCUMENT_REQUIRED = {SituationChange.MARRIAGE, SituationChange.BIRTH}


class SituationUpdateForm(KindForm):
    change = forms.ChoiceField(label=_("What changes"), choices=SituationChange.choices)
    person = person_field()
    event_date = forms.DateField(label=_("Date of the event"), widget=DATE_INPUT)
    country = forms.ChoiceField(
        label=_("New country of expatriation"), choices=[("", "---------"), *countries], required=False
    )
    details = text_field(
        _("Details"),
        help_text=_("For a move, your new address; for a birth, the child's names and date of birth."),
    )

    def prepare(self, profile) -> None:
        if profile is not None and profile.kind != ProfileKind.MEMBER:
            self.fields["person"].required = True
            self.fields["person"].label = _("Employee concerned")

    def clean_event_date(self):
        when = self.cleaned_data.get("event_date")
        today = timezone.localdate()
        if when and not (today - timedelta(days=366 * 5) <= when <= today + timedelta(days=366)):
            raise forms.ValidationError(_("Give a date within the last five years or the next year."), code="range")
        return when

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("change") == SituationChange.EXPATRIATION and not cleaned.get("country"):
            self.add_error("country", forms.ValidationError(_("Choose the new country."), code="required"))
        when = cleaned.get("event_date")
        if cleaned.get("change") == SituationChange.BIRTH and when and when > timezone.localdate():
            self.add_error("event_date", forms.ValidationError(_("A birth cannot be in the future."), code="future"))
        return cleaned

    def required_attachments(self) -> int:
        return 1 if self.cleaned_data.get("change") in DOCUMENT_REQUIRED else 0


class ComplaintForm(KindForm):
    subject = text_field(_("Subject of your complaint"), long=False)
    facts = text_field(_("What happened"), help_text=_("The facts, with their dates and the people you dealt with."))
    expectation = text_field(_("What you expect from us"))
    contract = contract_field()


class OtherForm(KindForm):
    subject = text_field(_("Subject"), long=False)
    message = text_field(_("Your request"))
    contract = contract_field()


GENERIC_KINDS = (
    RequestKind(
        code=INFORMATION,
        label=_("Request for information"),
        form=InformationForm,
        profiles=PROFILES,
        description=_("A question about your cover, your contributions or our services."),
        attachment_hint=_("Optional: any document that helps us answer."),
        order=10,
    ),
    RequestKind(
        code=COVERAGE_CHANGE,
        label=_("Coverage change"),
        form=CoverageChangeForm,
        profiles=PROFILES,
        description=_("Change the level of cover or the options of a contract."),
        attachment_hint=_("Optional: any document supporting your request."),
        order=20,
    ),
    RequestKind(
        code=SITUATION_UPDATE,
        label=_("Situation update"),
        form=SituationUpdateForm,
        profiles=PROFILES,
        description=_("Marriage or PACS, birth, move, new country of expatriation."),
        attachment_hint=_(
            "Marriage or PACS: the certificate. Birth: the birth certificate or the family record book. "
            "Move or expatriation: a proof of address if you have one."
        ),
        order=30,
    ),
    RequestKind(
        code=COMPLAINT,
        label=_("Complaint"),
        form=ComplaintForm,
        profiles=PROFILES,
        description=_(
            "We acknowledge your complaint within 10 working days and answer within 2 months at most. "
            "If our answer does not satisfy you, you may then refer the matter to the insurance mediator."
        ),
        attachment_hint=_("Optional: letters, statements or any document supporting your complaint."),
        order=80,
    ),
    RequestKind(
        code=OTHER,
        label=_("Other request"),
        form=OtherForm,
        profiles=PROFILES,
        description=_("Anything the other forms do not cover."),
        order=90,
    ),
)


def register_all() -> None:
    for kind in GENERIC_KINDS:
        register(kind)
