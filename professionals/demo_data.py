"""The demo professional's third-party-payment invoices, the payments that settled some, and one conversation.

Dr Claire Morel (demo professional 0, the one with a login) has treated demo members covered by health contracts
with third-party payment: GP consultations at the 2026 tariff (30 EUR, the compulsory scheme paying 70 % of the base
minus the 2 EUR flat fee, we pay the rest of the base), some with an excess fee. Older invoices are paid in two
monthly payments, one was partly accepted, one rejected, the last ones wait in the back-office queue. Everything is
made through the services, with the demo's claims and requests staff as actors, from a random generator of its own
(the other apps' demo data stays the same whatever this module draws).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from random import Random

from django.utils import timezone

from accounts.models import User
from benefits.selectors import card_for
from demo import identifiers
from demo.accounts import STAFF_USERNAMES
from demo.context import DemoContext, add_months, month_start
from demo.data import FRENCH_CITIES
from demo.members import holder_number
from demo.network import professional_identifier
from people.models import Person
from people.services import Address
from professionals import geo, services
from professionals.choices import Decision, RejectionReason, TPDomain
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional
from providers.services import agreement_create, professional_create

SEED = "professionals-demo"
CONSULTATION = Decimal("30.00")
COMPULSORY = Decimal("19.00")  # 70 % of the 30 EUR base, minus the 2 EUR flat fee the patient keeps
PATIENTS = 8


@dataclass(frozen=True)
class Visit:
    days_ago: int
    excess: Decimal  # excess fee above the base (dépassement), claimed when the guarantee covers it
    outcome: str  # "paid", "partial", "rejected", "received"


VISITS = (
    Visit(82, Decimal("0"), "paid"),
    Visit(76, Decimal("5.00"), "paid"),
    Visit(70, Decimal("0"), "paid"),
    Visit(64, Decimal("0"), "paid"),
    Visit(55, Decimal("10.00"), "partial"),
    Visit(47, Decimal("0"), "paid"),
    Visit(41, Decimal("0"), "paid"),
    Visit(33, Decimal("0"), "rejected"),
    Visit(26, Decimal("5.00"), "paid"),
    Visit(12, Decimal("0"), "received"),
    Visit(6, Decimal("5.00"), "received"),
    Visit(2, Decimal("0"), "received"),
)


def _staff(role) -> User:
    return User.objects.get(username=STAFF_USERNAMES[role])


def _patients(on) -> list[tuple[Person, str]]:
    """Demo members with a third-party-payment card on ``on``: (patient, member number on the card)."""
    found = []
    for person in Person.objects.filter(membership_number__in=[holder_number(i) for i in range(3 * PATIENTS)]):
        card = card_for(person, on)
        if card is not None:
            found.append((person, card.member_number))
    found.sort(key=lambda pair: pair[1])
    return found[:PATIENTS]


def _receive(ctx: DemoContext, rng: Random, professional, index: int, visit: Visit, patient) -> object:
    person, card_number = patient
    care_date = ctx.today - timedelta(days=visit.days_ago)
    received = datetime.combine(
        care_date + timedelta(days=1), time(9, 30 + index), tzinfo=timezone.get_current_timezone()
    )
    return services.invoice_receive(
        actor=None,
        professional=professional,
        number=f"FT{care_date:%y%m%d}{rng.randint(100, 999)}{index:02d}",
        care_date=care_date,
        domain=TPDomain.MED,
        card_number=card_number,
        beneficiary=person,
        total_amount=CONSULTATION + visit.excess,
        compulsory_amount=COMPULSORY,
        claimed_amount=CONSULTATION - COMPULSORY - Decimal("2.00") + visit.excess,
        received_at=received,
        act_code="G",
        base_amount=CONSULTATION,  # issue 13: the invoice goes through the guarantee engine on this base
    )


def _decide(invoice, visit: Visit, staff: User) -> None:
    if visit.outcome == "received":
        return
    when = {"decided_at": min(invoice.received_at + timedelta(days=3), timezone.now())}
    if visit.outcome == "rejected":
        services.invoice_decide(
            actor=staff,
            invoice=invoice,
            decision=Decision.REJECT,
            reason=RejectionReason.UNKNOWN_BENEFICIARY,
            note="Le patient n'est pas bénéficiaire de cette carte : demandez-lui sa carte à jour.",
            **when,
        )
    elif visit.outcome == "partial":
        services.invoice_decide(
            actor=staff,
            invoice=invoice,
            decision=Decision.PARTIAL,
            accepted_amount=invoice.claimed_amount - visit.excess,
            reason=RejectionReason.ABOVE_GUARANTEE,
            note="Le dépassement d'honoraires n'est pas couvert par la garantie du patient.",
            **when,
        )
    else:
        services.invoice_decide(actor=staff, invoice=invoice, decision=Decision.ACCEPT, **when)


def _pay_by_month(ctx: DemoContext, professional, invoices: list, staff: User) -> int:
    """One payment at the start of each month for the invoices accepted the month before."""
    payments = 0
    this_month = month_start(ctx.today)
    for months_back in (3, 2, 1):
        start = add_months(this_month, -months_back)
        end = add_months(start, 1)
        due = [
            invoice.public_id for invoice in invoices if start <= invoice.care_date < end and invoice.accepted_amount
        ]
        if due:
            services.payment_record(
                actor=staff, professional=professional, invoice_ids=due, paid_on=min(end + timedelta(days=4), ctx.today)
            )
            payments += 1
    return payments


def _conversation(professional, staff: User) -> None:
    from accounts.models import Profile

    profile = Profile.objects.filter(professional=professional, is_active=True).first()
    if profile is None:
        return
    message = services.message_send(
        actor=profile,
        subject="Facture rejetée : carte de tiers payant",
        body="Bonjour,\nUne de mes factures a été rejetée alors que la patiente m'a présenté sa carte. "
        "Pouvez-vous vérifier ?\nCordialement,\nDr Claire Morel",
        idempotency_key="demo-message-1",
    )
    services.message_reply(
        actor=staff,
        message=message,
        body="Bonjour Docteur,\nLa patiente n'était plus couverte par cette carte à la date des soins : "
        "elle dépend depuis du contrat de son employeur. Vous pouvez lui demander de régler la consultation.\n"
        "Bien cordialement,\nLe service des professionnels de santé",
        from_staff=True,
    )


# Partners of the directory (M11) around the demo members' towns outside Paris: a GP, a dentist, a pharmacy and an
# optician in each, so that a member searching near home finds someone.
REGIONAL = (
    (ProfessionalKind.PRACTITIONER, Specialty.GENERAL_PRACTICE, "Dr {surname}", "rpps"),
    (ProfessionalKind.PRACTITIONER, Specialty.DENTISTRY, "Dr {surname}, chirurgien-dentiste", "rpps"),
    (ProfessionalKind.FACILITY, Specialty.PHARMACY, "Pharmacie {surname}", "finess"),
    (ProfessionalKind.FACILITY, Specialty.OPTICS, "Optique {surname}", "finess"),
)


def _regional_partners(ctx: DemoContext, rng: Random) -> int:
    towns = sorted({(city, postcode) for city, postcode, _dept in FRENCH_CITIES if city != "Paris"})
    made = 0
    for town_index, (city, postcode) in enumerate(towns):
        place = geo.locate(f"{city} {postcode}") or geo.locate(city)
        if place is None:
            continue
        for kind_index, (kind, specialty, pattern, register) in enumerate(REGIONAL):
            number = 500 + town_index * len(REGIONAL) + kind_index
            identifier = (
                {"rpps": identifiers.rpps(7_654_321 + number * 7_919)}
                if register == "rpps"
                else {"finess": identifiers.finess(postcode[:2], 300_000 + number * 131)}
            )
            professional = professional_create(
                actor=None,
                kind=kind,
                name=pattern.format(surname=ctx.fake().last_name()),
                specialty=specialty,
                phone=identifiers.landline_phone(ctx.rng),
                address=Address(line1=ctx.fake().street_address(), postal_code=postcode, city=city),
                latitude=place.latitude + rng.uniform(-0.02, 0.02),
                longitude=place.longitude + rng.uniform(-0.03, 0.03),
                is_partner_network=True,
                **identifier,
            )
            start = month_start(ctx.days_ago(180, 6 * 365))
            agreement_create(
                actor=None, professional=professional, number=f"TP{76_000_000 + number:08d}", start_date=start
            )
            made += 1
    return made


def build(ctx: DemoContext) -> None:
    rng = Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    ctx.stats["professionals"] += _regional_partners(ctx, rng)
    professional = HealthProfessional.objects.get(rpps=professional_identifier(0)["rpps"])
    patients = _patients(ctx.today)
    if not patients:
        return
    claims_staff = _staff("claims")
    invoices = []
    for index, visit in enumerate(VISITS):
        invoice = _receive(ctx, rng, professional, index, visit, patients[index % len(patients)])
        _decide(invoice, visit, claims_staff)
        invoice.refresh_from_db()
        invoices.append(invoice)
    ctx.stats["tp invoices"] += len(invoices)
    ctx.stats["tp payments"] += _pay_by_month(ctx, professional, invoices, claims_staff)
    _conversation(professional, _staff("requests"))
