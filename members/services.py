"""State changes of the member space (SPEC M1, M2, M12).

Each function takes the acting login, validates (``full_clean`` through
``core.validation.validate_row``), writes in one transaction with its audit event and sends
its emails once committed. The records themselves are changed through the ``people`` and
``contracts`` services wherever those exist. Audit data names what changed, never the value
of an IBAN, an address or an email.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from accounts.models import User
from audit.services import record
from contracts.choices import AffiliationRole, ProductLine
from contracts.models import Contract
from core.identifiers import mask_iban
from core.mail import send_templated_email
from core.validation import field_error, validate_row
from members import selectors, stepup
from members.choices import PREFERENCE_DEFAULTS, UNSUBSCRIBABLE, ClauseType, PreferenceSource
from members.models import DeathBenefitDesignation, PreferenceChange
from members.tokens import PendingEmailChange, unsubscribe_payload
from people import selectors as people_selectors
from people.models import BankAccount, Person
from people.services import Address, bank_account_add, nir_clean
from people.validators import NAME_FIELDS, person_names_check

CONTACT_FIELDS = ("address_line1", "address_line2", "postal_code", "city", "country", "phone")
CIVIL_STATUS_FIELDS = ("civility", "last_name", "birth_name", "first_name", "birth_date", "nationality")
MAX_NAMED_BENEFICIARIES = 10
NOT_EDITABLE = _("Your personal information is managed by our management centre and cannot be changed online.")


def check_editable(person: Person) -> None:
    """Confidential and deceased persons' records change only through the management centre."""
    if not selectors.is_editable(person):
        raise ValidationError(NOT_EDITABLE, code="not_editable")


def _changed(person: Person, before: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    return [name for name in fields if str(getattr(person, name) or "") != str(before[name] or "")]


# --- Contact details -----------------------------------------------------------------------


@transaction.atomic
def person_contact_update(*, actor: User, person: Person, address: Address, phone: str) -> Person:
    """Postal address and phone, applied at once (SPEC M1); an unchanged form writes nothing."""
    check_editable(person)
    before = {name: getattr(person, name) for name in CONTACT_FIELDS}
    address.apply_to(person)
    person.phone = phone
    validate_row(person)
    changed = _changed(person, before, CONTACT_FIELDS)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        record(actor=actor, action="person.contact_updated", target=person, data={"fields": changed})
    return person


# --- Email ---------------------------------------------------------------------------------


def _clean_email(value: str) -> str:
    email = (value or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.error_list}) from exc
    local, _sep, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


@transaction.atomic
def email_change_request(*, actor: User, person: Person, new_email: str, password: str) -> PendingEmailChange:
    """Send a 24-hour confirmation link to the new address and tell the old one; nothing changes yet."""
    check_editable(person)
    stepup.password_confirm(actor, password)
    email = _clean_email(new_email)
    if email.lower() == (person.email or actor.email).lower():
        raise field_error("email", _("This is already your email address."), code="unchanged")
    pending = PendingEmailChange(str(actor.public_id), str(person.public_id), person.email, email)
    record(actor=actor, action="person.email_change_requested", target=person)
    old_addresses = _addresses(actor, person)
    _send_email_change(actor, pending, old_addresses)
    return pending


def _send_email_change(user: User, pending: PendingEmailChange, old_addresses: list[str]) -> None:
    context = {"user": user, "link": pending.link, "new_email": pending.new_email}
    send_templated_email(
        to=[pending.new_email], template="members/emails/email_change_confirm", context=context, language=user.language
    )
    if old_addresses:
        send_templated_email(
            to=old_addresses, template="members/emails/email_change_notice", context=context, language=user.language
        )


@transaction.atomic
def email_change_confirm(*, token: str) -> Person | None:
    """Apply the change a genuine, recent link stands for; None for a tampered, expired or used link.

    The link is for the address the record had when it was asked: once applied (or after
    another change) it no longer matches, so it works once. The login's address follows
    when it was the same as the record's.
    """
    pending = PendingEmailChange.loads(token)
    if pending is None:
        return None
    person = Person.objects.select_for_update().filter(public_id=_uuid(pending.person_id)).first()
    user = User.objects.select_for_update().filter(public_id=_uuid(pending.user_id), is_active=True).first()
    if person is None or user is None or person.email != pending.old_email or not selectors.is_editable(person):
        return None
    if not user.profiles.filter(person=person, is_active=True).exists():
        return None
    person.email = pending.new_email
    validate_row(person)
    person.save(update_fields=["email", "updated_at"])
    login_updated = bool(pending.old_email) and user.email.lower() == pending.old_email.lower()
    if login_updated:
        user.email, user.email_confirmed_at = pending.new_email, timezone.now()
        user.save(update_fields=["email", "email_confirmed_at"])
    record(actor=user, action="person.email_changed", target=person, data={"login_updated": login_updated})
    return person


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _addresses(user: User | None, person: Person) -> list[str]:
    """The addresses on file, told of a sensitive change (SPEC M1)."""
    found: list[str] = []
    for address in (person.email, user.email if user is not None else ""):
        if address and address.lower() not in {known.lower() for known in found}:
            found.append(address)
    return found


