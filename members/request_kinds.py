"""The member-space changes the insurer validates: request kinds for the request engine (``demarches``).

Each kind has a form for its own fields (its cleaned data, as JSON, is the request's
payload) and an applier the engine calls inside the validating transaction with the staff
login as actor. Appliers re-check what the member's page checked — the records may have
changed since — and raise ``ValidationError`` to refuse; each runs in a savepoint so a
refusal leaves nothing behind, whatever the engine does next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Profile
from contracts.choices import AffiliationRole, ProductLine
from contracts.models import Affiliation, Contract
from contracts.services import affiliation_add_dependant, affiliation_end
from core import crypto
from core.forms import GuidedForm
from core.identifiers import mask_iban, normalise_iban
from demarches.fields import ScopedRecordField, validate_no_markup
from demarches.kinds import RequestKind, register
from members import selectors, services
from members.choices import ADDABLE_ROLES, ClauseType, RemovalReason
from members.forms import (
    add_errors,
    country_field,
    date_field,
    name_field,
    not_before_1900,
    not_in_future,
    plain_text,
    text_field,
)
from people.choices import Civility
from people.models import Person
from people.services import person_create, reference_salary_set

MEMBER = ("member",)
SEALED_PREFIX = "sealed:"


# --- Sealed IBAN: the request payload is JSON in the database, the IBAN must stay encrypted (SPEC X2) ---------


def seal_iban(iban: str) -> str:
    return SEALED_PREFIX + crypto.encrypt(iban.encode()).decode()


def unseal_iban(value: str) -> str:
    """The IBAN a sealed value holds; a field error for anything else."""
    try:
        if not value.startswith(SEALED_PREFIX):
            raise crypto.InvalidToken
        return normalise_iban(crypto.decrypt(value.removeprefix(SEALED_PREFIX).encode()).decode())
    except (crypto.InvalidToken, ValidationError) as exc:
        raise ValidationError({"iban": _("This IBAN is not valid.")}) from exc


# --- Forms of the kinds ------------------------------------------------------------------------------------


class CivilStatusChangeForm(GuidedForm, forms.Form):
    civility = forms.ChoiceField(
        label=pgettext_lazy("civility", "Title"), choices=[("", "—"), *Civility.choices], required=False
    )
    last_name = name_field(_("Surname"))
    birth_name = name_field(_("Birth name"), required=False)
    first_name = name_field(_("First name"))
    birth_date = date_field(_("Date of birth"), validators=[not_in_future, not_before_1900])
    nationality = country_field(_("Nationality"))


class IbanChangeForm(GuidedForm, forms.Form):
    """The IBAN is kept sealed in the payload; a sealed value validates again unchanged."""

    holder_name = text_field(_("Account holder"), 160)
    iban = forms.CharField(label=_("IBAN"), max_length=1000)
    iban_masked = forms.CharField(required=False, widget=forms.HiddenInput)
    bic = forms.CharField(label=_("BIC (optional)"), max_length=11, required=False, validators=[plain_text])

    def clean_iban(self) -> str:
        value = self.cleaned_data["iban"].strip()
        if value.startswith(SEALED_PREFIX):
            unseal_iban(value)
            return value
        if len(value) > 42:
            raise ValidationError(_("This IBAN is not valid."), code="invalid")
        return seal_iban(normalise_iban(value))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("iban"):
            cleaned["iban_masked"] = mask_iban(unseal_iban(cleaned["iban"]))
        return cleaned


class ReferenceSalaryChangeForm(GuidedForm, forms.Form):
    amount = forms.DecimalField(
        label=_("Annual gross salary (EUR)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("9999999999.99"),
    )
    effective_date = date_field(_("From"), validators=[not_before_1900])


def _subscriber_contracts(*, actor: Profile | None) -> QuerySet[Contract]:
    return Contract.objects.filter(pk__in=selectors.subscriber_affiliations(actor=actor).values("contract_id"))


def _contract_label(contract: Contract) -> str:
    return f"{contract.number} — {contract.product.name}"


def _dependant_label(affiliation: Affiliation) -> str:
    return f"{affiliation.person.full_name} ({affiliation.get_role_display()}, {affiliation.contract.number})"


class ProfileScopedForm(GuidedForm, forms.Form):
    """A kind form whose record fields offer only what the acting profile may name (none without one)."""

    def __init__(self, *args: Any, profile: Profile | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.profile = profile
        for field in self.fields.values():
            if isinstance(field, ScopedRecordField):
                field.bind_profile(profile)


class BeneficiaryAddForm(ProfileScopedForm):
    contract = ScopedRecordField(
        label=_("Contract"),
        model=Contract,
        number_field="number",
        scope=_subscriber_contracts,
        label_of=_contract_label,
    )
    last_name = name_field(_("Surname"))
    first_name = name_field(_("First name"))
    birth_date = date_field(_("Date of birth"), validators=[not_in_future, not_before_1900])
    role = forms.ChoiceField(
        label=_("Relationship"), choices=[(role, AffiliationRole(role).label) for role in ADDABLE_ROLES]
    )
    start_date = date_field(_("Covered from"), validators=[not_before_1900])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        birth, start = cleaned["birth_date"], cleaned["start_date"]
        if start < birth:
            self.add_error("start_date", _("Cover cannot start before the date of birth."))
        principal = selectors.subscriber_affiliations(actor=self.profile).filter(contract=cleaned["contract"]).first()
        if principal is None:
            return cleaned
        if not principal.is_open(start):
            message = _("Your own cover on this contract starts on %(date)s.")
            self.add_error("start_date", message % {"date": principal.start_date.isoformat()})
        if cleaned["role"] == AffiliationRole.CHILD and birth <= principal.person.birth_date:
            self.add_error("birth_date", _("A child must be born after the subscriber."))
        return cleaned


class BeneficiaryRemoveForm(ProfileScopedForm):
    affiliation = ScopedRecordField(
        label=_("Person covered"),
        model=Affiliation,
        number_field="public_id",
        scope=selectors.removable_dependants,
        label_of=_dependant_label,
    )
    end_date = date_field(_("Last day of cover"), validators=[not_before_1900])
    reason = forms.ChoiceField(label=_("Reason"), choices=RemovalReason.choices)
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
        validators=[validate_no_markup],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        affiliation, end_date = cleaned.get("affiliation"), cleaned.get("end_date")
        if affiliation is not None and end_date is not None and end_date < affiliation.start_date:
            self.add_error(
                "end_date", _("The cover started on %(date)s.") % {"date": affiliation.start_date.isoformat()}
            )
        return cleaned


class DeathBeneficiaryForm(ProfileScopedForm):
    contract = ScopedRecordField(
        label=_("Welfare contract"),
        model=Contract,
        number_field="number",
        scope=selectors.welfare_contracts,
        label_of=_contract_label,
    )
    clause_type = forms.ChoiceField(label=_("Clause"), choices=ClauseType.choices, widget=forms.RadioSelect)
    beneficiaries = forms.JSONField(label=_("Named beneficiaries"), required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "clause_type" in cleaned and "beneficiaries" not in self.errors:
            try:
                cleaned["beneficiaries"] = services.beneficiaries_clean(
                    cleaned["clause_type"], cleaned.get("beneficiaries") or []
                )
            except ValidationError as exc:
                add_errors(self, exc)
        return cleaned


# --- Appliers ----------------------------------------------------------------------------------------------


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _in_savepoint(apply: Callable[..., None]) -> Callable[..., None]:
    @wraps(apply)
    def wrapped(*, request: Any, actor: Any) -> None:
        if request.subject_person is None:
            raise _refuse(_("This request names no insured person."), "no_subject")
        with transaction.atomic():
            apply(request=request, actor=actor)

    return wrapped


def payload_date(payload: dict, name: str) -> date:
    """A date field of a request's payload (stored as ISO text); a clear error on the field otherwise."""
    try:
        return date.fromisoformat(str(payload[name]))
    except (KeyError, ValueError) as exc:
        raise ValidationError({name: _("Enter a valid date.")}) from exc


