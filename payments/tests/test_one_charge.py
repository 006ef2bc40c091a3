"""One charge per call (issue 10, item 5): one payment in progress per call, a checkout given up is refused (and
refunded if the provider took the money anyway), an over-payment is flagged and refundable, replays change nothing."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import StaffRole
from audit.models import AuditEvent
from contributions import services as contribution_services
from contributions.choices import CallStatus, PaymentSource
from contributions.models import ContributionCall, ReceivedPayment
from contributions.payments import card_payment_start
from contributions.tests.conftest import log_in
from payments import services
from payments.choices import IntentStatus
from payments.models import PaymentIntent, ProviderEvent, SandboxCharge
from payments.providers import sandbox
from registration.tests.helpers import logged_in_staff


def checkout_of(url: str) -> sandbox.Checkout:
    return sandbox.checkout_read(unquote(url.rstrip("/").rsplit("/", 1)[1]))


def provider_takes(url: str, status: str = IntentStatus.SUCCEEDED, *, even_if_closed: bool = False) -> bytes:
    """The payer types a good card on the provider's page; the signed notification the provider would send."""
    charge = sandbox.charge_open(checkout_of(url))
    if even_if_closed:  # a provider that ignores the merchant's cancellation
        charge.status = IntentStatus.PENDING
    sandbox.charge_settle(charge, status, card_brand="VISA", card_last4="4242")
    return sandbox.notification_body(charge)


def notify(body: bytes) -> services.Outcome:
    return services.notification_receive(body=body, headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def credited(call: ContributionCall) -> Decimal:
    call.refresh_from_db()
    return call.amount_paid


@pytest.mark.django_db
def test_a_second_checkout_takes_up_the_payment_in_progress(family, call):
    first = card_payment_start(actor=family.user, call=call)
    second = card_payment_start(actor=family.user, call=call)
    assert first.intent.pk == second.intent.pk
    assert PaymentIntent.objects.filter(status=IntentStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_two_payments_in_progress_for_one_call(family, call):
    card_payment_start(actor=family.user, call=call)
    extra = PaymentIntent(
        provider="sandbox",
        purpose="contribution_call",
        target_id=call.public_id,
        description="x",
        amount=Decimal("1.00"),
        status=IntentStatus.PENDING,
        created_by=family.user,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        extra.save()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_checkouts_both_paid_credit_the_call_once(family, call):
    """Two tabs start paying the same call at the same moment, and both pay on the provider's page."""
    if connection.vendor == "sqlite" and not connection.settings_dict["OPTIONS"].get("transaction_mode"):
        pytest.skip("SQLite without immediate transactions")
    urls, barrier = [], threading.Barrier(2)

    def checkout():
        try:
            barrier.wait()
            urls.append(card_payment_start(actor=family.user, call=ContributionCall.objects.get(pk=call.pk)).url)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=checkout) for _ in range(2)]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    assert len(urls) == 2
    bodies = [provider_takes(url) for url in urls]
    outcomes = []

    def deliver(body):
        try:
            barrier.wait()
            outcomes.append(notify(body))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    assert all(outcome.accepted for outcome in outcomes)
    assert credited(call) == call.amount_due and ReceivedPayment.objects.count() == 1
    assert SandboxCharge.objects.filter(status=IntentStatus.SUCCEEDED).count() == 1  # one charge on the card
    for body in bodies:  # replays
        assert notify(body).reason == "duplicate"
    assert credited(call) == call.amount_due and ReceivedPayment.objects.count() == 1


@pytest.mark.django_db
def test_a_replaced_checkout_is_refused_by_the_provider_and_refunded_if_paid_anyway(family, call):
    old = card_payment_start(actor=family.user, call=call)
    contribution_services.payment_record(
        actor=None,
        source=PaymentSource.TRANSFER,
        reference="VIR-1",
        amount=Decimal("100.00"),
        received_on=date(2026, 1, 5),
        call=call,
        notify=False,
    )
    call.refresh_from_db()
    new = card_payment_start(actor=family.user, call=call)  # the remaining amount changed: a new payment
    old.intent.refresh_from_db()
    assert old.intent.status == IntentStatus.CANCELLED and new.intent.pk != old.intent.pk
    assert log_in(family.user).get(old.url).status_code == 302  # the provider's old page takes no card

    body = provider_takes(old.url, even_if_closed=True)
    outcome = notify(body)
    assert (outcome.accepted, outcome.reason) == (True, "refunded")
    old.intent.refresh_from_db()
    charge = SandboxCharge.objects.get(intent_id=old.intent.public_id)
    assert old.intent.refunded_amount == old.intent.amount == charge.refunded
    assert credited(call) == Decimal("100.00")  # the old checkout credited nothing
    assert AuditEvent.objects.filter(action="payment_intent.refunded", target_id=str(old.intent.public_id)).exists()
    assert notify(body).reason == "duplicate" and SandboxCharge.objects.get(pk=charge.pk).refunded == charge.refunded

    assert notify(provider_takes(new.url)).accepted
    assert credited(call) == call.amount_due


@pytest.mark.django_db
def test_an_expired_checkout_paid_is_refunded_not_credited(family, call):
    started = card_payment_start(actor=family.user, call=call)
    PaymentIntent.objects.filter(pk=started.intent.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    outcome = notify(provider_takes(started.url))
    assert outcome.reason == "refunded"
    started.intent.refresh_from_db()
    assert started.intent.status == IntentStatus.CANCELLED and started.intent.refunded_amount == started.intent.amount
    assert credited(call) == 0 and not ReceivedPayment.objects.exists()


@pytest.mark.django_db
def test_an_over_payment_is_flagged_and_staff_refund_it(family, call, django_assert_max_num_queries):
    started = card_payment_start(actor=family.user, call=call)
    contribution_services.payment_record(  # the call is paid by transfer while the card page is open
        actor=None,
        source=PaymentSource.TRANSFER,
        reference="VIR-2",
        amount=call.amount_due,
        received_on=date(2026, 1, 5),
        call=call,
        notify=False,
    )
    assert notify(provider_takes(started.url)).accepted
    call.refresh_from_db()
    assert call.status == CallStatus.PAID and call.amount_paid == call.amount_due
    extra = ReceivedPayment.objects.get(source=PaymentSource.CARD)
    assert extra.unallocated == extra.amount  # no other open call: flagged to staff, not kept silently

    client, _staff = logged_in_staff(StaffRole.CONTRIBUTIONS)
    listing = client.get(reverse("contributions_backoffice:unallocated"))
    assert extra.reference in listing.text and "Refund to the card" in listing.text
    with django_assert_max_num_queries(30):
        response = client.post(reverse("contributions_backoffice:refund", args=[extra.public_id]))
    assert response.status_code == 302
    extra.refresh_from_db()
    assert (extra.unallocated, extra.refunded) == (0, extra.amount)
    assert SandboxCharge.objects.get(intent_id=started.intent.public_id).refunded == extra.amount
    assert AuditEvent.objects.filter(action="contribution_payment.refunded").count() == 1
    again = client.post(reverse("contributions_backoffice:refund", args=[extra.public_id]))
    assert (
        again.status_code == 302
        and SandboxCharge.objects.get(intent_id=started.intent.public_id).refunded == extra.amount
    )
    assert ProviderEvent.objects.count() == 1
