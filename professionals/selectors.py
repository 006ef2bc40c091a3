"""Reads of the professional space, scoped by who looks (DESIGN: one place decides who sees what).

A professional profile sees its own invoices, payments and messages, nothing else; every other profile sees none.
Staff reads (claims staff for invoices and payments, request handlers for messages) are separate functions the
back-office views call after their role check. ``rights_lookup`` answers the rights check (SPEC H2) from exactly
what the member's third-party-payment card shows (``benefits.selectors.card_for``).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, Exists, FloatField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile
from accounts.permissions import has_role
from benefits.selectors import Card, CardDomain, card_for
from contracts.choices import AffiliationRole
from contracts.models import Affiliation, Contract
from contracts.pdf import GuaranteeRow, guarantee_rows
from core.home import Awaited, Figure, SpaceHome, recent_since
from core.money import euros
from people.models import Person
from professionals import geo
from professionals.choices import PAYABLE, InvoiceStatus, MessageStatus
from professionals.models import ContactMessage, Invoice, ProfessionalPayment
from providers.models import HealthProfessional, TPAgreement
from registration.matching import normalise_name

INVOICE_ROLES = (StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)
MESSAGE_ROLES = (StaffRole.REQUESTS, StaffRole.ADMINISTRATOR)


def _as_uuid(value: UUID | str) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _open_on(on: date) -> Q:
    """Rows (agreements, affiliations) in force on ``on``: started, and not ended before."""
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def professional_of(actor: Profile | None) -> HealthProfessional | None:
    """The professional record a profile acts for; None for every other kind of profile."""
    if actor is None or actor.kind != ProfileKind.PROFESSIONAL or not actor.professional_id:
        return None
    return actor.professional


def has_agreement_in_force(professional: HealthProfessional, on: date | None = None) -> bool:
    """Whether a third-party-payment agreement binds the professional today: without one, no rights check."""
    return TPAgreement.objects.filter(_open_on(on or timezone.localdate()), professional=professional).exists()


# --- Invoices and payments (H1) --------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    care_from: date | None = None
    care_to: date | None = None


def _filtered(invoices: QuerySet[Invoice], filters: InvoiceFilters | None) -> QuerySet[Invoice]:
    filters = filters or InvoiceFilters()
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    if filters.care_from:
        invoices = invoices.filter(care_date__gte=filters.care_from)
    if filters.care_to:
        invoices = invoices.filter(care_date__lte=filters.care_to)
    return invoices


def invoice_list(*, actor: Profile | None, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    """The invoices the acting professional sent, last received first, with the beneficiary and the payment."""
    professional = professional_of(actor)
    if professional is None:
        return Invoice.objects.none()
    invoices = Invoice.objects.filter(professional=professional).select_related("beneficiary", "payment")
    return _filtered(invoices, filters).order_by("-received_at", "-pk")


def invoice_get(*, actor: Profile | None, public_id: UUID | str) -> Invoice | None:
    key = _as_uuid(public_id)
    return invoice_list(actor=actor).filter(public_id=key).first() if key else None


def payment_list(*, actor: Profile | None) -> QuerySet[ProfessionalPayment]:
    professional = professional_of(actor)
    if professional is None:
        return ProfessionalPayment.objects.none()
    return ProfessionalPayment.objects.filter(professional=professional).order_by("-paid_on", "-pk")


def payment_get(*, actor: Profile | None, public_id: UUID | str) -> ProfessionalPayment | None:
    key = _as_uuid(public_id)
    return payment_list(actor=actor).filter(public_id=key).first() if key else None


def payment_invoices(payment: ProfessionalPayment) -> QuerySet[Invoice]:
    return payment.invoices.select_related("beneficiary").order_by("care_date", "number")


@dataclass(frozen=True)
class InvoiceTotals:
    count: int
    claimed: Decimal
    accepted: Decimal


def invoice_totals(invoices: QuerySet[Invoice]) -> InvoiceTotals:
    """One query: how many invoices a filtered list holds and what they add up to."""
    found = invoices.order_by().aggregate(
        count=Count("pk"), claimed=Sum("claimed_amount"), accepted=Sum("accepted_amount")
    )
    return InvoiceTotals(found["count"], found["claimed"] or Decimal("0.00"), found["accepted"] or Decimal("0.00"))


# --- Back office: invoices and payments --------------------------------------------------------------


def is_invoice_staff(actor: Profile | None) -> bool:
    return has_role(actor, *INVOICE_ROLES)


def invoice_queue(*, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    """Every invoice for claims staff, oldest received first (the queue is worked in order of arrival)."""
    invoices = Invoice.objects.select_related("professional", "beneficiary", "payment")
    return _filtered(invoices, filters).order_by("received_at", "pk")


def invoice_get_for_staff(*, actor: Profile | None, public_id: UUID | str) -> Invoice | None:
    key = _as_uuid(public_id)
    if key is None or not is_invoice_staff(actor):
        return None
    return (
        Invoice.objects.select_related("professional", "beneficiary", "payment", "decided_by")
        .filter(public_id=key)
        .first()
    )


def pending_invoice_count() -> int:
    return Invoice.objects.filter(status=InvoiceStatus.RECEIVED).count()


@dataclass
class PayableGroup:
    """The accepted, unpaid invoices of one professional: what one payment would settle."""

    professional: HealthProfessional
    invoices: list[Invoice] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((invoice.accepted_amount or Decimal("0.00") for invoice in self.invoices), Decimal("0.00"))


def payable_groups() -> list[PayableGroup]:
    """Accepted invoices not paid yet, grouped by professional: one query whatever their number."""
    invoices = (
        Invoice.objects.filter(status__in=PAYABLE, payment__isnull=True, accepted_amount__gt=0)
        .select_related("professional", "beneficiary")
        .order_by("professional__name", "professional_id", "received_at", "pk")
    )
    groups: dict[int, PayableGroup] = {}
    for invoice in invoices:
        groups.setdefault(invoice.professional_id, PayableGroup(invoice.professional)).invoices.append(invoice)
    return list(groups.values())


def staff_payment_list() -> QuerySet[ProfessionalPayment]:
    return ProfessionalPayment.objects.select_related("professional", "created_by").order_by("-paid_on", "-pk")


def staff_payment_get(*, actor: Profile | None, public_id: UUID | str) -> ProfessionalPayment | None:
    key = _as_uuid(public_id)
    if key is None or not is_invoice_staff(actor):
        return None
    return staff_payment_list().filter(public_id=key).first()


# --- Messages (H3) ------------------------------------------------------------------------------------


def message_list(*, actor: Profile | None) -> QuerySet[ContactMessage]:
    professional = professional_of(actor)
    if professional is None:
        return ContactMessage.objects.none()
    return ContactMessage.objects.filter(professional=professional).order_by("-last_activity_at", "-pk")


def message_get(*, actor: Profile | None, public_id: UUID | str) -> ContactMessage | None:
    key = _as_uuid(public_id)
    if key is None:
        return None
    professional = professional_of(actor)
    return ContactMessage.objects.filter(professional=professional, public_id=key).first() if professional else None


def is_message_staff(actor: Profile | None) -> bool:
    return has_role(actor, *MESSAGE_ROLES)


def message_queue(*, status: str = "") -> QuerySet[ContactMessage]:
    messages = ContactMessage.objects.select_related("professional").annotate(reply_count=Count("replies"))
    if status:
        messages = messages.filter(status=status)
    return messages.order_by("last_activity_at", "pk")


def message_get_for_staff(*, actor: Profile | None, public_id: UUID | str) -> ContactMessage | None:
    key = _as_uuid(public_id)
    if key is None or not is_message_staff(actor):
        return None
    return ContactMessage.objects.select_related("professional", "author").filter(public_id=key).first()


def open_message_count() -> int:
    return ContactMessage.objects.filter(status=MessageStatus.OPEN).count()


def message_replies(message: ContactMessage):
    return message.replies.order_by("created_at", "pk")


# --- Rights check (H2) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoveredPerson:
    """One person of the card the professional named, and how long their own rights run."""

    name: str
    birth_date: date
    role: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class RightsAnswer:
    card: Card
    care_date: date
    covered: list[CoveredPerson]
    domains: list[CardDomain]
    guarantees: list[GuaranteeRow]


def _same_person(person: Person, *, last_name: str, first_name: str, birth_date: date, on: date) -> bool:
    names = {normalise_name(person.last_name), normalise_name(person.birth_name)} - {""}
    alive = person.death_date is None or person.death_date >= on
    return (
        alive
        and person.birth_date == birth_date
        and normalise_name(last_name) in names
        and normalise_name(first_name) == normalise_name(person.first_name)
    )


def _covered(affiliation: Affiliation, card: Card) -> CoveredPerson:
    ends = [end for end in (affiliation.end_date, card.valid_to) if end is not None]
    return CoveredPerson(
        name=affiliation.person.full_name,
        birth_date=affiliation.person.birth_date,
        role=affiliation.get_role_display(),
        valid_from=max(affiliation.start_date, card.valid_from),
        valid_to=min(ends),
    )


def rights_lookup(
    *, card_number: str, last_name: str, first_name: str, birth_date: date, on: date
) -> RightsAnswer | None:
    """The card ``card_number`` names on ``on`` and the people on it matching the identity given; None for a wrong
    number, a wrong identity, rights closed that day or a withheld record alike (no enumeration)."""
    number = (card_number or "").strip().upper()
    holder = Person.objects.filter(membership_number=number, is_confidential=False).first() if number else None
    card = card_for(holder, on) if holder is not None else None
    if card is None or card.member_number != number or not card.covers(on):
        return None
    rows = (
        Affiliation.objects.filter(_open_on(on), contract__number=card.contract_number, person__is_confidential=False)
        .filter(Q(person=holder, role=AffiliationRole.SUBSCRIBER) | Q(principal__person=holder))
        .select_related("person")
        .order_by("person__birth_date", "pk")
    )
    identity = {"last_name": last_name, "first_name": first_name, "birth_date": birth_date, "on": on}
    covered = [_covered(row, card) for row in rows if _same_person(row.person, **identity)]
    if not covered:
        return None
    product = Contract.objects.select_related("product").get(number=card.contract_number).product
    guarantees = [row for row in guarantee_rows(product) if row.line.category.tp_domain]
    return RightsAnswer(card=card, care_date=on, covered=covered, domains=card.domains, guarantees=guarantees)


def care_date_bounds(today: date | None = None) -> tuple[date, date]:
    """The care dates a check may name: two years back (late invoices) to 90 days ahead (planned care)."""
    today = today or timezone.localdate()
    return today - timedelta(days=2 * 366), today + timedelta(days=90)


# --- Partner-network directory (M11) ------------------------------------------------------------------

RADII_KM = (5, 10, 25, 50, 100)


def _distance_km(latitude: float, longitude: float):
    """The haversine distance from a point to each row, computed by the database (SQLite gets the math functions
    from Django), so that sorting by distance and paginating stay in SQL."""
    lat = Radians(Cast("latitude", FloatField()))
    lon = Radians(Cast("longitude", FloatField()))
    lat0, lon0 = Value(math.radians(latitude)), Value(math.radians(longitude))
    half_dlat = Sin((lat - lat0) / Value(2.0))
    half_dlon = Sin((lon - lon0) / Value(2.0))
    h = Power(half_dlat, 2) + Value(math.cos(math.radians(latitude))) * Cos(lat) * Power(half_dlon, 2)
    return Value(2 * geo.EARTH_RADIUS_KM) * ASin(Sqrt(h))


def network_search(*, latitude: float, longitude: float, radius_km: int, specialty: str = "") -> QuerySet:
    """Partner professionals with an agreement in force within ``radius_km``, nearest first, each with ``distance``
    (km). The bounding box is an indexed prefilter; the exact distance then keeps the circle."""
    south, north, west, east = geo.bounding_box(latitude, longitude, radius_km)
    agreements = TPAgreement.objects.filter(_open_on(timezone.localdate()), professional=OuterRef("pk"))
    rows = HealthProfessional.objects.filter(
        is_partner_network=True,
        latitude__gte=_coordinate(south),
        latitude__lte=_coordinate(north),
        longitude__gte=_coordinate(west),
        longitude__lte=_coordinate(east),
    ).filter(Exists(agreements))
    if specialty:
        rows = rows.filter(specialty=specialty)
    return (
        rows.annotate(distance=_distance_km(latitude, longitude))
        .filter(distance__lte=radius_km)
        .order_by("distance", "name", "pk")
    )


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.5f}")


def home_summary(profile: Profile) -> SpaceHome:
    """What a professional's home puts first (four queries): invoices we rejected and messages we answered lately,
    then the invoices being checked and those accepted but not paid yet."""
    since = recent_since()
    invoices = invoice_list(actor=profile)
    awaited = [
        Awaited(
            "invoice",
            gettext("Invoice %(number)s of %(date)s was rejected: %(reason)s.")
            % {
                "number": invoice.number,
                "date": date_format(invoice.care_date, "SHORT_DATE_FORMAT"),
                "reason": invoice.get_rejection_reason_display(),
            },
            reverse("professionals:invoice", args=[invoice.public_id]),
        )
        for invoice in invoices.filter(status=InvoiceStatus.REJECTED, decided_at__gte=since)[:5]
    ]
    answered = message_list(actor=profile).filter(status=MessageStatus.ANSWERED, last_activity_at__gte=since)
    awaited += [
        Awaited(
            "message",
            gettext("We answered your message “%(subject)s”.") % {"subject": message.subject},
            reverse("professionals:message", args=[message.public_id]),
        )
        for message in answered[:5]
    ]
    checking = invoice_totals(invoices.filter(status=InvoiceStatus.RECEIVED))
    to_pay = invoice_totals(invoices.filter(status__in=(InvoiceStatus.ACCEPTED, InvoiceStatus.PARTIALLY_ACCEPTED)))
    url = reverse("professionals:invoices")
    figures = [
        Figure(gettext("Invoices being checked"), f"{checking.count} · {euros(checking.claimed)}", url),
        Figure(gettext("Accepted, payment on its way"), f"{to_pay.count} · {euros(to_pay.accepted)}", url),
    ]
    return SpaceHome(awaited=awaited, figures=figures)
