"""Reads of claims, scoped by who looks (DESIGN: one place decides who sees what).

- member: the claims they submitted as subscriber and those where they are the beneficiary;
- claims staff and administrators: every claim;
- everyone else (company, agent, professional, other staff): none — claims are health data.

``validated_items`` and ``payable_claims`` are for the benefit statements and the payment batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.permissions import has_role
from audit.selectors import events_for_target
from claims.choices import DECIDED, PAYABLE, ItemDecision
from claims.models import CareDocument, CareItem, Claim, ClaimDraft, ClaimsSuspension
from contracts.models import CareCategory

CLAIMS_ROLES = (StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)


def is_claims_staff(profile) -> bool:
    return bool(profile) and profile.kind == ProfileKind.STAFF and has_role(profile, *CLAIMS_ROLES)


def _scope(actor) -> Q | None:
    if not actor:
        return None
    if actor.kind == ProfileKind.MEMBER and actor.person_id:
        mine = Q(member_id=actor.person_id) | Q(beneficiary_id=actor.person_id)
        return mine & Q(contract__is_confidential=False)
    if is_claims_staff(actor):
        return Q()
    return None


def claim_list(*, actor) -> QuerySet[Claim]:
    """The claims ``actor`` may see, newest first, with what a list shows (constant number of queries)."""
    scope = _scope(actor)
    if scope is None:
        return Claim.objects.none()
    return (
        Claim.objects.filter(scope)
        .select_related("beneficiary", "member", "contract")
        .annotate(item_count=_item_count())
        .order_by("-submitted_at", "-pk")
    )


def _item_count() -> Subquery:
    """The number of care items, as a subquery run for the rows of the page only: a ``Count("items")`` would group
    the whole table's items before the page is cut (seconds with a million claims)."""
    items = CareItem.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk"))
    return Subquery(items.values("n"), output_field=IntegerField())


def _items_prefetch() -> Prefetch:
    documents = Prefetch("documents", queryset=CareDocument.objects.order_by("pk"))
    return Prefetch(
        "items", queryset=CareItem.objects.select_related("category").prefetch_related(documents).order_by("position")
    )


def claim_get(*, actor, public_id, details: bool = True) -> Claim | None:
    """One claim with its items and documents, or None when it does not exist or ``actor`` may not see it;
    without ``details``, the claim alone (what an action on it checks before its service reads it again)."""
    scope = _scope(actor)
    if scope is None:
        return None
    claims = Claim.objects.filter(scope, public_id=public_id)
    if not details:
        return claims.first()
    return (
        claims.select_related("beneficiary", "member", "contract", "contract__product", "terms", "submitted_by")
        .prefetch_related(_items_prefetch())
        .first()
    )


def document_get(*, actor, public_id) -> CareDocument | None:
    """A submitted document whose claim ``actor`` may see."""
    scope = _scope(actor)
    if scope is None:
        return None
    claims = Claim.objects.filter(scope).values("pk")
    return (
        CareDocument.objects.filter(public_id=public_id, item__claim__in=claims)
        .select_related("item", "item__claim")
        .first()
    )


def claim_by_key(*, user, idempotency_key: str) -> Claim | None:
    return Claim.objects.filter(submitted_by=user, idempotency_key=str(idempotency_key)).first()


def draft_get(*, profile) -> ClaimDraft | None:
    if not profile or profile.kind != ProfileKind.MEMBER:
        return None
    return ClaimDraft.objects.filter(profile=profile).first()


def draft_documents(draft: ClaimDraft) -> dict[str, list[CareDocument]]:
    """The draft's stored documents by item key."""
    found: dict[str, list[CareDocument]] = {}
    for document in draft.documents.order_by("pk"):
        found.setdefault(document.draft_item, []).append(document)
    return found


def active_suspension(person_id) -> ClaimsSuspension | None:
    return ClaimsSuspension.objects.filter(person_id=person_id, lifted_at__isnull=True).first()


# --- Back office -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    older_than_days: int | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    category: str = ""
    duplicates: bool = False


def backoffice_queue(*, actor, filters: QueueFilters) -> QuerySet[Claim]:
    """The claims queue, oldest first, filtered; the query count does not grow with the page."""
    claims = claim_list(actor=actor) if is_claims_staff(actor) else Claim.objects.none()
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.older_than_days is not None:
        claims = claims.filter(submitted_at__lte=timezone.now() - timedelta(days=filters.older_than_days))
    if filters.min_total is not None:
        claims = claims.filter(total_claimed__gte=filters.min_total)
    if filters.max_total is not None:
        claims = claims.filter(total_claimed__lte=filters.max_total)
    if filters.category:
        claims = claims.filter(pk__in=_claims_with_category(filters.category))
    if filters.duplicates:
        claims = claims.filter(has_duplicates=True)
    suspended = ClaimsSuspension.objects.filter(person=OuterRef("member"), lifted_at__isnull=True)
    return claims.annotate(member_suspended=Exists(suspended)).order_by("submitted_at", "pk")


def _claims_with_category(code: str) -> QuerySet:
    """Ids of the claims holding an item of the care type ``code``, as a subquery the database can run first: with a
    million claims, a correlated EXISTS walked the whole queue for a care type nobody claims."""
    category = CareCategory.objects.filter(code=code).values_list("pk", flat=True).first()
    return CareItem.objects.filter(category_id=category).values("claim_id")


def pending_count() -> int:
    return Claim.objects.filter(status="in_progress").count()


