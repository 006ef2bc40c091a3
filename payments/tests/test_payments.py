"""Card payments: the sandbox's hosted page, signed notifications (replays, bad signatures, wrong amounts), the
return page, and the allocation of a successful payment to its call in the notification's transaction."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from contributions.choices import CallStatus
from contributions.models import ReceivedPayment
from contributions.tests.conftest import log_in
from contributions.tests.helpers import mails
from payments.choices import IntentStatus
from payments.models import PaymentIntent, ProviderEvent, SandboxCharge
from payments.providers import sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(monkeypatch):
    """The sandbox's server-to-server POST, made through the test client (no server listens in unit tests)."""
    posted = []

    def deliver(charge):
        body = sandbox.notification_body(charge)
        response = Client().post(
            reverse("payments:notify"),
            body,
            content_type="application/json",
            headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)},
        )
        posted.append((body, response))
        return response.status_code == 200

    monkeypatch.setattr(sandbox, "deliver", deliver)
    return posted


def start(family, call) -> tuple[Client, str]:
    client = log_in(family.user)
    response = client.post(reverse("contributions:pay", args=[call.public_id]))
    return client, response["Location"]


def pay(client: Client, checkout: str, number: str, **fields):
    data = {"number": number, "expiry": "12/39", "cvc": "123", "action": "pay", **fields}
    return client.post(checkout, data)


def test_a_card_payment_pays_the_call_and_mails_a_receipt(family, call, delivered, django_capture_on_commit_callbacks):
    client, checkout = start(family, call)
    page = client.get(checkout)
    assert "295.20 EUR" in page.text and call.receipt_number in page.text and "Card number" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = pay(client, checkout, "4970 1000 0000 0006")
    intent = PaymentIntent.objects.get()
    assert response["Location"] == reverse("payments:return", args=[intent.public_id])
    assert (intent.status, intent.card_brand, intent.card_last4) == (IntentStatus.SUCCEEDED, "CB", "0006")
    call.refresh_from_db()
    assert call.status == CallStatus.PAID
    payment = ReceivedPayment.objects.get()
    assert (payment.source, payment.amount, payment.card_last4) == ("card", Decimal("295.20"), "0006")
    assert any("Payment received: 295.20 EUR" in subject for _to, subject, _text in mails())
    back = client.get(response["Location"])
    assert "Your payment is accepted" in back.text
    assert "4970100000000006" not in json.dumps(list(SandboxCharge.objects.values()), default=str)


def test_a_replayed_notification_records_one_payment(family, call, delivered):
    client, checkout = start(family, call)
    pay(client, checkout, "4242424242424242")
    body, _response = delivered[0]
    again = Client().post(
        reverse("payments:notify"),
        body,
        content_type="application/json",
        headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)},
    )
    assert again.status_code == 200 and again.json()["reason"] == "duplicate"
    assert ReceivedPayment.objects.count() == 1 and ProviderEvent.objects.count() == 1


def _post(body: bytes, signature: str):
    return Client().post(
        reverse("payments:notify"), body, content_type="application/json", headers={sandbox.SIGNATURE_HEADER: signature}
    )


def _settled_body(family, call, monkeypatch, **changes) -> tuple[bytes, PaymentIntent]:
    monkeypatch.setattr(sandbox, "deliver", lambda charge: False)  # the notification is lost on the way
    client, checkout = start(family, call)
    pay(client, checkout, "5555555555554444")
    charge = SandboxCharge.objects.get()
    document = json.loads(sandbox.notification_body(charge))
    document.update(changes)
    return json.dumps(document).encode(), PaymentIntent.objects.get()


