"""Statuses and kinds of the contributions, with the one table of allowed status changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("contribution call", "To pay")
    PARTLY_PAID = "partly_paid", pgettext_lazy("contribution call", "Partly paid")
    PAID = "paid", pgettext_lazy("contribution call", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("contribution call", "Cancelled")


OPEN_STATUSES = (CallStatus.ISSUED, CallStatus.PARTLY_PAID)

# The state machine of a call for contributions: status → statuses it may move to.
CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.ISSUED: frozenset({CallStatus.PARTLY_PAID, CallStatus.PAID, CallStatus.CANCELLED}),
    CallStatus.PARTLY_PAID: frozenset({CallStatus.PAID}),
    CallStatus.PAID: frozenset(),
    CallStatus.CANCELLED: frozenset(),
}


class PaymentSource(models.TextChoices):
    CARD = "card", _("Card")
    DIRECT_DEBIT = "direct_debit", _("SEPA direct debit")
    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")


class LineBasis(models.TextChoices):
    """How one line of a call was priced (the tariff kinds of ``data/tariffs.json``)."""

    PER_PERSON = "per_person", _("Per covered person, by age")
    FLAT = "flat", _("Flat monthly amount")
    PER_EMPLOYEE = "per_employee", _("Flat amount per employee")
    SALARY = "salary", _("Rate of the salary (PMSS tranches)")


class ReminderLevel(models.IntegerChoices):
    REMINDER = 1, _("Reminder")
    FORMAL_NOTICE = 2, _("Formal notice")
