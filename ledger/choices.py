"""The channels an amount paid for care comes through, and the sources a ledger line points back to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE_CLAIM = "online", _("Online claim")
    TP_INVOICE = "tp_invoice", _("Third-party payment")
    SCHEME_FLOW = "scheme_flow", _("Automatic (compulsory scheme)")
    CORRECTION = "correction", _("Staff correction")


class Source(models.TextChoices):
    """What a ledger line was written from: the table of its source row (with ``source_id`` and ``source_line``)."""

    CARE_ITEM = "claims.careitem", _("Claim item")
    INVOICE = "professionals.invoice", _("Third-party-payment invoice")
    FLOW_LINE = "ledger.flowline", _("Compulsory-scheme statement line")
    CORRECTION = "ledger.correction", _("Staff correction")


class PaymentState(models.TextChoices):
    """Where the money of a line is: paid with its source (a claim's transfer, a professional's payment), or queued
    for the member's transfer (automatic flow)."""

    WITH_SOURCE = "with_source", _("Paid with its source")
    QUEUED = "queued", _("Queued for payment")
    PAID = "paid", _("Paid")
    NOTHING = "nothing", _("Nothing to pay")