def test_a_bad_signature_changes_nothing(family, call, monkeypatch):
    body, intent = _settled_body(family, call, monkeypatch)
    assert _post(body, "t=1,v1=00").status_code == 400
    assert _post(body, sandbox.sign(body).replace("v1=", "v1=0")).status_code == 400
    assert _post(body, sandbox.sign(body, int(time.time()) - 3600)).status_code == 400  # too old
    assert _post(body, "").status_code == 400
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PENDING and not ReceivedPayment.objects.exists()
    # Anyone may post to the endpoint: unsigned posts are logged, never written to the audit trail.
    assert not AuditEvent.objects.filter(action="payment_notification.refused").exists()


def test_a_wrong_amount_is_refused(family, call, monkeypatch):
    body, intent = _settled_body(family, call, monkeypatch, amount="1.00", event_id="evt-forged")
    response = _post(body, sandbox.sign(body))
    assert response.status_code == 400 and response.json()["reason"] == "amount_mismatch"
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PENDING and not ReceivedPayment.objects.exists()


def test_a_lost_notification_is_made_up_on_the_return_page(family, call, monkeypatch):
    _body, intent = _settled_body(family, call, monkeypatch)
    page = log_in(family.user).get(reverse("payments:return", args=[intent.public_id]))
    assert "Your payment is accepted" in page.text
    call.refresh_from_db()
    assert call.status == CallStatus.PAID


def test_a_refused_card_and_a_cancelled_payment(family, call, delivered):
    client, checkout = start(family, call)
    pay(client, checkout, "4000000000000002")
    assert PaymentIntent.objects.get().status == IntentStatus.FAILED
    call.refresh_from_db()
    assert call.status == CallStatus.ISSUED
    client, checkout = start(family, call)
    client.post(checkout, {"action": "cancel"})
    assert PaymentIntent.objects.filter(status=IntentStatus.CANCELLED).count() == 1


def test_3d_secure_asks_for_confirmation(family, call, delivered):
    client, checkout = start(family, call)
    page = pay(client, checkout, "4000000000003220")
    assert "Confirm with your bank" in page.text
    assert PaymentIntent.objects.get().status == IntentStatus.PENDING
    client.post(checkout, {"action": "confirm"})
    assert PaymentIntent.objects.get().status == IntentStatus.SUCCEEDED


@pytest.mark.parametrize(
    ("number", "expiry", "cvc"),
    [("4242424242424241", "12/39", "123"), ("4242424242424242", "01/20", "123"), ("378282246310005", "12/39", "123")],
)
def test_bad_card_input_is_shown_on_the_page(family, call, delivered, number, expiry, cvc):
    client, checkout = start(family, call)
    response = pay(client, checkout, number, expiry=expiry, cvc=cvc)
    assert response.status_code == 400
    assert PaymentIntent.objects.get().status == IntentStatus.PENDING


def test_a_forged_checkout_token_is_not_found(family, call):
    client, checkout = start(family, call)
    assert client.get(checkout[:-3] + "xx/").status_code == 404


def test_brands():
    assert [
        sandbox.brand(n) for n in ("4970100000000006", "4242424242424242", "5555555555554444", "378282246310005")
    ] == [
        "CB",
        "VISA",
        "MASTERCARD",
        "AMEX",
    ]


def test_a_second_click_takes_up_the_same_payment(family, call):
    client = log_in(family.user)
    first = client.post(reverse("contributions:pay", args=[call.public_id]))["Location"]
    second = client.post(reverse("contributions:pay", args=[call.public_id]))["Location"]
    assert PaymentIntent.objects.count() == 1 and first.split("/")[-2][:20] == second.split("/")[-2][:20]


def test_the_sandbox_takes_no_payment_in_production(family, call, settings):
    from django.core.exceptions import ImproperlyConfigured

    from payments.providers import get_provider

    client, checkout = start(family, call)
    settings.PRODUCTION = True
    assert client.get(checkout).status_code == 404
    assert pay(client, checkout, "4242424242424242").status_code == 404
    with pytest.raises(ImproperlyConfigured):
        get_provider()
    call.refresh_from_db()
    assert call.status == CallStatus.ISSUED
