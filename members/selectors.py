"""Reads of the member space, each scoped by the viewer's profile through the contracts selectors.

A member sees their own person, the contracts they are covered by and, on those where they
are the subscriber, their dependants (``contracts.selectors.affiliation_list`` decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from claims.choices import AWAITING_DOCUMENT, DECIDED, ClaimStatus, ItemDecision
from claims.models import CareItem
from claims.selectors import claim_list
from contracts.choices import AffiliationRole, ContractKind, ProductLine
from contracts.models import Affiliation, Contract
from contracts.selectors import affiliation_list, contract_list
from contributions.selectors import call_list, overdue_awaited, standing
from core.home import Awaited, recent_since
from demarches.selectors import awaited_requests
from documents.pdf import paris_today
from ledger import selectors as ledger_selectors
from ledger.choices import Channel as LedgerChannel
from ledger.choices import Source as LedgerSource
from members.choices import PREFERENCE_DEFAULTS, PreferenceCode, PreferenceSource
from members.models import DeathBenefitDesignation, PreferenceChange
from people.models import Person, ReferenceSalary, person_name

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


# --- The member's home: what is happening (SPEC issue 14), the same for the page and GET /api/me/home -------------

HOME_REIMBURSEMENTS = 3
HOME_CLAIMS = 5
CEILING_WARNING = Decimal("0.25")  # a ceiling with less than a quarter left is "running out"
DOCUMENT_REFUSALS = AWAITING_DOCUMENT


@dataclass(frozen=True)
class Reimbursement:
    """A reimbursement in money, read from the benefits ledger: a decided online claim (its accepted acts together)
    or one act the compulsory scheme sent us (``claim_id`` None): what the member spent, the compulsory scheme paid,
    we paid, they still pay."""

    claim_id: object
    reference: str
    beneficiary: str
    care_date: date | None
    decided_at: datetime | None
    paid_at: datetime | None
    status: str
    status_label: str
    spent: Decimal
    compulsory: Decimal
    reimbursed: Decimal
    channel: str = LedgerChannel.ONLINE_CLAIM

    @property
    def left_to_pay(self) -> Decimal:
        return self.spent - self.compulsory - self.reimbursed


@dataclass(frozen=True)
class ClaimInProgress:
    claim_id: object
    reference: str
    beneficiary: str
    submitted_at: datetime
    total_claimed: Decimal
    next_step: str


@dataclass(frozen=True)
class Ceiling:
    beneficiary: str
    category: str
    ceiling: Decimal
    left: Decimal
    period_years: int


@dataclass(frozen=True)
class Contributions:
    overdue: Decimal
    overdue_count: int
    oldest_overdue: date | None
    upcoming: Decimal
    upcoming_count: int
    next_due: date | None
    by_direct_debit: bool
    overdue_by_direct_debit: bool


@dataclass(frozen=True)
class HomeSummary:
    reimbursements: list[Reimbursement]
    claims_in_progress: list[ClaimInProgress]
    awaited: list[Awaited]
    contributions: Contributions
    ceilings: list[Ceiling]


def _cents(value) -> Decimal:
    """A sum from the database as euros and cents (SQLite hands a subquery's sum back as a float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


# What the home shows of a claim and of a decided item, and nothing more: most of the page's time is Python building
# rows (each Person row decrypts its NIR; the member and contract rows were read for nothing).
_BENEFICIARY_NAME = ("beneficiary__first_name", "beneficiary__last_name")
_HOME_CLAIM_FIELDS = (
    *("public_id", "reference", "status", "submitted_at", "total_claimed", "decided_at", "paid_at"),
    *("originals_requested_at", "originals_note", *_BENEFICIARY_NAME),
)
_HOME_ITEM_FIELDS = (
    *("decision", "refusal_reason", "care_date", "explanation", "reimbursed_amount"),
    *("category__name_fr", "category__name_en"),
    *("claim__decided_at", "claim__reference", "claim__public_id", "claim__paid_at"),
    *(f"claim__{name}" for name in _BENEFICIARY_NAME),
)


def _home_claims(actor: Profile) -> QuerySet:
    """The member's claims (``claim_list``'s scope) with only the columns the home shows."""
    return claim_list(actor=actor).select_related(None).select_related("beneficiary").only(*_HOME_CLAIM_FIELDS)


# What a reimbursement on the home shows of a ledger line and of an online claim: read as plain rows (no Person row,
# so no NIR decrypted; no computation JSON), the page's largest section otherwise.
_HOME_LINE_FIELDS = (
    *("pk", "source_type", "source_id", "created_at", "care_date", "expense", "compulsory_paid", "paid_amount"),
    *("reference", "paid_at", "payment_state", "channel", "beneficiary__first_name", "beneficiary__last_name"),
)
_HOME_LINE_CLAIM_FIELDS = ("pk", "claim_id", *(f"claim__{name}" for name in ("public_id", "reference", "decided_at")))
_HOME_LINE_CLAIM_FIELDS += ("claim__paid_at", "claim__status")


def recent_reimbursements(*, actor: Profile, limit: int = HOME_REIMBURSEMENTS) -> list[Reimbursement]:
    """The last reimbursements of the benefits ledger, every channel (``ledger.selectors.member_feed``, the feed the
    member's *My reimbursements* page lists): an online claim's acts together, each act of another channel on its
    own, last decided first. Two queries: the last lines, and the claims of the online ones."""
    if actor is None or actor.kind != ProfileKind.MEMBER or not actor.person_id:
        return []
    # A claim holds at most ten items, written together: ``limit`` claims fit in ten lines each.
    lines = ledger_selectors.member_recent(person_id=actor.person_id, fields=_HOME_LINE_FIELDS, limit=limit * 10)
    online = [line["source_id"] for line in lines if line["source_type"] == LedgerSource.CARE_ITEM]
    items = CareItem.objects.filter(pk__in=online).values(*_HOME_LINE_CLAIM_FIELDS) if online else []
    claims = {str(item["pk"]): item for item in items}
    groups: dict[tuple, tuple] = {}
    for line in lines:
        claim = claims.get(line["source_id"]) if line["source_type"] == LedgerSource.CARE_ITEM else None
        key = ("claim", claim["claim_id"]) if claim else ("line", line["pk"])
        groups.setdefault(key, (claim, []))[1].append(line)
    return [_reimbursement(claim, group) for claim, group in list(groups.values())[:limit]]


def _reimbursement(claim: dict | None, lines: list[dict]) -> Reimbursement:
    first = lines[0]

    def total(column: str) -> Decimal:
        return _cents(sum((line[column] for line in lines), Decimal("0.00")))

    money = {"spent": total("expense"), "compulsory": total("compulsory_paid"), "reimbursed": total("paid_amount")}
    who = {
        "beneficiary": person_name(first["beneficiary__first_name"], first["beneficiary__last_name"]),
        "care_date": min(line["care_date"] for line in lines),
    }
    if claim is not None:
        return Reimbursement(
            claim_id=claim["claim__public_id"],
            reference=claim["claim__reference"],
            decided_at=claim["claim__decided_at"],
            paid_at=claim["claim__paid_at"],
            status=claim["claim__status"],
            status_label=str(ClaimStatus(claim["claim__status"]).label),
            **who,
            **money,
        )
    return Reimbursement(
        claim_id=None,
        reference=first["reference"],
        decided_at=first["created_at"],
        paid_at=first["paid_at"],
        status=first["payment_state"],
        status_label=str(LedgerChannel(first["channel"]).label),
        channel=first["channel"],
        **who,
        **money,
    )


def _claims_and_originals(actor: Profile, since: datetime) -> tuple[list[ClaimInProgress], list[Awaited]]:
    """Claims in progress with their next step, and the originals asked for lately (one query)."""

    claims = (
        _home_claims(actor)
        .filter(Q(status=ClaimStatus.IN_PROGRESS) | Q(originals_requested_at__gte=since))
        .order_by("-submitted_at", "-pk")[: HOME_CLAIMS * 2]
    )
    in_progress, awaited = [], []
    for claim in claims:
        originals = claim.originals_requested_at is not None and claim.originals_requested_at >= since
        url = reverse("claims:detail", args=[claim.public_id])
        if originals:
            awaited.append(
                Awaited(
                    "originals",
                    gettext("Send us the originals of claim %(reference)s: %(note)s")
                    % {"reference": claim.reference, "note": claim.originals_note},
                    url,
                )
            )
        if claim.status == ClaimStatus.IN_PROGRESS and len(in_progress) < HOME_CLAIMS:
            step = (
                gettext("We asked for the originals: the claim is decided once we receive them.")
                if originals
                else gettext("Our claims team is checking your documents; you get an email once it is decided.")
            )
            in_progress.append(
                ClaimInProgress(
                    claim.public_id,
                    claim.reference,
                    claim.beneficiary.full_name,
                    claim.submitted_at,
                    claim.total_claimed,
                    step,
                )
            )
    return in_progress, awaited


HOME_ITEMS = 40  # the last decided items the home reads for its refusals and ceilings


def _refusals_and_ceilings(actor: Profile, since: datetime) -> tuple[list[Awaited], list[Ceiling]]:
    """Items refused for a missing or illegible document lately, and the period ceilings running out (one query over
    the last decided items of the last decided claims, so its cost does not grow with the member's history)."""

    # The last decided claims only (at most one per item wanted): the items of a member's whole history would be
    # joined and sorted otherwise (2,299 items of 238 claims, 5 ms, for the load benchmark's busiest member).
    last_decided = claim_list(actor=actor).filter(status__in=DECIDED).order_by("-decided_at", "-pk")[:HOME_ITEMS]
    items = (
        CareItem.objects.filter(
            claim__in=last_decided.values("pk"),
            decision__in=(ItemDecision.ACCEPTED, ItemDecision.REFUSED),
        )
        .select_related("claim__beneficiary", "category")
        .only(*_HOME_ITEM_FIELDS)
        .order_by("-claim__decided_at", "-care_date", "-pk")[:HOME_ITEMS]
    )
    awaited, ceilings, seen = [], [], set()
    new_claim = reverse("claims:new")
    for item in items:
        if item.decision == ItemDecision.REFUSED:
            if item.refusal_reason in DOCUMENT_REFUSALS and item.claim.decided_at and item.claim.decided_at >= since:
                values = {
                    "category": item.category.name,
                    "date": date_format(item.care_date, "SHORT_DATE_FORMAT"),
                    "reference": item.claim.reference,
                    "reason": item.get_refusal_reason_display(),
                }
                if item.awaits_document:  # the claim's page takes the document (issue 14)
                    text = gettext(
                        "%(category)s of %(date)s (claim %(reference)s) was refused: %(reason)s. Add the missing "
                        "document on the claim's page."
                    )
                    url, kind = reverse("claims:detail", args=[item.claim.public_id]), "missing_document"
                else:
                    text = gettext(
                        "%(category)s of %(date)s (claim %(reference)s) was refused: %(reason)s. Send it again "
                        "with the right document in a new claim."
                    )
                    url, kind = new_claim, "document"
                awaited.append(Awaited(kind, text % values, url))
            continue
        key = (item.claim.beneficiary_id, item.category_id)
        if key in seen:
            continue
        seen.add(key)
        step = next((s for s in (item.explanation or {}).get("steps", []) if s.get("code") == "period_ceiling"), None)
        if step is None:
            continue
        params = step.get("params") or {}
        ceiling = Decimal(params.get("ceiling", "0"))
        left = max(Decimal("0.00"), Decimal(params.get("cap", "0")) - (item.reimbursed_amount or Decimal("0.00")))
        if ceiling > 0 and left < ceiling * CEILING_WARNING:
            ceilings.append(
                Ceiling(
                    item.claim.beneficiary.full_name,
                    item.category.name,
                    ceiling,
                    left,
                    int(params.get("years", 1) or 1),
                )
            )
    return awaited, ceilings


def _contributions(totals: dict) -> Contributions:
    return Contributions(**{**totals, "overdue": _cents(totals["overdue"]), "upcoming": _cents(totals["upcoming"])})


def home_summary(profile: Profile) -> HomeSummary:
    """What the member's home shows, for the page and the API alike: five queries, whatever the history's size."""

    since = recent_since()
    in_progress, originals = _claims_and_originals(profile, since)
    refusals, ceilings = _refusals_and_ceilings(profile, since)
    totals = standing(call_list(actor=profile), today=paris_today())
    return HomeSummary(
        reimbursements=recent_reimbursements(actor=profile),
        claims_in_progress=in_progress,
        awaited=overdue_awaited(totals) + originals + refusals + awaited_requests(actor=profile, limit=HOME_CLAIMS),
        contributions=_contributions(totals),
        ceilings=ceilings,
    )