@_in_savepoint
def apply_civil_status(*, request: Any, actor: Any) -> None:
    values = {name: request.payload.get(name, "") for name in services.CIVIL_STATUS_FIELDS if name in request.payload}
    values["birth_date"] = payload_date(request.payload, "birth_date")
    services.person_civil_status_update(actor=actor, person=request.subject_person, values=values)


@_in_savepoint
def apply_iban_change(*, request: Any, actor: Any) -> None:
    payload = request.payload
    services.bank_account_replace(
        actor=actor,
        person=request.subject_person,
        iban=unseal_iban(str(payload.get("iban", ""))),
        holder_name=str(payload.get("holder_name", "")),
        bic=str(payload.get("bic") or ""),
    )


@_in_savepoint
def apply_reference_salary(*, request: Any, actor: Any) -> None:
    person = request.subject_person
    if not person.affiliations.filter(contract__product__line=ProductLine.WELFARE).exists():
        raise _refuse(_("This person has no welfare contract: a reference salary does not apply."), "not_welfare")
    reference_salary_set(
        actor=actor,
        person=person,
        amount=Decimal(str(request.payload.get("amount"))),
        effective_date=payload_date(request.payload, "effective_date"),
    )


def _principal(person: Person, contract: Any, on: date) -> Affiliation:
    if contract is None:
        raise _refuse(_("This request names no contract."), "no_contract")
    principal = (
        contract.affiliations.filter(person=person, role=AffiliationRole.SUBSCRIBER, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("person", "contract")
        .first()
    )
    if principal is None:
        raise ValidationError({"start_date": _("The member is not the subscriber of this contract on that date.")})
    return principal


def _family_member(principal: Affiliation, payload: dict, birth_date: date) -> Person | None:
    """A dependant the subscriber already covers elsewhere (a child on both health and welfare): one person."""
    return Person.objects.filter(
        affiliations__principal__person_id=principal.person_id,
        last_name__iexact=str(payload["last_name"]).strip(),
        first_name__iexact=str(payload["first_name"]).strip(),
        birth_date=birth_date,
    ).first()


@_in_savepoint
def apply_beneficiary_add(*, request: Any, actor: Any) -> None:
    payload = request.payload
    start_date, birth_date = payload_date(payload, "start_date"), payload_date(payload, "birth_date")
    principal = _principal(request.subject_person, request.subject_contract, start_date)
    dependant = _family_member(principal, payload, birth_date) or person_create(
        actor=actor,
        last_name=str(payload["last_name"]).strip(),
        first_name=str(payload["first_name"]).strip(),
        birth_date=birth_date,
        nationality=request.subject_person.nationality.code or "FR",
        country_of_residence=request.subject_person.country_of_residence.code or "FR",
    )
    affiliation_add_dependant(
        actor=actor, principal=principal, person=dependant, role=str(payload["role"]), start_date=start_date
    )


@_in_savepoint
def apply_beneficiary_remove(*, request: Any, actor: Any) -> None:
    payload = request.payload
    try:
        public_id = UUID(str(payload.get("affiliation")))
    except ValueError as exc:
        raise ValidationError({"affiliation": _("Unknown cover.")}) from exc
    affiliation = (
        Affiliation.objects.filter(public_id=public_id, principal__person=request.subject_person)
        .select_related("principal", "contract")
        .first()
    )
    if affiliation is None:
        raise ValidationError({"affiliation": _("This person is not covered under this member.")})
    end_date = payload_date(payload, "end_date")
    if affiliation.end_date is not None and affiliation.end_date <= end_date:
        raise ValidationError(
            {"end_date": _("This cover already ends on %(date)s.") % {"date": affiliation.end_date.isoformat()}}
        )
    affiliation_end(actor=actor, affiliation=affiliation, end_date=end_date)


@_in_savepoint
def apply_death_beneficiary(*, request: Any, actor: Any) -> None:
    if request.subject_contract is None:
        raise _refuse(_("This request names no contract."), "no_contract")
    created_at = getattr(request, "submitted_at", None) or getattr(request, "created_at", None)
    services.designation_record(
        actor=actor,
        person=request.subject_person,
        contract=request.subject_contract,
        clause_type=str(request.payload.get("clause_type", "")),
        beneficiaries=request.payload.get("beneficiaries") or [],
        effective_date=timezone.localdate(created_at) if created_at else timezone.localdate(),
        source_request=getattr(request, "public_id", None),
    )


# --- Registration ------------------------------------------------------------------------------------------

KINDS = [
    RequestKind(
        code="civil_status_change",
        start_url_name="members:civil_status_request",
        label=_("Change of civil status"),
        form=CivilStatusChangeForm,
        profiles=MEMBER,
        min_attachments=1,
        attachment_hint=_("An identity document and the record behind the change (marriage certificate, decision…)."),
        apply=apply_civil_status,
        description=_("Title, names, date of birth or nationality recorded by the insurer."),
        order=20,
    ),
    RequestKind(
        code="iban_change",
        start_url_name="members:bank_account",
        label=_("Change of bank account"),
        form=IbanChangeForm,
        profiles=MEMBER,
        min_attachments=1,
        attachment_hint=_("A bank account statement (RIB) in your name."),
        apply=apply_iban_change,
        description=_("The account your benefits are paid to, for members covered through their employer."),
        order=30,
    ),
    RequestKind(
        code="reference_salary_change",
        start_url_name="members:reference_salary_request",
        label=_("Change of reference salary"),
        form=ReferenceSalaryChangeForm,
        profiles=MEMBER,
        min_attachments=1,
        attachment_hint=_("A recent payslip or your employment contract amendment."),
        apply=apply_reference_salary,
        description=_("The salary your welfare benefits are computed from."),
        order=40,
    ),
    RequestKind(
        code="beneficiary_add",
        start_url_name="members:beneficiary_add",
        label=_("Add a beneficiary"),
        form=BeneficiaryAddForm,
        profiles=MEMBER,
        min_attachments=1,
        attachment_hint=_(
            "For a spouse or partner: the marriage or PACS certificate; for a child: the birth certificate or the "
            "family record book (livret de famille)."
        ),
        apply=apply_beneficiary_add,
        description=_("Cover your spouse, partner or child under your contract."),
        order=50,
    ),
    RequestKind(
        code="beneficiary_remove",
        start_url_name="members:beneficiaries",
        label=_("Remove a beneficiary"),
        form=BeneficiaryRemoveForm,
        profiles=MEMBER,
        attachment_hint=_("If you have one: the document behind the change (divorce decision, other cover…)."),
        apply=apply_beneficiary_remove,
        description=_("End the cover of a person covered under your contract."),
        order=55,
    ),
    RequestKind(
        code="death_beneficiary",
        start_url_name="members:beneficiaries",
        label=_("Death-benefit beneficiary designation"),
        form=DeathBeneficiaryForm,
        profiles=MEMBER,
        min_attachments=1,
        attachment_hint=_("Your designation, dated and signed."),
        apply=apply_death_beneficiary,
        description=_("Who receives the death benefit of your welfare contract."),
        order=60,
    ),
]


def register_all() -> None:
    for kind in KINDS:
        register(kind)
