"""The company and agent requests the insurer validates (SPEC E1, E3, E4, E5): kinds for the request engine.

Change of guarantee, information and "other" are the engine's generic kinds (``coverage_change``…), open to
companies and agents already. The kinds below change records when staff validate them: the applier runs in
the validating transaction with the staff login as actor, re-checks what the form checked against the
author's scope as it is then, and raises ``ValidationError`` to refuse (in a savepoint: nothing is left).
Once every contract or mandate has ended (SPEC E8), the forms refuse new changes with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.formfields import PhoneNumberField

from accounts.choices import ProfileKind
from companies import selectors, services
from companies.affiliations import affiliation_country_change, contract_payment_terms_change
from contracts.choices import AffiliationRole, PaymentFrequency, PaymentMethod, ProductLine
from contracts.models import Contract
from core.identifiers import validate_siret
from demarches.fields import ScopedRecordField, text_field
from demarches.generic_kinds import DATE_INPUT, KindForm
from demarches.kinds import RequestKind, register
from members import request_kinds as member_kinds
from members.forms import not_before_1900, not_in_future, plain_text
from members.request_kinds import IbanChangeForm, ReferenceSalaryChangeForm, payload_date, unseal_iban
from members.services import person_civil_status_update, person_contact_update
from people.choices import Civility
from people.models import Person
from people.services import Address, bank_account_add

COMPANY = (ProfileKind.COMPANY.value,)
SPACE = (ProfileKind.COMPANY.value, ProfileKind.AGENT.value)
READ_ONLY = _(
    "Your contracts or mandates have ended: your space stays open read-only during the grace period and takes "
    "no new change. Contact the management centre if this is a mistake."
)


def _contract_label(contract) -> str:
    return f"{contract.number} — {contract.product.name}"


def _person_label(person) -> str:
    return f"{person.full_name} ({person.membership_number})"


def employee_field(label=None) -> ScopedRecordField:
    return ScopedRecordField(
        model=Person,
        number_field="membership_number",
        scope=selectors.writable_employee_people,
        label_of=_person_label,
        label=label or _("Employee concerned"),
    )


def contract_field(label=None, scope=None) -> ScopedRecordField:
    return ScopedRecordField(
        model=Contract,
        number_field="number",
        scope=scope or selectors.writable_contracts,
        label_of=_contract_label,
        label=label or _("Contract concerned"),
    )


def _expat_contracts(*, actor):
    return selectors.writable_contracts(actor=actor).filter(zone__isnull=False)


class SpaceKindForm(KindForm):
    """A company/agent change: refused as a whole once the space is read-only (SPEC E8)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.profile is not None and selectors.space_state(actor=self.profile).read_only:
            raise ValidationError(READ_ONLY, code="read_only")
        return cleaned


# --- Forms ---------------------------------------------------------------------------------------------


class CompanyInformationForm(SpaceKindForm):
    name = forms.CharField(label=_("Company name"), max_length=160, validators=[plain_text])
    siret = forms.CharField(label=_("SIRET"), max_length=17, validators=[plain_text])
    email = forms.EmailField(label=_("Email"), required=False)
    phone = PhoneNumberField(label=_("Phone"), region="FR", required=False)
    address_line1 = forms.CharField(label=_("Correspondence address"), max_length=120, validators=[plain_text])
    address_line2 = forms.CharField(
        label=_("Address (continued)"), max_length=120, required=False, validators=[plain_text]
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=16, validators=[plain_text])
    city = forms.CharField(label=_("City"), max_length=80, validators=[plain_text])
    country = forms.ChoiceField(label=_("Country"), choices=lambda: list(countries), initial="FR")

    def clean_siret(self) -> str:
        siret = "".join(self.cleaned_data["siret"].split())
        validate_siret(siret)
        return siret

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return phone.as_e164 if phone else ""


class EmployeeInformationForm(SpaceKindForm):
    person = employee_field()
    civility = forms.ChoiceField(label=_("Title"), choices=[("", "—"), *Civility.choices], required=False)
    last_name = forms.CharField(label=_("Surname"), max_length=80, required=False, validators=[plain_text])
    first_name = forms.CharField(label=_("First name"), max_length=80, required=False, validators=[plain_text])
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DATE_INPUT, validators=[not_in_future, not_before_1900]
    )
    address_line1 = forms.CharField(label=_("New address"), max_length=120, required=False, validators=[plain_text])
    postal_code = forms.CharField(label=_("Postal code"), max_length=16, required=False, validators=[plain_text])
    city = forms.CharField(label=_("City"), max_length=80, required=False, validators=[plain_text])
    phone = PhoneNumberField(label=_("Phone"), region="FR", required=False)
    employer = forms.CharField(
        label=_("New employer (name and SIRET)"),
        max_length=200,
        required=False,
        validators=[plain_text],
        help_text=_("When the employee moves to another company: our team moves the affiliation."),
    )
    details = text_field(_("Details"), required=False)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return phone.as_e164 if phone else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        changes = [name for name in self.fields if name not in ("person", "details") and cleaned.get(name)]
        if not changes and not self.errors:
            raise ValidationError(_("Fill in at least one piece of information to change."), code="empty")
        address = [cleaned.get(name) for name in ("address_line1", "postal_code", "city")]
        if any(address) and not all(address):
            self.add_error("address_line1", _("Give the full new address: street, postal code and city."))
        return cleaned


