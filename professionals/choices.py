"""Statuses, reasons and the one table of allowed status changes of third-party-payment invoices (SPEC H1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class InvoiceAction(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    DECIDE = "decide", _("Decide")
    PAY = "pay", _("Pay")


# The state machine, in one place: (status before, action) -> statuses the action may lead to ("None": no invoice).
TRANSITIONS: dict[tuple[str | None, str], frozenset[str]] = {
    (None, InvoiceAction.RECEIVE): frozenset({InvoiceStatus.RECEIVED}),
    (InvoiceStatus.RECEIVED, InvoiceAction.DECIDE): frozenset(
        {InvoiceStatus.ACCEPTED, InvoiceStatus.PARTIALLY_ACCEPTED, InvoiceStatus.REJECTED}
    ),
    (InvoiceStatus.ACCEPTED, InvoiceAction.PAY): frozenset({InvoiceStatus.PAID}),
    (InvoiceStatus.PARTIALLY_ACCEPTED, InvoiceAction.PAY): frozenset({InvoiceStatus.PAID}),
}
PAYABLE = (InvoiceStatus.ACCEPTED, InvoiceStatus.PARTIALLY_ACCEPTED)


def allowed(current: str | None, action: str, target: str) -> bool:
    return target in TRANSITIONS.get((current, action), frozenset())


class Decision(models.TextChoices):
    """What the back office decides on a received invoice."""

    ACCEPT = "accept", _("Accept the amount claimed")
    PARTIAL = "partial", _("Accept part of the amount")
    REJECT = "reject", _("Reject the invoice")


class RejectionReason(models.TextChoices):
    """Why an invoice is rejected or only partly paid (the reasons of the insurer's return files)."""

    NO_RIGHTS = "no_rights", _("No rights open on the care date")
    UNKNOWN_BENEFICIARY = "unknown_beneficiary", _("The patient is not covered by this card")
    NOT_COVERED = "not_covered", _("Care not covered by the member's guarantees")
    ABOVE_GUARANTEE = "above_guarantee", _("Amount above the guarantee")
    DUPLICATE = "duplicate", _("Invoice already received")
    INCOMPLETE = "incomplete", _("Incomplete or inconsistent invoice")
    OTHER = "other", _("Other reason")


class TPDomain(models.TextChoices):
    """The domains of the third-party-payment card (DOMAIN.md)."""

    PHAR = "PHAR", _("Pharmacy")
    MED = "MED", _("Doctors")
    LABO = "LABO", _("Laboratory")
    RADL = "RADL", _("Radiology")
    AUXM = "AUXM", _("Paramedical")
    HOSP = "HOSP", _("Hospital")
    OPTI = "OPTI", _("Optics")
    DENT = "DENT", _("Dental")
    AUDI = "AUDI", _("Hearing")
    TRSP = "TRSP", _("Transport")


class MessageStatus(models.TextChoices):
    OPEN = "open", _("Waiting for our answer")
    ANSWERED = "answered", _("Answered")


class RightsResult(models.TextChoices):
    COVERED = "covered", _("Covered")
    NOT_FOUND = "not_found", _("No rights found")
