"""Reads of the member space, each scoped by the viewer's profile through the contracts selectors.

A member sees their own person, the contracts they are covered by and, on those where they
are the subscriber, their dependants (``contracts.selectors.affiliation_list`` decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from contracts.choices import AffiliationRole, ContractKind, ProductLine
from contracts.models import Affiliation, Contract
from contracts.selectors import affiliation_list, contract_list
from members.choices import PREFERENCE_DEFAULTS, PreferenceCode, PreferenceSource
from members.models import DeathBenefitDesignation, PreferenceChange
from people.models import Person, ReferenceSalary

HISTORY_LENGTH = 50


def member_person(profile: Profile | None) -> Person | None:
    """The insured person a member profile acts for; None for any other profile."""
    if profile is None or profile.kind != ProfileKind.MEMBER:
        return None
    return profile.person


def is_editable(person: Person) -> bool:
    """Confidential records (SPEC X8) and deceased persons are managed by the insurer only."""
    return not person.is_confidential and person.death_date is None


def current_reference_salary(person: Person) -> ReferenceSalary | None:
    return person.reference_salaries.order_by("-effective_date").first()


def iban_change_by_request(*, actor: Profile) -> bool:
    """A member whose only contracts are collective changes the IBAN through a request the insurer validates."""
    kinds = set(contract_list(actor=actor).values_list("kind", flat=True))
    return kinds == {ContractKind.COLLECTIVE}


def welfare_contracts(*, actor: Profile) -> QuerySet[Contract]:
    """Welfare (prévoyance) contracts on which the member is the insured subscriber."""
    person = member_person(actor)
    if person is None:
        return Contract.objects.none()
    insured_on = Affiliation.objects.filter(person=person, role=AffiliationRole.SUBSCRIBER).values("contract_id")
    return contract_list(actor=actor).filter(product__line=ProductLine.WELFARE, pk__in=insured_on)


def welfare_contract_get(*, actor: Profile, public_id) -> Contract | None:
    """One welfare contract the member is insured on; None otherwise (callers answer 404)."""
    return welfare_contracts(actor=actor).filter(public_id=public_id).first()


def subscriber_affiliations(*, actor: Profile) -> QuerySet[Affiliation]:
    """The member's own subscriber covers not ended yet: dependants may be added under these."""
    person = member_person(actor)
    if person is None:
        return Affiliation.objects.none()
    today = timezone.localdate()
    return (
        affiliation_list(actor=actor).filter(person=person, role=AffiliationRole.SUBSCRIBER).exclude(end_date__lt=today)
    )


def removable_dependants(*, actor: Profile) -> QuerySet[Affiliation]:
    """The dependants covered under the member's own subscriber covers, not ended yet."""
    person = member_person(actor)
    if person is None:
        return Affiliation.objects.none()
    today = timezone.localdate()
    return (
        affiliation_list(actor=actor)
        .filter(principal__person=person, principal__role=AffiliationRole.SUBSCRIBER, person__is_confidential=False)
        .exclude(end_date__lt=today)
    )


def removable_dependant_get(*, actor: Profile, public_id) -> Affiliation | None:
    return removable_dependants(actor=actor).filter(public_id=public_id).first()


def designation_current(*, person: Person, contract: Contract) -> DeathBenefitDesignation | None:
    return DeathBenefitDesignation.objects.filter(person=person, contract=contract).first()


@dataclass
class CoveredPerson:
    affiliation: Affiliation
    status: str  # "open" or "ended"
    removable: bool


@dataclass
class ContractCover:
    """One contract the member is covered by, with the people the member may see on it."""

    contract: Contract
    people: list[CoveredPerson] = field(default_factory=list)
    is_subscriber: bool = False
    is_welfare: bool = False
    designation: DeathBenefitDesignation | None = None


def _status(affiliation: Affiliation, today: date) -> str:
    return "ended" if affiliation.end_date is not None and affiliation.end_date < today else "open"


