"""One ledger of benefits: every amount the insurer pays for a care act, whatever the channel (issue 13).

A line is written when the insurer decides to pay (a claim decided, a third-party-payment invoice accepted, a
compulsory-scheme statement line imported, a staff correction), in the same transaction, and is never rewritten:
ceilings, the member's reimbursement feed and duplicate detection read it. ``(source_type, source_id)`` is unique:
writing the same source twice writes one line (imports are idempotent).

The compulsory scheme's flow (NOEMIE for the French scheme, the CFE's statements for expatriates) arrives as
imports (``FlowImport``); the lines that cannot be paid (unknown beneficiary, rights closed, duplicate) wait in
the staff queue as ``FlowRejection`` rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel
from ledger.choices import Channel, PaymentState, Source


def _money(label, **extra) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, **extra)


class BenefitLine(PublicModel):
    """What the insurer paid (or decided to pay) for one care act of one beneficiary, through one channel."""

    beneficiary = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="benefit_lines", verbose_name=_("beneficiary")
    )
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="benefit_lines")
    category = models.ForeignKey("contracts.CareCategory", on_delete=models.PROTECT, related_name="benefit_lines")
    act_code = models.CharField(_("act code"), max_length=16, blank=True)
    care_date = models.DateField(_("date of care"))
    expense = _money(_("expense (EUR)"))
    base_amount = _money(_("base of reimbursement (EUR)"))
    compulsory_paid = _money(_("paid by the compulsory scheme or the CFE (EUR)"))
    paid_amount = _money(_("paid by us (EUR)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    original_amount = _money(_("amount in the currency paid"), null=True, blank=True)
    exchange_rate = models.DecimalField(_("rate (units per euro)"), max_digits=18, decimal_places=6, null=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source_type = models.CharField(_("source"), max_length=32, choices=Source.choices)
    source_id = models.CharField(_("source reference"), max_length=64)
    reference = models.CharField(_("reference shown"), max_length=40, blank=True)
    explanation = models.JSONField(_("computation"), default=dict, blank=True)
    is_duplicate = models.BooleanField(_("same act already paid"), default=False)
    payment_state = models.CharField(
        _("payment"), max_length=16, choices=PaymentState.choices, default=PaymentState.WITH_SOURCE
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("benefit line")
        verbose_name_plural = _("benefit lines")
        ordering = ["-care_date", "-pk"]
        indexes = [
            models.Index(fields=["beneficiary", "category", "care_date"], name="benefit_ceiling_idx"),
            models.Index(fields=["beneficiary", "care_date", "expense"], name="benefit_duplicate_idx"),
            models.Index(fields=["payment_state", "channel"], name="benefit_payment_idx"),
            # The member's home: each person's last lines, newest written first (ledger.selectors.member_recent).
            models.Index(fields=["beneficiary", "created_at", "id"], name="benefit_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], name="benefit_line_one_per_source"),
            models.CheckConstraint(
                name="benefit_line_amounts",
                condition=Q(expense__gt=0, base_amount__gte=0, compulsory_paid__gte=0, paid_amount__gte=0)
                & Q(compulsory_paid__lte=F("expense"))
                # half a cent of slack: SQLite computes the difference in floating point (23.40 - 15.21 < 8.19)
                & Q(paid_amount__lte=F("expense") - F("compulsory_paid") + Decimal("0.005")),
                violation_error_message=_("What we pay cannot exceed the expense minus what others paid."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.care_date} {self.category_id} {self.paid_amount}"

    @property
    def left_to_pay(self):
        return self.expense - self.compulsory_paid - self.paid_amount


class FlowImport(PublicModel):
    """One file of the compulsory scheme's reimbursement statements, as imported (upload, API or command)."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    paid_count = models.PositiveIntegerField(_("lines paid"), default=0)
    rejected_count = models.PositiveIntegerField(_("lines rejected"), default=0)
    skipped_count = models.PositiveIntegerField(_("lines already imported"), default=0)
    total_paid = _money(_("total paid (EUR)"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("compulsory-scheme flow import")
        verbose_name_plural = _("compulsory-scheme flow imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class RejectionReason(models.TextChoices):
    UNKNOWN_BENEFICIARY = "unknown_beneficiary", _("Unknown beneficiary")
    RIGHTS_CLOSED = "rights_closed", _("No rights open on the care date")
    DUPLICATE = "duplicate", _("Same act already paid")
    UNKNOWN_ACT = "unknown_act", _("Unknown act code or category")
    INVALID = "invalid", _("Invalid line")


class FlowRejection(PublicModel):
    """A statement line that was not paid, waiting for staff (the queue of the back office)."""

    flow_import = models.ForeignKey(FlowImport, on_delete=models.CASCADE, related_name="rejections")
    statement_ref = models.CharField(_("statement line"), max_length=64)
    line_number = models.PositiveIntegerField(_("line in the file"))
    reason = models.CharField(_("reason"), max_length=24, choices=RejectionReason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    data = models.JSONField(_("line as received"), default=dict)
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rejected statement line")
        verbose_name_plural = _("rejected statement lines")
        ordering = ["resolved_at", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement_ref"], condition=Q(resolved_at__isnull=True), name="flow_rejection_open_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_ref}: {self.reason}"
