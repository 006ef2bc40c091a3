"""Comparing a registration with the insurer's records (SPEC A1).

Numbers and dates must be equal; names are compared without case, accents, hyphens or
apostrophes ("Élodie D'Arc-Dupré" = "elodie d arc dupre"). The facts typed (membership
number, names, birth date, SIRET, RPPS and agreement number) are seen by others — company
correspondents, agents, professionals, relatives — so they are never a credential on their
own: a login opens at once only when the email typed is the one on file for that record;
when it differs, or there is none, an activation code goes by post to the address on file
(``BY_POST``); without a postal address either, staff check (``REVIEW``). Deceased or
confidential persons are always checked by staff.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import Profile
from people.models import Agent, Company, Person
from providers.models import HealthProfessional, TPAgreement
from registration.choices import MatchState

TARGET_FIELD = {
    ProfileKind.MEMBER: "person",
    ProfileKind.COMPANY: "company",
    ProfileKind.AGENT: "agent",
    ProfileKind.PROFESSIONAL: "professional",
}
RECORD_MODEL: dict[str, type[models.Model]] = {
    ProfileKind.MEMBER: Person,
    ProfileKind.COMPANY: Company,
    ProfileKind.AGENT: Agent,
    ProfileKind.PROFESSIONAL: HealthProfessional,
}
_SEPARATORS = str.maketrans({"-": " ", "'": " ", "’": " ", ".": " "})


@dataclass(frozen=True)
class Submission:
    """A valid registration form, reduced to plain values (``details`` is JSON-ready)."""

    kind: ProfileKind
    number: str
    email: str
    details: dict[str, str]
    password: str = field(default="", repr=False)
    commercial_opt_in: bool = False


@dataclass(frozen=True)
class Match:
    state: MatchState
    record: models.Model | None = None


def normalise_name(value: str) -> str:
    """Case, accents, hyphens and apostrophes do not count when comparing names."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.translate(_SEPARATORS).casefold().split())


def record_for_number(kind: str, number: str, details: dict[str, str] | None = None) -> models.Model | None:
    """The record a membership number (or a professional identifier of the given type) names."""
    if kind == ProfileKind.PROFESSIONAL:
        id_field = (details or {}).get("identifier_type", "")
        if id_field not in {"rpps", "adeli", "finess"}:
            return None
        return HealthProfessional.objects.filter(**{id_field: number}).first()
    model = RECORD_MODEL.get(kind)
    return model.objects.filter(membership_number=number).first() if model else None


def has_account(kind: str, record: models.Model) -> bool:
    """Whether a login already acts for this record (a deleted login's profiles are inactive)."""
    return Profile.objects.filter(kind=kind, is_active=True, **{TARGET_FIELD[kind]: record}).exists()


def match(submission: Submission) -> Match:
    """How the submission compares with the records: decides between an account now, a letter, and staff."""
    record = record_for_number(submission.kind, submission.number, submission.details)
    if record is None:
        return Match(MatchState.UNKNOWN)
    if not _details_match(submission, record):
        return Match(MatchState.MISMATCH, record)
    if not _safe_to_validate(submission, record):
        return Match(MatchState.REVIEW, record)
    if has_account(submission.kind, record):
        return Match(MatchState.HAS_ACCOUNT, record)
    if email_on_file(record) and email_on_file(record) == submission.email.strip().lower():
        return Match(MatchState.MATCHED, record)
    if has_postal_address(record):
        return Match(MatchState.BY_POST, record)
    return Match(MatchState.REVIEW, record)


def email_on_file(record: models.Model) -> str:
    """The record's email as the insurer holds it, lower-cased ("" when there is none)."""
    return (getattr(record, "email", "") or "").strip().lower()


def has_postal_address(record: models.Model) -> bool:
    return bool(record.address_line1.strip() and (record.postal_code.strip() or record.city.strip()))


def _details_match(submission: Submission, record: models.Model) -> bool:
    details = submission.details
    if submission.kind == ProfileKind.MEMBER:
        names = {normalise_name(record.last_name), normalise_name(record.birth_name)} - {""}
        return (
            normalise_name(details.get("last_name", "")) in names
            and normalise_name(details.get("first_name", "")) == normalise_name(record.first_name)
            and details.get("birth_date") == record.birth_date.isoformat()
        )
    if submission.kind == ProfileKind.COMPANY:
        return (
            normalise_name(details.get("company_name", "")) == normalise_name(record.name)
            and details.get("siret") == record.siret
        )
    if submission.kind == ProfileKind.PROFESSIONAL:
        return agreement_in_force(record, details.get("agreement_number", "")) is not None
    return True  # an agent is identified by its number; the channel on file does the rest


def _safe_to_validate(submission: Submission, record: models.Model) -> bool:
    if submission.kind == ProfileKind.MEMBER:
        return record.death_date is None and not record.is_confidential
    return True


def agreement_in_force(professional: HealthProfessional, number: str, on: date | None = None) -> TPAgreement | None:
    on = on or timezone.localdate()
    return (
        TPAgreement.objects.filter(professional=professional, number=number, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .first()
    )