def contract_covers(*, actor: Profile) -> list[ContractCover]:
    """Per contract, the covered people the member may see; designations for welfare contracts (3 queries)."""
    person = member_person(actor)
    if person is None:
        return []
    today = timezone.localdate()
    covers: dict[int, ContractCover] = {}
    for affiliation in affiliation_list(actor=actor).filter(person__is_confidential=False):
        cover = covers.setdefault(affiliation.contract_id, ContractCover(contract=affiliation.contract))
        own_subscriber = affiliation.person_id == person.pk and affiliation.role == AffiliationRole.SUBSCRIBER
        cover.is_subscriber |= own_subscriber and _status(affiliation, today) == "open"
        cover.is_welfare = affiliation.contract.product.line == ProductLine.WELFARE
        removable = affiliation.principal_id is not None and affiliation.person_id != person.pk
        status = _status(affiliation, today)
        cover.people.append(CoveredPerson(affiliation, status, removable and status == "open"))
    for cover in covers.values():
        cover.people.sort(key=_subscriber_first)
    _attach_designations(person, [cover for cover in covers.values() if cover.is_welfare and cover.is_subscriber])
    return list(covers.values())


def _subscriber_first(item: CoveredPerson) -> tuple:
    """Subscribers first, then their dependants by start date (the same on every database: no NULL ordering)."""
    affiliation = item.affiliation
    return (affiliation.principal_id is not None, affiliation.start_date, affiliation.person.birth_date, affiliation.pk)


def _attach_designations(person: Person, covers: list[ContractCover]) -> None:
    if not covers:
        return
    by_contract = {cover.contract.pk: cover for cover in covers}
    for designation in DeathBenefitDesignation.objects.filter(person=person, contract_id__in=by_contract):
        cover = by_contract[designation.contract_id]
        cover.designation = cover.designation or designation  # ordered: the first is the one in force


# --- Preferences -----------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceState:
    code: str
    label: str
    enabled: bool
    changed_at: datetime | None
    source: str


def _registration_choice(user: User) -> tuple[bool, datetime] | None:
    """The commercial-information choice made on the registration form (SPEC A1), if any."""
    return user.registrations.order_by("-pk").values_list("commercial_opt_in", "commercial_choice_at").first()


def preference_states(user: User) -> list[PreferenceState]:
    """Each preference's current value: the latest recorded choice, else the default (at most 2 queries)."""
    latest: dict[str, PreferenceChange] = {}
    for change in PreferenceChange.objects.filter(user=user).order_by("code", "-created_at", "-pk"):
        latest.setdefault(change.code, change)
    states = []
    for code in PreferenceCode:
        change = latest.get(code.value)
        if change is not None:
            states.append(PreferenceState(code.value, code.label, change.enabled, change.created_at, change.source))
            continue
        enabled, at, source = PREFERENCE_DEFAULTS[code.value], None, PreferenceSource.DEFAULT
        if code == PreferenceCode.COMMERCIAL and (chosen := _registration_choice(user)) is not None:
            (enabled, at), source = chosen, PreferenceSource.REGISTRATION
        states.append(PreferenceState(code.value, code.label, enabled, at, source))
    return states


def wants(user: User | None, preference_code: str) -> bool:
    """Whether ``user`` wants what ``preference_code`` names (e.g. before sending an alert or a mailing)."""
    if user is None or not getattr(user, "pk", None) or preference_code not in PREFERENCE_DEFAULTS:
        return False
    latest = (
        PreferenceChange.objects.filter(user=user, code=preference_code)
        .order_by("-created_at", "-pk")
        .values_list("enabled", flat=True)
        .first()
    )
    if latest is not None:
        return latest
    if preference_code == PreferenceCode.COMMERCIAL and (chosen := _registration_choice(user)) is not None:
        return chosen[0]
    return PREFERENCE_DEFAULTS[preference_code]


def preference_history(user: User) -> QuerySet[PreferenceChange]:
    """The latest changes, newest first (G1: the date of every choice is kept)."""
    return PreferenceChange.objects.filter(user=user).order_by("-created_at", "-pk")[:HISTORY_LENGTH]