def suspension_list() -> QuerySet[ClaimsSuspension]:
    return ClaimsSuspension.objects.select_related("person", "suspended_by", "lifted_by").order_by(
        "lifted_at", "-starts_at"
    )


def duplicates_of(claim: Claim) -> dict[str, list[str]]:
    """For each flagged item or document of ``claim`` (by public id), the references of the other claims holding
    the same care item or the same document (two queries whatever the claim's size)."""
    items = list(claim.items.all())
    found: dict[str, set[str]] = {}
    flagged = [item for item in items if item.is_duplicate]
    if flagged:
        same = Q()
        for item in flagged:
            same |= same_item_q(claim.beneficiary_id, item)
        twins = (
            CareItem.objects.filter(same)
            .exclude(claim=claim)
            .values_list("care_date", "category_id", "amount", "currency", "claim__reference")
        )
        for care_date, category_id, amount, currency, reference in twins:
            for item in flagged:
                if (item.care_date, item.category_id, item.amount, item.currency) == (
                    care_date,
                    category_id,
                    amount,
                    currency,
                ):
                    found.setdefault(str(item.public_id), set()).add(reference)
        for item, line in _paid_elsewhere(claim, flagged):
            found.setdefault(str(item.public_id), set()).add(f"{line.reference} ({line.get_channel_display()})")
    documents = [doc for item in items for doc in item.documents.all() if doc.is_duplicate]
    if documents:
        twins = CareDocument.objects.filter(
            sha256__in={doc.sha256 for doc in documents}, item__isnull=False
        ).values_list("pk", "sha256", "item__claim__reference")
        for pk, sha256, reference in twins:
            for doc in documents:
                if doc.sha256 == sha256 and doc.pk != pk:
                    found.setdefault(str(doc.public_id), set()).add(reference)
    return {key: sorted(refs) for key, refs in found.items()}


def _paid_elsewhere(claim: Claim, items: list[CareItem]) -> list[tuple]:
    """(item, ledger line) for the items whose act another channel paid (the scheme's flow, an invoice): one query."""
    from ledger import claims_hooks  # ledger builds on claims: imported when used

    return claims_hooks.paid_elsewhere(claim.beneficiary_id, items)


def same_item_q(beneficiary_id, item: CareItem) -> Q:
    """The same care claimed again: same beneficiary, date, category, amount and currency (SPEC C8)."""
    return Q(
        claim__beneficiary_id=beneficiary_id,
        care_date=item.care_date,
        category_id=item.category_id,
        amount=item.amount,
        currency=item.currency,
    )


# --- For the engine, the benefit statements (M9) and the payment batches -------------------------


def ceilings_used(
    *, beneficiary_id, contract_id, periods: Iterable[tuple[int, date, date]], exclude_claim_id=None
) -> dict[tuple[int, date], Decimal]:
    """What the insurer paid this beneficiary and contract in each (category, start, end) ceiling period, keyed by
    (category, start), every channel together (the benefits ledger of issue 13: online claims, third-party payment,
    the scheme's flow), in one aggregate query. A claim being decided has no ledger line yet, so
    ``exclude_claim_id`` (kept for callers) changes nothing."""
    from ledger.selectors import ceilings_used as ledger_ceilings_used  # ledger builds on claims: imported when used

    return ledger_ceilings_used(beneficiary_id=beneficiary_id, contract_id=contract_id, periods=periods)


def validated_items(*, person, start: date, end: date) -> QuerySet[CareItem]:
    """Accepted care items of ``person`` (the beneficiary) with care in [start, end], from decided claims, with
    their frozen amounts and explanations: what a benefit statement lists."""
    return (
        CareItem.objects.filter(
            claim__beneficiary=person,
            claim__status__in=DECIDED,
            decision=ItemDecision.ACCEPTED,
            care_date__range=(start, end),
        )
        .select_related("claim", "category")
        .order_by("care_date", "claim__reference", "position")
    )


def payable_claims() -> QuerySet[Claim]:
    """Validated (wholly or partly) claims with something to pay and not paid yet: for the payment batches."""
    return (
        Claim.objects.filter(status__in=PAYABLE, paid_at__isnull=True, total_reimbursed__gt=0)
        .select_related("member", "beneficiary", "contract", "submitted_by")
        .order_by("decided_at", "pk")
    )


@dataclass(frozen=True)
class ClaimHistory:
    """When a claim's steps happened, from what is recorded: the staff's first assessment (audit trail) and the
    reading of its documents (the reading app's rows, reached through their relation: claims imports no reading)."""

    assessed_at: datetime | None
    documents_read: int
    documents_reading: int
    last_read_at: datetime | None
    documents_added: tuple[datetime, ...] = ()  # when the member added a missing document after submitting


DOCUMENT_ADDED = "claim.item_documents_added"


def claim_history(claim: Claim) -> ClaimHistory:
    events = list(
        events_for_target(target=claim)
        .filter(action__in=("claim.items_assessed", DOCUMENT_ADDED))
        .values_list("action", "occurred_at")
    )
    readings = CareDocument.objects.filter(item__claim=claim, reading__isnull=False).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(reading__status="pending")),
        last=Max("reading__updated_at", filter=~Q(reading__status="pending")),
    )
    return ClaimHistory(
        assessed_at=next((when for action, when in events if action == "claim.items_assessed"), None),
        documents_read=readings["total"] - readings["pending"],
        documents_reading=readings["pending"],
        last_read_at=readings["last"],
        documents_added=tuple(when for action, when in events if action == DOCUMENT_ADDED),
    )