class ReferenceSalaryForm(SpaceKindForm, ReferenceSalaryChangeForm):
    """The member's reference-salary form, naming the employee."""

    person = employee_field()
    field_order = ("person", "amount", "effective_date")


class ExpatriationCountryForm(SpaceKindForm):
    person = employee_field()
    contract = contract_field(_("Expatriate contract"), scope=_expat_contracts)
    country = forms.ChoiceField(label=_("New country of expatriation"), choices=lambda: list(countries))
    effective_date = forms.DateField(label=_("From"), widget=DATE_INPUT, validators=[not_before_1900])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        person, contract = cleaned.get("person"), cleaned.get("contract")
        if (
            person
            and contract
            and not contract.affiliations.filter(person=person, role=AffiliationRole.SUBSCRIBER).exists()
        ):
            self.add_error("person", _("This employee is not affiliated to this contract."))
        return cleaned


class PaymentTermsForm(SpaceKindForm, IbanChangeForm):
    """The member's bank-account form (sealed IBAN), optional here, with the contract's payment terms."""

    contract = contract_field()
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    payment_frequency = forms.ChoiceField(label=_("Periodicity"), choices=PaymentFrequency.choices)
    holder_name = forms.CharField(
        label=_("Account holder (for a new account)"), max_length=160, required=False, validators=[plain_text]
    )
    iban = forms.CharField(label=_("New IBAN (optional)"), max_length=1000, required=False)
    field_order = ("contract", "payment_method", "payment_frequency", "holder_name", "iban", "iban_masked", "bic")

    def clean_iban(self) -> str:
        return super().clean_iban() if self.cleaned_data["iban"].strip() else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("iban"):
            if not cleaned.get("holder_name"):
                self.add_error("holder_name", _("Name the holder of the new account."))
        elif cleaned.get("payment_method") == PaymentMethod.DIRECT_DEBIT and cleaned.get("contract"):
            holder = cleaned["contract"].holder_company or cleaned["contract"].holder_person
            if not holder.bank_accounts.filter(valid_to__isnull=True).exists():
                self.add_error("iban", _("A direct debit needs a bank account: give its IBAN."))
        return cleaned

    def required_attachments(self) -> int:
        return 1 if self.cleaned_data.get("iban") else 0


# --- Appliers -------------------------------------------------------------------------------------------


def _refuse(message) -> ValidationError:
    return ValidationError(message, code="refused")


def _in_savepoint(apply: Callable[..., None]) -> Callable[..., None]:
    @wraps(apply)
    def wrapped(*, request: Any, actor: Any) -> None:
        with transaction.atomic():
            apply(request=request, actor=actor)

    return wrapped


def _author_may_change(request: Any, *, person=None, contract=None) -> None:
    """The author's scope as it is now: the employee or contract must still be theirs to change."""
    author = request.author_profile
    if person is not None and not selectors.writable_employee_people(actor=author).filter(pk=person.pk).exists():
        raise _refuse(_("This employee is no longer under a contract the author may change."))
    if contract is not None and not selectors.writable_contracts(actor=author).filter(pk=contract.pk).exists():
        raise _refuse(_("This contract is no longer one the author may change."))


@_in_savepoint
def apply_company_information(*, request: Any, actor: Any) -> None:
    company = request.subject_company
    if company is None:
        raise _refuse(_("This request names no company."))
    values = {name: request.payload.get(name) or "" for name in services.COMPANY_FIELDS if name in request.payload}
    services.company_information_update(actor=actor, company=company, values=values)