# --- Bank account --------------------------------------------------------------------------


def _next_valid_from(person: Person) -> date:
    """Today, or the day after the account in force starts when it was itself changed today or later."""
    today = timezone.localdate()
    current = people_selectors.current_bank_account(person)
    if current is not None and current.valid_from >= today:
        return current.valid_from + timedelta(days=1)
    return today


@transaction.atomic
def bank_account_change(
    *, actor: User, person: Person, iban: str, holder_name: str, password: str, bic: str = ""
) -> BankAccount:
    """A new IBAN for an individual holder, applied at once after the password is given again (SECURITY)."""
    check_editable(person)
    stepup.password_confirm(actor, password)
    return bank_account_replace(actor=actor, person=person, iban=iban, holder_name=holder_name, bic=bic, login=actor)


def bank_account_replace(
    *, actor: User | None, person: Person, iban: str, holder_name: str, bic: str = "", login: User | None = None
) -> BankAccount:
    """Record the new account from today (``people.services.bank_account_add``) and tell the addresses on file."""
    account = bank_account_add(
        actor=actor, owner=person, iban=iban, holder_name=holder_name, valid_from=_next_valid_from(person), bic=bic
    )
    login = login or _member_login(person)
    addresses = _addresses(login, person)
    context = {"user": login, "person": person, "masked": mask_iban(account.iban), "valid_from": account.valid_from}
    language = login.language if login is not None else "fr"
    if addresses:
        send_templated_email(
            to=addresses, template="members/emails/bank_account_changed", context=context, language=language
        )
    return account


def _member_login(person: Person) -> User | None:
    return User.objects.filter(
        is_active=True, profiles__person=person, profiles__kind=ProfileKind.MEMBER, profiles__is_active=True
    ).first()


# --- Civil status (applied when a request is validated) ------------------------------------


@transaction.atomic
def person_civil_status_update(*, actor: User | None, person: Person, values: dict[str, Any]) -> Person:
    """Apply validated civil-status changes (by staff: confidential records too); the social security number must
    still agree with them."""
    before = {name: getattr(person, name) for name in CIVIL_STATUS_FIELDS}
    for name in CIVIL_STATUS_FIELDS:
        if name in values:
            setattr(person, name, values[name])
    if person.nir:
        try:
            nir_clean(person.nir, birth_date=person.birth_date, sex=person.sex)
        except ValidationError as exc:
            raise field_error(
                "birth_date", _("The date of birth does not match the social security number."), code="nir_mismatch"
            ) from exc
    person_names_check(**{name: getattr(person, name) for name in NAME_FIELDS})
    validate_row(person)
    changed = _changed(person, before, CIVIL_STATUS_FIELDS)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        record(actor=actor, action="person.civil_status_updated", target=person, data={"fields": changed})
    return person


# --- Death-benefit beneficiaries -----------------------------------------------------------


def _share(value: Any) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise field_error("beneficiaries", _("Each share is a percentage."), code="share") from exc
    if not Decimal("0") < share <= Decimal("100"):
        raise field_error("beneficiaries", _("Each share is between 0 and 100 %."), code="share")
    return share


def _named_beneficiary(entry: Any) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise field_error("beneficiaries", _("Each beneficiary has a name, a date of birth and a share."), code="entry")
    last_name, first_name = str(entry.get("last_name", "")).strip(), str(entry.get("first_name", "")).strip()
    if not last_name or not first_name or len(last_name) > 80 or len(first_name) > 80:
        raise field_error("beneficiaries", _("Give each beneficiary's last and first names."), code="name")
    if any(char in last_name + first_name for char in "<>{}"):
        raise field_error("beneficiaries", _("Names cannot contain < > { or }."), code="name")
    try:
        birth_date = date.fromisoformat(str(entry.get("birth_date", "")))
    except ValueError as exc:
        raise field_error("beneficiaries", _("Give each beneficiary's date of birth."), code="birth_date") from exc
    if birth_date > timezone.localdate():
        raise field_error("beneficiaries", _("A date of birth cannot be in the future."), code="birth_date")
    share = _share(entry.get("share"))
    return {"last_name": last_name, "first_name": first_name, "birth_date": birth_date.isoformat(), "share": str(share)}


