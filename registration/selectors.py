"""Reads of registrations and closure requests, for their owner and for the back office."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from accounts.models import Profile
from people.models import Agent, Company, Person
from providers.models import HealthProfessional, TPAgreement
from registration.choices import ClosureStatus, LetterStatus, MatchState, RegistrationStatus
from registration.matching import TARGET_FIELD, normalise_name, record_for_number
from registration.models import AccountClosureRequest, ActivationLetter, RegistrationRequest

MAX_CANDIDATES = 10


def registration_queue() -> QuerySet[RegistrationRequest]:
    """Pending registrations staff decide on, oldest first, with the records they were compared with."""
    return (
        RegistrationRequest.objects.filter(status=RegistrationStatus.PENDING)
        .exclude(match=MatchState.BY_POST)  # those wait for the code of their letter (letter_queue)
        .select_related("person", "company", "agent", "professional")
        .order_by("created_at", "pk")
    )


def registration_get(*, public_id) -> RegistrationRequest | None:
    return (
        RegistrationRequest.objects.select_related("person", "company", "agent", "professional", "user", "decided_by")
        .filter(public_id=public_id)
        .first()
    )


@dataclass(frozen=True)
class Candidate:
    """A record staff may attach a queued registration to."""

    record: models.Model
    label: str
    has_account: bool


def registration_candidates(registration: RegistrationRequest) -> list[Candidate]:
    """The record the number named, then records that resemble the submission (same birth date, SIRET, email…)."""
    found: list[models.Model] = []
    if registration.record is not None:
        found.append(registration.record)
    for record in _lookalikes(registration):
        if record not in found:
            found.append(record)
    found = found[:MAX_CANDIDATES]
    field = TARGET_FIELD[registration.kind]
    taken = set(
        Profile.objects.filter(kind=registration.kind, is_active=True, **{f"{field}__in": found}).values_list(
            f"{field}_id", flat=True
        )
    )
    return [Candidate(record, record_label(record), record.pk in taken) for record in found]


def _lookalikes(registration: RegistrationRequest) -> list[models.Model]:
    details = registration.submitted
    if registration.kind == ProfileKind.MEMBER:
        wanted = {normalise_name(details.get("last_name", "")), normalise_name(details.get("first_name", ""))}
        same_day = Person.objects.filter(birth_date=details.get("birth_date"), membership_number__isnull=False)
        return [p for p in same_day[:50] if wanted & {normalise_name(p.last_name), normalise_name(p.first_name)}]
    if registration.kind == ProfileKind.COMPANY:
        query = Q(siret=details.get("siret", "")) | Q(name__iexact=details.get("company_name", ""))
        return list(Company.objects.filter(query)[:MAX_CANDIDATES])
    if registration.kind == ProfileKind.AGENT:
        return list(Agent.objects.filter(email__iexact=registration.email)[:MAX_CANDIDATES])
    agreement = TPAgreement.objects.filter(number=details.get("agreement_number", "")).select_related("professional")
    return [a.professional for a in agreement[:MAX_CANDIDATES]]


def record_label(record: models.Model) -> str:
    if isinstance(record, Person):
        return f"{record.membership_number} · {record} · {record.birth_date:%d/%m/%Y}"
    if isinstance(record, Company):
        return f"{record.membership_number} · {record.name} · SIRET {record.siret}"
    if isinstance(record, Agent):
        return f"{record.membership_number} · {record.name} · {record.email or '-'}"
    return f"{record.identifier} · {record.name} · {record.email or '-'}"


def record_for_staff(*, kind: str, number: str) -> models.Model | None:
    """A record staff typed the number of: membership number, or RPPS/ADELI/FINESS for a professional."""
    number = "".join((number or "").split()).upper()
    if kind != ProfileKind.PROFESSIONAL:
        return record_for_number(kind, number)
    query = Q(rpps=number) | Q(adeli=number) | Q(finess=number)
    return HealthProfessional.objects.filter(query).first()


@dataclass(frozen=True)
class ComparedField:
    label: str
    submitted: str
    on_record: str | None  # None: nothing to compare with

    @property
    def differs(self) -> bool:
        return self.on_record is not None and normalise_name(self.submitted) != normalise_name(self.on_record)


def registration_comparison(registration: RegistrationRequest) -> list[ComparedField]:
    """What was typed, beside what the matched record says, field by field."""
    details, record = registration.submitted, registration.record
    rows = [ComparedField(_("Number"), registration.number, _number_of(record) if record else None)]
    for key, label, attribute in _COMPARED.get(registration.kind, []):
        on_record = _attribute(record, attribute) if record is not None and attribute else None
        rows.append(ComparedField(label, details.get(key, ""), on_record))
    rows.append(ComparedField(_("Email"), registration.email, getattr(record, "email", None) if record else None))
    return rows


def _number_of(record: models.Model) -> str:
    return getattr(record, "membership_number", None) or getattr(record, "identifier", "")


def _attribute(record: models.Model, attribute: str) -> str:
    value = getattr(record, attribute, "")
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


_COMPARED = {
    ProfileKind.MEMBER: [
        ("last_name", _("Surname"), "last_name"),
        ("first_name", _("First name"), "first_name"),
        ("birth_date", _("Date of birth"), "birth_date"),
    ],
    ProfileKind.COMPANY: [
        ("company_name", _("Company name"), "name"),
        ("siret", _("SIRET"), "siret"),
        ("responsible_last_name", _("Responsible person's surname"), None),
        ("responsible_first_name", _("Responsible person's first name"), None),
        ("responsible_birth_date", _("Responsible person's date of birth"), None),
        ("responsible_phone", _("Responsible person's phone"), None),
    ],
    ProfileKind.AGENT: [
        ("responsible_last_name", _("Responsible person's surname"), None),
        ("responsible_first_name", _("Responsible person's first name"), None),
        ("responsible_birth_date", _("Responsible person's date of birth"), None),
        ("responsible_phone", _("Responsible person's phone"), None),
        ("responsible_email", _("Responsible person's email"), None),
    ],
    ProfileKind.PROFESSIONAL: [
        ("identifier_type", _("Kind of identifier"), None),
        ("agreement_number", _("Agreement number"), None),
    ],
}


# --- Closure requests ---------------------------------------------------------------------


def closure_pending(*, user) -> AccountClosureRequest | None:
    return AccountClosureRequest.objects.filter(user=user, status=ClosureStatus.PENDING).first()


def closure_queue() -> QuerySet[AccountClosureRequest]:
    return (
        AccountClosureRequest.objects.filter(status=ClosureStatus.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def closure_get(*, public_id) -> AccountClosureRequest | None:
    return AccountClosureRequest.objects.select_related("user", "decided_by").filter(public_id=public_id).first()


# --- Activation letters ---------------------------------------------------------------------


def letter_queue() -> QuerySet[ActivationLetter]:
    """Letters to print and post, oldest first."""
    return ActivationLetter.objects.filter(status=LetterStatus.TO_POST).select_related("registration")


def letters_recent() -> QuerySet[ActivationLetter]:
    """Every letter, newest first: what was posted, used or cancelled."""
    return ActivationLetter.objects.select_related("registration", "posted_by").order_by("-created_at", "-pk")


def letter_get(*, public_id) -> ActivationLetter | None:
    return ActivationLetter.objects.select_related("registration").filter(public_id=public_id).first()