@_in_savepoint
def apply_employee_information(*, request: Any, actor: Any) -> None:
    person, payload = request.subject_person, request.payload
    if person is None:
        raise _refuse(_("This request names no employee."))
    _author_may_change(request, person=person)
    civil = {name: payload[name] for name in ("civility", "last_name", "first_name") if payload.get(name)}
    if payload.get("birth_date"):
        civil["birth_date"] = payload_date(payload, "birth_date")
    if civil:
        person_civil_status_update(actor=actor, person=person, values=civil)
    if payload.get("address_line1") or payload.get("phone"):
        address = Address(
            line1=payload.get("address_line1") or person.address_line1,
            line2="" if payload.get("address_line1") else person.address_line2,
            postal_code=payload.get("postal_code") or person.postal_code,
            city=payload.get("city") or person.city,
            country=person.country.code or "FR",
        )
        phone = payload.get("phone") or (person.phone.as_e164 if person.phone else "")
        person_contact_update(actor=actor, person=person, address=address, phone=phone)


@_in_savepoint
def apply_reference_salary(*, request: Any, actor: Any) -> None:
    person = request.subject_person
    if person is None:
        raise _refuse(_("This request names no employee."))
    _author_may_change(request, person=person)
    welfare = selectors.writable_contracts(actor=request.author_profile).filter(product__line=ProductLine.WELFARE)
    if not person.affiliations.filter(contract__in=welfare).exists():
        raise _refuse(_("This employee has no welfare cover with you: a reference salary does not apply."))
    member_kinds.apply_reference_salary(request=request, actor=actor)  # the member's change, once scope is checked


@_in_savepoint
def apply_expatriation_country(*, request: Any, actor: Any) -> None:
    person, contract = request.subject_person, request.subject_contract
    if person is None or contract is None:
        raise _refuse(_("This request names no employee or no contract."))
    _author_may_change(request, person=person, contract=contract)
    affiliation = (
        contract.affiliations.filter(person=person, role=AffiliationRole.SUBSCRIBER)
        .order_by("-start_date")
        .select_related("contract__zone")
        .first()
    )
    if affiliation is None:
        raise _refuse(_("This employee is not affiliated to this contract."))
    affiliation_country_change(actor=actor, affiliation=affiliation, country=str(request.payload.get("country", "")))


@_in_savepoint
def apply_payment_terms(*, request: Any, actor: Any) -> None:
    contract, payload = request.subject_contract, request.payload
    if contract is None:
        raise _refuse(_("This request names no contract."))
    _author_may_change(request, contract=contract)
    if payload.get("iban"):
        bank_account_add(
            actor=actor,
            owner=contract.holder_company or contract.holder_person,
            iban=unseal_iban(str(payload["iban"])),
            holder_name=str(payload.get("holder_name") or ""),
            bic=str(payload.get("bic") or ""),
            valid_from=timezone.localdate(),
        )
    contract_payment_terms_change(
        actor=actor,
        contract=contract,
        payment_method=str(payload.get("payment_method", "")),
        payment_frequency=str(payload.get("payment_frequency", "")),
    )


# --- Registration ---------------------------------------------------------------------------------------

KINDS = [
    RequestKind(
        code="company_information_change",
        start_url_name="companies:information_change",
        label=_("Change of company information"),
        form=CompanyInformationForm,
        profiles=COMPANY,
        min_attachments=1,
        attachment_hint=_("A Kbis extract (or INSEE notice) dated less than three months ago."),
        apply=apply_company_information,
        description=_("Company name, SIRET, correspondence address, email or phone."),
        order=21,
    ),
    RequestKind(
        code="employee_information_change",
        label=_("Change of an employee's information"),
        form=EmployeeInformationForm,
        profiles=SPACE,
        attachment_hint=_("For a change of name or date of birth: an identity document of the employee."),
        apply=apply_employee_information,
        description=_("An employee's civil status, postal address, phone or new employer."),
        order=32,
    ),
    RequestKind(
        code="employee_reference_salary",
        label=_("Reference salary of an employee"),
        form=ReferenceSalaryForm,
        profiles=SPACE,
        min_attachments=1,
        attachment_hint=_("A recent payslip or the employment contract amendment."),
        apply=apply_reference_salary,
        description=_("The salary the employee's welfare benefits are computed from."),
        order=34,
    ),
    RequestKind(
        code="employee_expatriation_country",
        label=_("Country of expatriation of an employee"),
        form=ExpatriationCountryForm,
        profiles=SPACE,
        attachment_hint=_("Optional: the secondment letter or the local employment contract."),
        apply=apply_expatriation_country,
        description=_("The country an expatriate employee now works in (within the contract's zone)."),
        order=35,
    ),
    RequestKind(
        code="payment_terms_change",
        label=_("Change of payment terms"),
        form=PaymentTermsForm,
        profiles=SPACE,
        attachment_hint=_("With a new account: a bank account statement (RIB) in the contract holder's name."),
        apply=apply_payment_terms,
        description=_("Payment method, periodicity of contributions or bank account of a contract."),
        order=36,
    ),
]


def register_all() -> None:
    for kind in KINDS:
        register(kind)