def beneficiaries_clean(clause_type: str, beneficiaries: Any) -> list[dict[str, str]]:
    """The named beneficiaries, checked and normalised; none for the standard clause. Shares sum to 100 %."""
    if clause_type not in ClauseType.values:
        raise field_error("clause_type", _("Choose the standard clause or named beneficiaries."), code="invalid")
    if clause_type == ClauseType.STANDARD:
        if beneficiaries:
            raise field_error("beneficiaries", _("The standard clause names no one."), code="standard")
        return []
    if not isinstance(beneficiaries, list) or not beneficiaries:
        raise field_error("beneficiaries", _("Name at least one beneficiary."), code="required")
    if len(beneficiaries) > MAX_NAMED_BENEFICIARIES:
        raise field_error(
            "beneficiaries", _("Name at most %(max)s beneficiaries."), code="too_many", max=str(MAX_NAMED_BENEFICIARIES)
        )
    cleaned = [_named_beneficiary(entry) for entry in beneficiaries]
    if sum(Decimal(entry["share"]) for entry in cleaned) != Decimal("100"):
        raise field_error("beneficiaries", _("The shares must add up to 100 %."), code="shares_total")
    return cleaned


@transaction.atomic
def designation_record(
    *,
    actor: User | None,
    person: Person,
    contract: Contract,
    clause_type: str,
    beneficiaries: Any,
    effective_date: date,
    source_request: UUID | None = None,
) -> DeathBenefitDesignation:
    """A new designation for the insured person of a welfare contract; the previous ones stay as history."""
    if contract.product.line != ProductLine.WELFARE:
        raise field_error("contract", _("Only welfare contracts have a death-benefit designation."), code="not_welfare")
    if not contract.affiliations.filter(person=person, role=AffiliationRole.SUBSCRIBER).exists():
        raise field_error("contract", _("This person is not insured on this contract."), code="not_insured")
    designation = DeathBenefitDesignation(
        person=person,
        contract=contract,
        clause_type=clause_type,
        beneficiaries=beneficiaries_clean(clause_type, beneficiaries),
        effective_date=effective_date,
        source_request=source_request,
    )
    validate_row(designation)
    designation.save()
    data = {"contract": contract.number, "clause_type": clause_type, "named": len(designation.beneficiaries)}
    record(actor=actor, action="death_benefit_designation.recorded", target=designation, data=data)
    return designation


# --- Preferences and consents --------------------------------------------------------------


def _preference_add(*, actor: User | None, user: User, code: str, enabled: bool, source: str) -> PreferenceChange:
    change = PreferenceChange(user=user, code=code, enabled=enabled, source=source)
    validate_row(change)
    change.save()
    record(
        actor=actor, action="preference.changed", target=user, data={"code": code, "enabled": enabled, "source": source}
    )
    return change


@transaction.atomic
def preferences_save(
    *, actor: User | None, user: User, values: dict[str, bool], source: str = PreferenceSource.WEB
) -> list[PreferenceChange]:
    """Record each preference whose value differs from the current one, with its date (G1 history)."""
    unknown = set(values) - set(PREFERENCE_DEFAULTS)
    if unknown:
        raise ValidationError({name: _("Unknown preference.") for name in sorted(unknown)})
    current = {state.code: state.enabled for state in selectors.preference_states(user)}
    return [
        _preference_add(actor=actor, user=user, code=code, enabled=bool(enabled), source=source)
        for code, enabled in values.items()
        if current[code] != bool(enabled)
    ]


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str] | None:
    """The one-click link of a mailing: turn its preference off, no login needed. None for a bad link.

    Opening the link twice records the opt-out once.
    """
    payload = unsubscribe_payload(token)
    if payload is None or payload[1] not in UNSUBSCRIBABLE:
        return None
    user = User.objects.filter(public_id=_uuid(payload[0])).first()
    if user is None:
        return None
    if selectors.wants(user, payload[1]):
        _preference_add(actor=None, user=user, code=payload[1], enabled=False, source=PreferenceSource.UNSUBSCRIBE_LINK)
    return user, payload[1]
