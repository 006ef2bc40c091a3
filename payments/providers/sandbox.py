"""The built-in sandbox provider: a payment service provider that runs inside the portal on its own URLs
(``/pay/sandbox/…``) and speaks the same protocol a real one does.

1. ``start``: the portal hands the payer a checkout URL carrying a signed, expiring token (amount, currency,
   merchant reference, payment id, return URL): the hosted page trusts nothing else.
2. The hosted page takes the card (number, expiry, CVC: never sent to, nor stored by, the portal side; the sandbox
   keeps only the brand and last four digits) and decides with the test cards below, some after a 3-D Secure-like
   confirmation.
3. It sends the portal an HMAC-SHA256-signed notification (``X-Sandbox-Signature: t=<unix time>,v1=<hex>`` over
   ``"<t>.<body>"``), server to server, then redirects the payer to the return page.
4. ``fetch`` answers the portal's status question with the same signed document, so a lost notification is made up.
5. ``cancel`` closes a checkout (its page then sends the payer back without taking the card); ``refund`` gives money
   taken back (recorded on the charge, at most what was taken).

The secret is ``settings.PAYMENT_SANDBOX_SECRET``, else a key derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.urls import reverse
from stdnum import luhn

from payments.choices import CardBrand, IntentStatus
from payments.models import PaymentIntent, SandboxCharge
from payments.providers.base import InvalidNotificationError, Notification, RefundError

logger = logging.getLogger(__name__)

CODE = "sandbox"
SIGNATURE_HEADER = "X-Sandbox-Signature"
MAX_AGE_SECONDS = 300
CHECKOUT_MAX_AGE = 3600
CHECKOUT_SALT = "payments.sandbox.checkout"

# The test cards of the sandbox (any future expiry date, any CVC).
SUCCEEDS = "succeeds"
REFUSED = "refused"
THREE_DS = "3ds"
TEST_CARDS = {
    "4970100000000006": SUCCEEDS,  # CB (co-badged Visa)
    "4242424242424242": SUCCEEDS,  # Visa
    "5555555555554444": SUCCEEDS,  # Mastercard
    "378282246310005": SUCCEEDS,  # American Express
    "4000000000000002": REFUSED,  # refused by the issuer
    "4000000000003220": THREE_DS,  # asks for 3-D Secure confirmation
}


def secret() -> bytes:
    configured = getattr(settings, "PAYMENT_SANDBOX_SECRET", None)
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return hmac.new(settings.SECRET_KEY.encode(), b"openmutuelle.payments.sandbox", hashlib.sha256).digest()


def sign(body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(body: bytes, header: str, now: float | None = None) -> None:
    """Refuse a notification whose signature is wrong or whose time is more than 5 minutes away."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, given = int(parts["t"]), parts["v1"]
    except (ValueError, KeyError, AttributeError) as exc:
        raise InvalidNotificationError("malformed signature") from exc
    if abs((time.time() if now is None else now) - timestamp) > MAX_AGE_SECONDS:
        raise InvalidNotificationError("signature too old")
    expected = sign(body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise InvalidNotificationError("bad signature")


# --- Cards -----------------------------------------------------------------------------------------------


def brand(number: str) -> str:
    """The card scheme from the number's first digits (CB for the French co-badged range used in tests)."""
    if number.startswith("4970"):
        return CardBrand.CB
    if number.startswith("4"):
        return CardBrand.VISA
    if number[:2] in {"34", "37"}:
        return CardBrand.AMEX
    if 51 <= int(number[:2] or 0) <= 55 or 2221 <= int(number[:4] or 0) <= 2720:
        return CardBrand.MASTERCARD
    return ""


def card_errors(number: str, expiry: str, cvc: str, today: date) -> dict[str, str]:
    """What is wrong with the card typed on the hosted page (field → error code)."""
    errors = {}
    if not number.isdigit() or not 13 <= len(number) <= 19 or not luhn.is_valid(number) or not brand(number):
        errors["number"] = "number"
    try:
        month, year = (int(part) for part in expiry.replace(" ", "").split("/"))
        year += 2000 if year < 100 else 0
        if not 1 <= month <= 12 or (year, month) < (today.year, today.month):
            errors["expiry"] = "expiry"
    except ValueError:
        errors["expiry"] = "expiry"
    if not cvc.isdigit() or len(cvc) != (4 if brand(number) == CardBrand.AMEX else 3):
        errors["cvc"] = "cvc"
    return errors


# --- Checkout token ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    intent_id: str
    amount: Decimal
    currency: str
    description: str
    return_url: str


def checkout_token(intent: PaymentIntent) -> str:
    payload = {
        "i": str(intent.public_id),
        "a": str(intent.amount),
        "c": intent.currency,
        "d": intent.description,
        "r": reverse("payments:return", args=[intent.public_id]),
    }
    return signing.dumps(payload, key=secret(), salt=CHECKOUT_SALT, compress=True)


def checkout_read(token: str) -> Checkout | None:
    try:
        data = signing.loads(token, key=secret(), salt=CHECKOUT_SALT, max_age=CHECKOUT_MAX_AGE)
        return Checkout(data["i"], Decimal(data["a"]), data["c"], data["d"], data["r"])
    except (signing.BadSignature, KeyError, TypeError, InvalidOperation):
        return None


# --- The provider's side: charges and notifications ------------------------------------------------------


def charge_open(checkout: Checkout) -> SandboxCharge:
    """The sandbox's record of a checkout, made once per payment id."""
    return _charge(checkout.intent_id, checkout.amount, checkout.currency)


def _charge(intent_id, amount: Decimal, currency: str) -> SandboxCharge:
    return SandboxCharge.objects.get_or_create(
        intent_id=intent_id,
        defaults={
            "reference": f"SBX-{uuid.uuid4().hex[:16].upper()}",
            "amount": amount,
            "currency": currency,
            "status": IntentStatus.PENDING,
        },
    )[0]


def charge_settle(charge: SandboxCharge, status: str, *, card_brand: str = "", card_last4: str = "", reason: str = ""):
    """Fix the outcome of a charge once; later attempts on a settled charge change nothing."""
    if charge.status != IntentStatus.PENDING:
        return charge
    charge.status, charge.card_brand, charge.card_last4, charge.reason = status, card_brand, card_last4, reason
    charge.save(update_fields=["status", "card_brand", "card_last4", "reason", "updated_at"])
    return charge


def charge_ask_3ds(charge: SandboxCharge, *, card_brand: str, card_last4: str) -> SandboxCharge:
    """Hold a charge for the payer's 3-D Secure confirmation (it stays pending)."""
    charge.card_brand, charge.card_last4, charge.reason = card_brand, card_last4, "3ds_required"
    charge.save(update_fields=["card_brand", "card_last4", "reason", "updated_at"])
    return charge


def notification_body(charge: SandboxCharge) -> bytes:
    document = {
        "event_id": f"evt-{charge.reference}-{charge.status}",
        "type": f"payment.{charge.status}",
        "payment_id": str(charge.intent_id),
        "reference": charge.reference,
        "amount": str(charge.amount),
        "currency": charge.currency,
        "status": charge.status,
        "card": {"brand": charge.card_brand, "last4": charge.card_last4},
        "reason": charge.reason,
    }
    return json.dumps(document, separators=(",", ":")).encode()


def notification_url() -> str:
    """The merchant's notification URL, as configured with a real provider: the portal's own address."""
    return settings.PORTAL_URL + reverse("payments:notify")


def deliver(charge: SandboxCharge) -> bool:
    """POST the signed notification to the portal, as the provider's servers would; False when it did not arrive
    (the return page then asks the provider with ``fetch``)."""
    body = notification_body(charge)
    request = urllib.request.Request(  # noqa: S310 - the portal's own configured address, http(s) only
        notification_url(),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)},
    )
    if not request.full_url.startswith(("http://", "https://")):
        return False
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - checked above
            return 200 <= response.status < 300
    except OSError as exc:
        logger.warning("sandbox notification not delivered: %s", exc)
        return False


