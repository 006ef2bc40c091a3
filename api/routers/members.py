"""The member's own records (SPEC M1, M2, M12 over X5): personal information, bank account,
beneficiaries and preferences, with the web pages' rules and forms.

Only a member profile has these; any other caller gets the 404 of a missing page. Writes
go through the same forms and services as the website, so an error names the same field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from api.errors import ApiError, ErrorCode
from api.schemas import OBJECT_ERRORS, InputSchema
from core.identifiers import mask_iban
from members import selectors, services
from members.choices import PreferenceSource
from members.forms import BankAccountForm, ContactForm, EmailChangeForm
from people import selectors as people_selectors
from people.models import Person

router = Router(tags=["member"])

ERRORS = OBJECT_ERRORS
CONTACT_FIELDS = ("address_line1", "address_line2", "postal_code", "city", "country", "phone")
COLLECTIVE_ONLY = _(
    "Your contracts are collective: a new bank account goes through a request with a bank statement, on the "
    "website (My personal information, Bank account)."
)


# --- Schemas ---------------------------------------------------------------------------------------------


class AddressOut(Schema):
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str


class BankAccountOut(Schema):
    iban_masked: str = Field(description="FR76 •••• •••• 1234: the IBAN is never sent back in full.")
    holder_name: str
    bic: str
    valid_from: date


class PersonOut(Schema):
    id: UUID
    membership_number: str | None
    civility: str
    last_name: str
    birth_name: str
    first_name: str
    birth_date: date
    nationality: str
    email: str
    phone: str
    address: AddressOut
    bank_account: BankAccountOut | None
    iban_change_by_request: bool = Field(description="True: a new IBAN needs a request on the website.")
    email_confirmation_pending: bool = Field(False, description="A confirmation link was just sent to a new address.")


class PersonPatchIn(InputSchema):
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    phone: str | None = Field(None, description="French or international (+44…) number; empty to remove it.")
    email: str | None = Field(None, description="Starts the change: a link valid 24 hours is sent to this address.")
    password: str | None = Field(None, description="Required with `email` (step-up).")


class BankAccountIn(InputSchema):
    iban: str
    holder_name: str | None = Field(None, description="Defaults to the member's name.")
    bic: str = ""
    password: str = Field(description="The login's password, asked again for this change (step-up).")


class CoveredPersonOut(Schema):
    id: UUID = Field(description="The cover's (affiliation's) public id.")
    first_name: str
    last_name: str
    birth_date: date
    role: str
    start_date: date
    end_date: date | None
    status: str = Field(description="open or ended")


class NamedBeneficiaryOut(Schema):
    last_name: str
    first_name: str
    birth_date: date
    share: str = Field(description="Percentage, two decimals.")


class DesignationOut(Schema):
    clause_type: str
    beneficiaries: list[NamedBeneficiaryOut]
    effective_date: date


class ContractCoverOut(Schema):
    contract_id: UUID
    contract_number: str
    product_name: str
    product_line: str
    is_subscriber: bool
    people: list[CoveredPersonOut]
    death_benefit: DesignationOut | None = Field(description="Welfare contracts, for the insured only.")


class PreferenceOut(Schema):
    code: str
    label: str
    enabled: bool
    changed_at: datetime | None
    source: str


class PreferencesIn(InputSchema):
    commercial: bool
    paperless: bool
    alert_new_document: bool
    alert_payment: bool
    alert_claim_status: bool


# --- Helpers ---------------------------------------------------------------------------------------------


def _person(request: HttpRequest, *, editable: bool = False) -> Person:
    person = selectors.member_person(request.auth.profile)
    if person is None:
        raise Http404
    if (editable or person.is_confidential) and not selectors.is_editable(person):
        raise ApiError(403, ErrorCode.FORBIDDEN, message=services.NOT_EDITABLE)
    return person


def _valid(form) -> Any:
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _person_out(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    account = people_selectors.current_bank_account(person)
    return {
        "id": person.public_id,
        **{name: getattr(person, name) for name in ("membership_number", "civility", "last_name", "birth_name")},
        **{name: getattr(person, name) for name in ("first_name", "birth_date", "email")},
        "nationality": person.nationality.code,
        "phone": person.phone.as_e164 if person.phone else "",
        "address": {
            "line1": person.address_line1,
            "line2": person.address_line2,
            "postal_code": person.postal_code,
            "city": person.city,
            "country": person.country.code,
        },
        "bank_account": _account_out(account) if account else None,
        "iban_change_by_request": selectors.iban_change_by_request(actor=request.auth.profile),
        **extra,
    }


def _account_out(account) -> dict[str, Any]:
    return {
        "iban_masked": mask_iban(account.iban),
        "holder_name": account.holder_name,
        "bic": account.bic,
        "valid_from": account.valid_from,
    }


def _contact_data(person: Person, changes: dict[str, Any]) -> dict[str, str]:
    current = {name: getattr(person, name) for name in CONTACT_FIELDS}
    current["country"], current["phone"] = person.country.code, person.phone.as_e164 if person.phone else ""
    return {**current, **{name: value or "" for name, value in changes.items()}}


def _preferences_out(request: HttpRequest) -> list[dict[str, Any]]:
    return [{**state.__dict__, "label": str(state.label)} for state in selectors.preference_states(request.auth.user)]


# --- Endpoints -------------------------------------------------------------------------------------------


@router.get("/person", response={200: PersonOut, **ERRORS})
def person_get(request: HttpRequest):
    """The member's personal information; the IBAN masked."""
    return _person_out(request, _person(request))


