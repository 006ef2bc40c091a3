"""Calls, payments, allocation, imports, reminders and certificates (contributions.services, imports)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from contracts.choices import ContractKind, ProductLine
from contracts.models import ExpatriationZone
from contracts.tests import factories as cf
from contributions import pricing, services
from contributions.choices import CALL_TRANSITIONS, CallStatus, PaymentSource
from contributions.models import AnnualCertificate, ContributionCall, ReceivedPayment, Reminder
from contributions.services import Quarter
from contributions.tests.helpers import mails, pay_in_full
from people.models import ReferenceSalary
from people.tests.factories import company, person

pytestmark = pytest.mark.django_db

Q1 = Quarter(2026, 1)
TODAY = date(2025, 12, 12)


def generate(quarter=Q1, today=TODAY, **kwargs):
    return services.calls_generate(actor=None, quarter=quarter, today=today, **kwargs)


def test_a_family_pays_per_person_by_age(family):
    (call,) = generate()
    # 46 and 41 in 2026: 39.60 a month each; a child: 19.20; three months.
    assert call.amount_due == Decimal("295.20")
    assert [line.amount for line in call.lines.order_by("position")] == [
        Decimal("118.80"),
        Decimal("118.80"),
        Decimal("57.60"),
    ]
    assert (call.period_start, call.period_end, call.due_date) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 1, 10),
    )
    assert call.receipt_number == "Q-2026-000001"
    assert call.status == CallStatus.ISSUED and call.remaining == Decimal("295.20")
    assert AuditEvent.objects.filter(action="contribution_call.issued").count() == 1


def test_generating_twice_creates_nothing_new(family):
    assert len(generate()) == 1
    assert generate() == []
    call_command("contribution_calls_generate", quarter="2026-Q1")
    call_command("contribution_calls_generate", quarter="2026-Q1")
    assert ContributionCall.objects.count() == 1


def test_a_bad_quarter_is_refused():
    with pytest.raises(ValidationError):
        Quarter.parse("2026-Q5")


def test_payment_frequencies_make_their_periods(db):
    monthly = cf.individual_contract(person(birth_date=date(1990, 1, 1)), payment_frequency="monthly")
    yearly = cf.individual_contract(person(birth_date=date(1990, 1, 1)), payment_frequency="yearly")
    generate()
    assert monthly.contribution_calls.count() == 3
    assert yearly.contribution_calls.get().period_end == date(2026, 12, 31)
    generate(Quarter(2026, 2))
    assert yearly.contribution_calls.count() == 1
    assert monthly.contribution_calls.count() == 6


def test_a_contract_starting_mid_quarter_owes_its_months_only(db):
    contract = cf.individual_contract(person(birth_date=date(1990, 1, 1)), effective_date=date(2026, 2, 15))
    (call,) = generate()
    assert call.period_start == date(2026, 2, 1)
    assert call.amount_due == Decimal("79.20")  # 2 months at 39.60 (36 in 2026)
    assert call.contract == contract


def test_a_collective_contract_pays_per_employee(db):
    contract = cf.collective_contract(company())
    for _ in range(3):
        cf.subscriber(contract, person())
    (call,) = generate()
    assert call.amount_due == Decimal("414.00")  # 3 employees × 46.00 × 3 months


def test_collective_welfare_is_a_rate_of_the_salary_by_pmss_tranche(db):
    product = cf.product(line=ProductLine.WELFARE, for_companies=True)
    contract = cf.collective_contract(company(), product=product)
    employee = person()
    cf.subscriber(contract, employee)
    ReferenceSalary.objects.create(person=employee, amount=Decimal("120000"), effective_date=date(2025, 1, 1))
    (call,) = generate()
    # 10 000 a month: TA 4 005 × 0.90 % + TB 5 995 × 0.90 % = 90.00 a month.
    assert call.amount_due == Decimal("270.00")
    assert contract.kind == ContractKind.COLLECTIVE


def test_salaries_are_read_once_per_contract_and_the_latest_counts(db):
    product = cf.product(line=ProductLine.WELFARE, for_companies=True)
    contracts = []
    for employees in (1, 4):
        contract = cf.collective_contract(company(), product=product)
        for _ in range(employees):
            employee = person()
            cf.subscriber(contract, employee)
            ReferenceSalary.objects.create(person=employee, amount=Decimal("24000"), effective_date=date(2024, 1, 1))
            ReferenceSalary.objects.create(person=employee, amount=Decimal("120000"), effective_date=date(2025, 1, 1))
            ReferenceSalary.objects.create(person=employee, amount=Decimal("60000"), effective_date=date(2026, 6, 1))
        contracts.append(contract)
    counts = []
    for contract in contracts:
        with CaptureQueriesContext(connection) as queries:
            lines = pricing.price(contract, Q1.start, Q1.end)
        counts.append(len(queries))
        assert [line.monthly_amount for line in lines] == [Decimal("90.00")] * len(lines)  # the 2025 salary
    assert counts[0] == counts[1]


def test_expatriates_pay_by_zone(db):
    zone = ExpatriationZone.objects.create(
        code="Z3", name_fr="Zone 3", name_en="Zone 3", emergency_phone="1", assistance_phone="2"
    )
    product = cf.product(line=ProductLine.EXPAT_HEALTH)
    cf.individual_contract(person(birth_date=date(1996, 1, 1)), product=product, zone=zone)
    (call,) = generate()
    assert call.amount_due == Decimal("831.60")  # 30 in 2026: 132.00 × 2.10 × 3


def _two_calls(family):
    generate()
    generate(Quarter(2026, 2))
    return list(family.contract.contribution_calls.order_by("period_start"))


def test_a_payment_goes_to_the_oldest_open_calls(family):
    first, second = _two_calls(family)
    recorded = services.payment_record(
        actor=None,
        source=PaymentSource.TRANSFER,
        reference="VIR-1",
        amount=Decimal("400.00"),
        received_on=date(2026, 1, 8),
        contract=family.contract,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.paid_on) == (CallStatus.PAID, date(2026, 1, 8))
    assert (second.status, second.amount_paid) == (CallStatus.PARTLY_PAID, Decimal("104.80"))
    assert recorded.payment.unallocated == Decimal("0.00")
    more = services.payment_record(
        actor=None,
        source=PaymentSource.TRANSFER,
        reference="VIR-2",
        amount=Decimal("500.00"),
        received_on=date(2026, 4, 8),
        contract=family.contract,
    )
    second.refresh_from_db()
    assert second.status == CallStatus.PAID
    assert more.payment.unallocated == Decimal("309.60")  # kept on the payment for staff


def test_a_payment_is_recorded_once_per_reference(family):
    first, _second = _two_calls(family)
    arguments = {
        "actor": None,
        "source": PaymentSource.CARD,
        "reference": "PSP-1",
        "amount": Decimal("100.00"),
        "received_on": date(2026, 1, 8),
        "call": first,
    }
    assert services.payment_record(**arguments).created
    assert not services.payment_record(**arguments).created
    assert ReceivedPayment.objects.count() == 1
    first.refresh_from_db()
    assert first.amount_paid == Decimal("100.00")


def test_the_call_state_machine(family):
    (call,) = generate()
    assert CALL_TRANSITIONS[CallStatus.PAID] == frozenset()
    services.payment_record(
        actor=None,
        source=PaymentSource.CHEQUE,
        reference="CHQ-1",
        amount=Decimal("10.00"),
        received_on=date(2026, 1, 2),
        call=call,
    )
    with pytest.raises(ValidationError):
        services.call_cancel(actor=None, call=call, reason="mistake")
    (other,) = generate(Quarter(2026, 2))
    services.call_cancel(actor=None, call=other, reason="wrong product")
    other.refresh_from_db()
    assert other.status == CallStatus.CANCELLED and other.remaining == 0
    with pytest.raises(ValidationError):
        services._transition(other, CallStatus.PAID)
    assert len(generate(Quarter(2026, 2))) == 1  # a cancelled period can be called again


CSV = "date;amount;reference\n2026-01-09;295,20;VIR SEPA DURAND {receipt}\n09/01/2026;50.00;VIREMENT SANS REFERENCE\n"


def test_a_bank_statement_is_allocated_and_the_rest_listed(family, django_user_model):
    (call,) = generate()
    staff = django_user_model.objects.create_user("staff-import")
    content = CSV.format(receipt=call.receipt_number).encode()
    result = services.payments_import(actor=staff, file_name="releve.csv", content=content)
    call.refresh_from_db()
    assert call.status == CallStatus.PAID
    assert [payment.amount for payment in result.unmatched] == [Decimal("50.00")]
    again = services.payments_import(actor=staff, file_name="releve.csv", content=content)
    assert (again.payment_import.duplicates, ReceivedPayment.objects.count()) == (2, 2)
    (generated,) = generate(Quarter(2026, 2))
    services.payment_allocate(actor=staff, payment=result.unmatched[0], call=generated)
    generated.refresh_from_db()
    assert generated.amount_paid == Decimal("50.00") and generated.status == CallStatus.PARTLY_PAID


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"date,amount\n2026-01-01,10\n",
        b"date,amount,reference\n2026-13-01,10,x\n",
        b"date,amount,reference\n2026-01-01,-5,x\n",
        b"\xff\xfe",
    ],
)
def test_a_bad_file_stores_nothing(content, django_user_model):
    staff = django_user_model.objects.create_user("staff-bad")
    with pytest.raises(ValidationError):
        services.payments_import(actor=staff, file_name="bad.csv", content=content)
    assert ReceivedPayment.objects.count() == 0


def test_new_calls_and_payments_are_mailed_in_the_users_language(
    family, other_family, django_capture_on_commit_callbacks
):
    other_family.user.language = "fr"
    other_family.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        generate()
    subjects = [subject for _to, subject, _text in mails()]
    assert len(mails()) == 2
    assert any(subject.startswith("Your call for contributions Q-2026-") for subject in subjects)
    assert any(subject.startswith("Votre appel de cotisations Q-2026-") for subject in subjects)
    call = family.contract.contribution_calls.get()
    with django_capture_on_commit_callbacks(execute=True):
        pay_in_full(call, source=PaymentSource.TRANSFER, reference="VIR-9", received_on=date(2026, 1, 5))
    assert any("Payment received: 295.20 EUR" in subject for _to, subject, _text in mails())


def test_reminders_once_per_level(family, django_capture_on_commit_callbacks):
    (call,) = generate()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(actor=None, today=date(2026, 1, 15)) == 0
        assert services.reminders_send(actor=None, today=date(2026, 1, 25)) == 1
        assert services.reminders_send(actor=None, today=date(2026, 1, 26)) == 0
        assert services.reminders_send(actor=None, today=date(2026, 2, 12)) == 1
    assert list(Reminder.objects.order_by("level").values_list("level", flat=True)) == [1, 2]
    assert any("Formal notice" in subject for _to, subject, _text in mails())
    call_command("contribution_reminders_send")
    assert Reminder.objects.filter(call=call).count() == 2


def test_annual_certificates_once_per_holder(family):
    (call,) = generate()
    pay_in_full(call, source=PaymentSource.DIRECT_DEBIT, reference="PRLV-1")
    assert services.annual_certificates_issue(actor=None, year=2026, today=date(2027, 1, 15)) == 1
    assert services.annual_certificates_issue(actor=None, year=2026, today=date(2027, 1, 16)) == 0
    certificate = AnnualCertificate.objects.get()
    assert (certificate.holder_person, certificate.total_paid) == (family.holder, Decimal("295.20"))