def parse(body: bytes) -> Notification:
    try:
        data = json.loads(body)
        card = data.get("card") or {}
        return Notification(
            event_id=str(data["event_id"])[:80],
            intent_id=str(data["payment_id"]),
            status=str(data["status"]),
            amount=Decimal(str(data["amount"])),
            currency=str(data["currency"])[:3],
            provider_reference=str(data["reference"])[:80],
            card_brand=str(card.get("brand", ""))[:20],
            card_last4=str(card.get("last4", ""))[-4:],
            reason=str(data.get("reason", ""))[:80],
        )
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation) as exc:
        raise InvalidNotificationError("unreadable notification") from exc


class SandboxProvider:
    code = CODE

    def start(self, intent: PaymentIntent) -> str:
        return reverse("payments:sandbox_checkout", args=[checkout_token(intent)])

    def parse_notification(self, body: bytes, headers) -> Notification:
        verify(body, headers.get(SIGNATURE_HEADER, ""))
        return parse(body)

    def fetch(self, intent: PaymentIntent) -> Notification | None:
        charge = SandboxCharge.objects.filter(intent_id=intent.public_id).first()
        if charge is None or charge.status == IntentStatus.PENDING:
            return None
        body = notification_body(charge)
        return self.parse_notification(body, {SIGNATURE_HEADER: sign(body)})

    def cancel(self, intent: PaymentIntent) -> None:
        charge_settle(_charge(intent.public_id, intent.amount, intent.currency), IntentStatus.CANCELLED,
                      reason="cancelled_by_merchant")

    def refund(self, intent: PaymentIntent, amount: Decimal) -> str:
        charge = SandboxCharge.objects.select_for_update().filter(intent_id=intent.public_id).first()
        if charge is None or charge.status != IntentStatus.SUCCEEDED or charge.refunded + amount > charge.amount:
            raise RefundError("nothing to refund")
        charge.refunded += amount
        charge.save(update_fields=["refunded", "updated_at"])
        return f"RFD-{charge.reference}-{charge.refunded}"
