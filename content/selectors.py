"""Reads of published content."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from content.choices import FaqCategory
from content.models import FaqEntry, LibraryDocument, MaintenanceWindow, TermsAcceptance, TermsVersion, fold
from contracts.models import Affiliation, Contract, ExpatriationZone, ZoneCountry
from contracts.selectors import affiliation_list, contract_list
from people.selectors import person_list


def terms_current() -> TermsVersion | None:
    """The version in force: the latest one already published."""
    return TermsVersion.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()


TERMS_CACHE_KEY = "terms:current-id"


def terms_current_id() -> int | None:
    """The id of the terms in force, cached briefly: every request of a logged-in user reads it."""
    terms_id = cache.get(TERMS_CACHE_KEY)
    if terms_id is None:
        terms = terms_current()
        terms_id = terms.pk if terms else 0
        cache.set(TERMS_CACHE_KEY, terms_id, 30)
    return terms_id or None


def terms_accepted(*, user, terms: TermsVersion | None) -> bool:
    return terms is None or TermsAcceptance.objects.filter(user=user, terms=terms).exists()


def maintenance_active(*, feature: str | None = None) -> QuerySet[MaintenanceWindow]:
    """Closures in force now: of the whole site, plus of ``feature`` when one is named."""
    now = timezone.now()
    features = ["site"] if feature is None else ["site", feature]
    return MaintenanceWindow.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), feature__in=features, starts_at__lte=now
    ).order_by("starts_at")


# --- FAQ (SPEC M7) --------------------------------------------------------------------------

FAQ_MAX_WORDS = 8
_FAQ_SECTION_ORDER = Case(
    *[When(category=value, then=Value(index)) for index, value in enumerate(FaqCategory.values)],
    output_field=IntegerField(),
)


def faq_search(*, query: str = "", category: str = "") -> QuerySet[FaqEntry]:
    """Published questions containing every word of ``query`` in either language, whatever the case and accents."""
    entries = FaqEntry.objects.filter(is_published=True)
    for word in fold(query).split()[:FAQ_MAX_WORDS]:
        entries = entries.filter(search_text__contains=word)
    if category:
        entries = entries.filter(category=category)
    return entries.order_by(_FAQ_SECTION_ORDER, "position", "pk")


def faq_staff_list() -> QuerySet[FaqEntry]:
    """Every entry, shown or not, in the order members see them (back office)."""
    return FaqEntry.objects.order_by(_FAQ_SECTION_ORDER, "position", "pk")


# --- Documentation library (SPEC M6) --------------------------------------------------------


def library_list(*, actor) -> QuerySet[LibraryDocument]:
    """Published documents for everyone, plus those restricted to a product of a contract ``actor`` may see."""
    products = contract_list(actor=actor).values("product_id")
    visible = LibraryDocument.objects.filter(is_published=True).filter(
        Q(products__isnull=True) | Q(products__in=products)
    )
    return LibraryDocument.objects.filter(pk__in=visible.values("pk")).order_by("category", "title_fr", "pk")


def library_get(*, actor, public_id) -> LibraryDocument | None:
    """One library document if ``actor`` may read it; None for missing, unpublished and restricted alike."""
    return library_list(actor=actor).filter(public_id=public_id).first()


def library_staff_list() -> QuerySet[LibraryDocument]:
    return LibraryDocument.objects.prefetch_related("products").order_by("category", "title_fr", "pk")


# --- Contract documents of "My documents" (SPEC M6) ----------------------------------------------


@dataclass
class ContractDocuments:
    """A contract and the people whose insurance certificate the viewer may download under it."""

    contract: Contract
    covered: list[Affiliation] = field(default_factory=list)


def contract_documents(*, actor) -> list[ContractDocuments]:
    """Every contract ``actor`` may see with its covered people, in two queries whatever their number."""
    by_contract = {contract.pk: ContractDocuments(contract) for contract in contract_list(actor=actor)}
    covered = (
        affiliation_list(actor=actor)
        .filter(contract_id__in=list(by_contract), person_id__in=person_list(actor=actor).values("pk"))
        .order_by("contract_id", F("principal_id").asc(nulls_first=True), "start_date", "pk")
    )
    for affiliation in covered:
        by_contract[affiliation.contract_id].covered.append(affiliation)
    return list(by_contract.values())


# --- Help: emergency and assistance numbers by zone (SPEC M7) ----------------------------------


@dataclass(frozen=True)
class HelpZones:
    """The viewer's own zones first (from their contracts or country of residence), then the others."""

    mine: list[ExpatriationZone]
    others: list[ExpatriationZone]


ZONE_HOLDERS = ("member", "company", "agent")  # staff read every contract: no zone is "theirs"


def _zone_ids_of(actor) -> list[int]:
    """The zones of the contracts the actor is insured by or manages; else that of their country of residence."""
    if actor is None or actor.kind not in ZONE_HOLDERS:
        return []
    ids = list(contract_list(actor=actor).filter(zone__isnull=False).order_by().values_list("zone_id", flat=True))
    if not ids and actor.person_id:
        country = actor.person.country_of_residence
        ids = list(ZoneCountry.objects.filter(country=country).values_list("zone_id", flat=True))
    return ids


def help_zones(*, actor) -> HelpZones:
    """All expatriation zones with their numbers, the viewer's first."""
    mine_ids = set(_zone_ids_of(actor))
    zones = list(ExpatriationZone.objects.order_by("code"))
    grouped: dict[bool, list[ExpatriationZone]] = defaultdict(list)
    for zone in zones:
        grouped[zone.pk in mine_ids].append(zone)
    return HelpZones(mine=grouped[True], others=grouped[False])


def maintenance_active_all() -> QuerySet[MaintenanceWindow]:
    """Closures in force or planned, of any feature (the back office lists them to end them)."""
    now = timezone.now()
    return MaintenanceWindow.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)).order_by("starts_at")
