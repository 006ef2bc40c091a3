"""Statuses of a card payment, with the one table of allowed changes."""

from django.db import models
from django.utils.translation import pgettext_lazy


class IntentStatus(models.TextChoices):
    CREATED = "created", pgettext_lazy("card payment", "Created")
    PENDING = "pending", pgettext_lazy("card payment", "Waiting for the payment page")
    SUCCEEDED = "succeeded", pgettext_lazy("card payment", "Paid")
    FAILED = "failed", pgettext_lazy("card payment", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("card payment", "Cancelled")


IN_PROGRESS_STATUSES = ["created", "pending"]  # literal values: the database constraint's migration reads them
FINAL_STATUSES = frozenset({IntentStatus.SUCCEEDED, IntentStatus.FAILED, IntentStatus.CANCELLED})

INTENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IntentStatus.CREATED: frozenset({IntentStatus.PENDING, IntentStatus.CANCELLED}),
    IntentStatus.PENDING: frozenset({IntentStatus.SUCCEEDED, IntentStatus.FAILED, IntentStatus.CANCELLED}),
    IntentStatus.SUCCEEDED: frozenset(),
    IntentStatus.FAILED: frozenset(),
    IntentStatus.CANCELLED: frozenset(),
}


class CardBrand(models.TextChoices):
    CB = "CB", "CB"
    VISA = "VISA", "Visa"
    MASTERCARD = "MASTERCARD", "Mastercard"
    AMEX = "AMEX", "American Express"