@router.patch("/person", response={200: PersonOut, **ERRORS})
def person_update(request: HttpRequest, payload: PersonPatchIn):
    """Change the address or phone (at once, audited); an `email` starts the change, confirmed by a link sent to it."""
    person = _person(request, editable=True)
    data = payload.dict(exclude_unset=True)
    if not data:
        raise ApiError(422, ErrorCode.INVALID, message=_("Send at least one field to change."))
    contact = {name: value for name, value in data.items() if name in CONTACT_FIELDS}
    with transaction.atomic():
        if contact:
            form = ContactForm(_contact_data(person, contact))
            _valid(form)
            services.person_contact_update(
                actor=request.auth.user, person=person, address=form.address(), phone=form.phone_value()
            )
        if "email" in data:
            cleaned = _valid(EmailChangeForm({"email": data["email"] or "", "password": data.get("password") or ""}))
            services.email_change_request(
                actor=request.auth.user, person=person, new_email=cleaned["email"], password=cleaned["password"]
            )
        elif "password" in data:
            raise ApiError(422, ErrorCode.INVALID, field="password", message=_("A password is only asked with email."))
    return _person_out(request, person, email_confirmation_pending="email" in data)


@router.put("/bank-account", response={200: BankAccountOut, **ERRORS})
def bank_account_put(request: HttpRequest, payload: BankAccountIn):
    """Replace the bank account at once (individual contracts); the password is required; the addresses on file
    are told. Members covered only by collective contracts use a request on the website."""
    person = _person(request, editable=True)
    if selectors.iban_change_by_request(actor=request.auth.profile):
        raise ApiError(403, ErrorCode.FORBIDDEN, field="iban", message=COLLECTIVE_ONLY)
    data = {**payload.dict(), "holder_name": payload.holder_name or person.full_name}
    cleaned = _valid(BankAccountForm(data))
    account = services.bank_account_change(
        actor=request.auth.user,
        person=person,
        iban=cleaned["iban"],
        holder_name=cleaned["holder_name"],
        bic=cleaned["bic"],
        password=cleaned["password"],
    )
    return _account_out(account)


@router.get("/beneficiaries", response={200: list[ContractCoverOut], **ERRORS})
def beneficiaries_get(request: HttpRequest):
    """Per contract the member is covered by: the people covered that the member may see, and for welfare
    contracts the death-benefit designation in force."""
    _person(request)
    return [_cover_out(cover) for cover in selectors.contract_covers(actor=request.auth.profile)]


def _cover_out(cover: selectors.ContractCover) -> dict[str, Any]:
    designation = cover.designation
    return {
        "contract_id": cover.contract.public_id,
        "contract_number": cover.contract.number,
        "product_name": cover.contract.product.name,
        "product_line": cover.contract.product.line,
        "is_subscriber": cover.is_subscriber,
        "people": [
            {
                "id": item.affiliation.public_id,
                "first_name": item.affiliation.person.first_name,
                "last_name": item.affiliation.person.last_name,
                "birth_date": item.affiliation.person.birth_date,
                "role": item.affiliation.role,
                "start_date": item.affiliation.start_date,
                "end_date": item.affiliation.end_date,
                "status": item.status,
            }
            for item in cover.people
        ],
        "death_benefit": {
            "clause_type": designation.clause_type,
            "beneficiaries": designation.beneficiaries,
            "effective_date": designation.effective_date,
        }
        if designation
        else None,
    }


@router.get("/preferences", response={200: list[PreferenceOut], **ERRORS})
def preferences_get(request: HttpRequest):
    """Each preference with its current value and when it was chosen (null: never chosen, the default applies)."""
    _person(request)
    return _preferences_out(request)


@router.put("/preferences", response={200: list[PreferenceOut], **ERRORS})
def preferences_put(request: HttpRequest, payload: PreferencesIn):
    """Set every preference; only the ones that change are recorded, each with its date (consent history)."""
    _person(request)
    services.preferences_save(
        actor=request.auth.user, user=request.auth.user, values=payload.dict(), source=PreferenceSource.API
    )
    return _preferences_out(request)
