"""The one interface every payment service provider adapter speaks (DESIGN: card payments).

The portal never sees a card number: it starts a payment and sends the payer to the provider's hosted page
(``start``), trusts a result only from a signed server-to-server notification (``parse_notification``), and may ask
the provider for the status of a payment it has not heard about (``fetch``). A checkout the portal gave up on is
cancelled at the provider (``cancel``: its hosted page then refuses the card), and money the portal must not keep
goes back to the card (``refund``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from payments.models import PaymentIntent


class RefundError(RuntimeError):
    """The provider did not refund (nothing was taken, or more than was taken was asked)."""


class InvalidNotificationError(ValueError):
    """A notification that is not signed by the provider, too old, or unreadable: it is ignored."""


@dataclass(frozen=True)
class Notification:
    """What a provider tells the portal about one payment, after its signature was checked."""

    event_id: str
    intent_id: str
    status: str  # an IntentStatus value: succeeded, failed or cancelled
    amount: Decimal
    currency: str
    provider_reference: str
    card_brand: str = ""
    card_last4: str = ""
    reason: str = ""


class Provider(Protocol):
    code: str

    def start(self, intent: PaymentIntent) -> str:
        """The URL of the hosted payment page for ``intent``."""

    def parse_notification(self, body: bytes, headers) -> Notification:
        """The notification in ``body``, or InvalidNotificationError when its signature or age is wrong."""

    def fetch(self, intent: PaymentIntent) -> Notification | None:
        """The provider's current answer about ``intent`` (None while the payer has not finished)."""

    def cancel(self, intent: PaymentIntent) -> None:
        """Close the checkout of ``intent``: its hosted page no longer takes a card (a payment already taken
        still gets notified, and is then refunded)."""

    def refund(self, intent: PaymentIntent, amount: Decimal) -> str:
        """Give ``amount`` of the money taken for ``intent`` back to the card; the provider's refund reference.
        Raises RefundError when it cannot."""
