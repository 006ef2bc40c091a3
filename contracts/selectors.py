"""Contracts and affiliations as each profile may see them (DESIGN: one place decides who sees what).

- member: contracts the person is or was covered by, and within them their own
  affiliation and, for a subscriber, their dependants';
- company: its collective contracts and everyone affiliated to them;
- agent: contracts under a mandate in force (or ended within the grace period);
- professional: nothing here (rights are checked from a card number);
- staff: everything, for the roles that need it.
Confidential contracts (SPEC X8) are shown to staff only.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import Profile
from accounts.permissions import reads_records
from contracts.models import Affiliation, Contract, GuaranteeLine


def mandate_open_since() -> object:
    """Mandates ended before this date no longer give access (SPEC E8 grace period)."""
    return timezone.localdate() - relativedelta(months=settings.ACCOUNT_GRACE_MONTHS)


def _contract_scope(actor: Profile | None) -> Q | None:
    if actor is None:
        return None
    if actor.kind == ProfileKind.MEMBER:
        return Q(affiliations__person_id=actor.person_id)
    if actor.kind == ProfileKind.COMPANY:
        return Q(holder_company_id=actor.company_id)
    if actor.kind == ProfileKind.AGENT:
        open_mandate = Q(mandates__end_date__isnull=True) | Q(mandates__end_date__gte=mandate_open_since())
        return Q(mandates__agent_id=actor.agent_id) & open_mandate
    if actor.kind == ProfileKind.STAFF and reads_records(actor):
        return Q()
    return None


def contract_list(*, actor: Profile | None) -> QuerySet[Contract]:
    """The contracts ``actor`` may see, with what a list page shows."""
    scope = _contract_scope(actor)
    if scope is None:
        return Contract.objects.none()
    contracts = Contract.objects.filter(scope)
    if actor.kind != ProfileKind.STAFF:
        contracts = contracts.filter(is_confidential=False)
    ids = contracts.values("pk")
    return (
        Contract.objects.filter(pk__in=ids)
        .select_related("product", "holder_person", "holder_company", "zone")
        .order_by("-effective_date", "number")
    )


def affiliation_list(*, actor: Profile | None) -> QuerySet[Affiliation]:
    """The affiliations ``actor`` may see: a member sees their own and their dependants'."""
    contracts = contract_list(actor=actor).values("pk")
    affiliations = Affiliation.objects.filter(contract_id__in=contracts)
    if actor is not None and actor.kind == ProfileKind.MEMBER:
        own = Q(person_id=actor.person_id)
        affiliations = affiliations.filter(own | Q(principal__person_id=actor.person_id))
    return affiliations.select_related("person", "contract", "contract__product", "principal").order_by(
        "contract__number", "principal_id", "start_date"
    )


def contract_get(*, actor: Profile | None, public_id) -> Contract | None:
    """One contract if ``actor`` may see it; None for missing, confidential and forbidden alike."""
    return contract_list(actor=actor).filter(public_id=public_id).first()


def contract_covered(*, actor: Profile | None, contract: Contract) -> QuerySet[Affiliation]:
    """The people under ``contract`` that ``actor`` may see, without people withheld from the portal (SPEC X8);
    subscribers first."""
    covered = affiliation_list(actor=actor).filter(contract=contract)
    if actor is not None and actor.kind != ProfileKind.STAFF:
        covered = covered.filter(person__is_confidential=False)
    return covered.order_by(F("principal_id").asc(nulls_first=True), "start_date", "person__last_name", "pk")


def certificate_subscriber_get(*, actor: Profile | None, contract: Contract, affiliation_id=None) -> Affiliation | None:
    """The subscriber affiliation whose certificate covers a person (by affiliation id; by default the actor's
    own cover): theirs, or their subscriber's. None when that person is not visible."""
    covered = contract_covered(actor=actor, contract=contract)
    if affiliation_id is not None:
        affiliation = covered.filter(public_id=affiliation_id).first()
    elif actor is not None and actor.person_id:
        affiliation = covered.filter(person_id=actor.person_id).first()
    else:
        return None
    return None if affiliation is None else (affiliation.principal or affiliation)


def next_guarantee_change(product_id: int, after: date) -> date | None:
    """The first day after ``after`` on which the product's guarantee table changes (a version starts), or None."""
    return (
        GuaranteeLine.objects.filter(product_id=product_id, valid_from__gt=after)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )


def category_tariffs(category_ids) -> dict[int, list]:
    """Every version of the default tariff of each category, oldest first (one query for a whole claim)."""
    from contracts.models import BaseTariff

    found: dict[int, list] = {}
    rows = BaseTariff.objects.filter(category_id__in=set(category_ids), is_category_default=True).order_by("valid_from")
    for tariff in rows:
        found.setdefault(tariff.category_id, []).append(tariff)
    return found


def tariff_on(*, on: date, act_code: str = "", category_id: int | None = None):
    """The base tariff in force on ``on`` for the act code, else the category's default act (None if none): one
    query for both."""
    from contracts.models import BaseTariff

    if not act_code and category_id is None:
        return None
    wanted = Q(act_code=act_code) if act_code else Q()
    if category_id is not None:
        wanted |= Q(category_id=category_id, is_category_default=True)
    found = list(BaseTariff.objects.in_force(on).filter(wanted))
    return next((t for t in found if act_code and t.act_code == act_code), None) or next(
        (t for t in found if t.category_id == category_id and t.is_category_default), None
    )
