"""Calls for contributions (*appels de cotisations*), payments received and their allocation, reminders and annual
certificates (SPEC M4, E4, B4).

A call is issued per contract and period; its receipt number (*numéro de quittance*) comes from a yearly sequence.
A payment received (card, direct debit, transfer, cheque) is allocated to calls through ``Allocation`` rows; what
is not allocated stays on the payment (``unallocated``) until staff allocate it by hand. ``amount_paid`` and
``status`` of a call are only changed by ``contributions.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.choices import AffiliationRole, PaymentMethod
from contributions.choices import CallStatus, LineBasis, PaymentSource, ReminderLevel
from core.models import PublicModel, TimeStampedModel, YearlySequence

MONEY = {"max_digits": 12, "decimal_places": 2}


class ReceiptSequence(YearlySequence):
    """The receipt numbers of a year: Q-2026-000001, consecutive, never reused."""

    class Meta:
        verbose_name = _("receipt number sequence")
        verbose_name_plural = _("receipt number sequences")


class ContributionCall(PublicModel):
    """A call for contributions: what a contract's holder owes for a period, by a due date."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="contribution_calls")
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    quarter = models.CharField(_("quarter"), max_length=7, help_text=_("The quarter it was generated for: 2026-Q1."))
    issued_on = models.DateField(_("issued on"))
    due_date = models.DateField(_("due date"))
    amount_due = models.DecimalField(_("amount due (EUR)"), **MONEY)
    amount_paid = models.DecimalField(_("amount paid (EUR)"), default=Decimal("0.00"), **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.ISSUED)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("call for contributions")
        verbose_name_plural = _("calls for contributions")
        ordering = ["-due_date", "-receipt_number"]
        indexes = [
            models.Index(fields=["contract", "status", "due_date"], name="call_contract_status_idx"),
            models.Index(fields=["status", "due_date"], name="call_status_due_idx"),
            models.Index(fields=["quarter"], name="call_quarter_idx"),
            models.Index(fields=["period_start"], name="call_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start", "period_end"],
                condition=~Q(status=CallStatus.CANCELLED),
                name="call_one_per_contract_period",
                violation_error_message=_("This contract already has a call for this period."),
            ),
            models.CheckConstraint(
                name="call_amounts",
                condition=Q(amount_due__gt=0, amount_paid__gte=0, amount_paid__lte=F("amount_due")),
                violation_error_message=_("A call is for a positive amount and is never paid beyond it."),
            ),
            models.CheckConstraint(
                name="call_period",
                condition=Q(period_end__gte=F("period_start")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def remaining(self) -> Decimal:
        return Decimal("0.00") if self.status == CallStatus.CANCELLED else self.amount_due - self.amount_paid

    @property
    def is_open(self) -> bool:
        return self.status in (CallStatus.ISSUED, CallStatus.PARTLY_PAID)

    @property
    def by_direct_debit(self) -> bool:
        """Taken from the payer's account on its due date: the portal offers no card payment for it."""
        return self.contract.payment_method == PaymentMethod.DIRECT_DEBIT


class CallLine(models.Model):
    """One line of a call: a covered person (or an employee's salary base) and what they cost over the period."""

    call = models.ForeignKey(ContributionCall, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    basis = models.CharField(_("basis"), max_length=16, choices=LineBasis.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    label = models.CharField(_("label"), max_length=200, help_text=_("The person's name or the contract number."))
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("age reached in the year"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"))
    monthly_amount = models.DecimalField(_("monthly amount (EUR)"), **MONEY)
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)

    class Meta:
        verbose_name = _("call line")
        verbose_name_plural = _("call lines")
        ordering = ["call", "position"]
        constraints = [models.UniqueConstraint(fields=["call", "position"], name="call_line_position")]

    def __str__(self) -> str:
        return f"{self.call} · {self.label}"

    @property
    def description(self) -> str:
        """What the line is, in the reader's language: "Anne Durand (subscriber, 45 in 2026)"."""
        if self.basis == LineBasis.FLAT:
            return gettext("Contract %(number)s") % {"number": self.label}
        if self.role and self.age is not None:
            return gettext("%(name)s (%(role)s, %(age)s in %(year)s)") % {
                "name": self.label,
                "role": self.get_role_display().lower(),
                "age": self.age,
                "year": self.call.period_start.year,
            }
        return self.label


class PaymentImport(PublicModel):
    """A bank statement file staff imported: its lines became payments received."""

    file_name = models.CharField(_("file name"), max_length=200)
    lines = models.PositiveIntegerField(_("lines"))
    matched = models.PositiveIntegerField(_("matched"))
    unmatched = models.PositiveIntegerField(_("unmatched"))
    duplicates = models.PositiveIntegerField(_("already imported"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("payment import")
        verbose_name_plural = _("payment imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ReceivedPayment(PublicModel):
    """Money received for contributions. ``reference`` is unique per source: a payment is never recorded twice."""

    source = models.CharField(_("source"), max_length=16, choices=PaymentSource.choices)
    reference = models.CharField(_("reference"), max_length=140)
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="contribution_payments"
    )
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    received_on = models.DateField(_("received on"))
    unallocated = models.DecimalField(_("not allocated (EUR)"), **MONEY)
    refunded = models.DecimalField(_("refunded (EUR)"), max_digits=12, decimal_places=2, default=0)
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last four digits"), max_length=4, blank=True)
    payment_import = models.ForeignKey(
        PaymentImport, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )

    class Meta:
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["contract", "received_on"], name="payment_contract_idx"),
            models.Index(fields=["unallocated"], name="payment_unallocated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"],
                name="payment_unique_reference",
                violation_error_message=_("This payment is already recorded."),
            ),
            models.CheckConstraint(
                name="payment_amounts",
                condition=Q(amount__gt=0, unallocated__gte=0, unallocated__lte=F("amount")),
                violation_error_message=_("A payment is positive and never allocated beyond its amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.reference} {self.amount}"

    @property
    def means(self) -> str:
        """How it was paid, in words: "Card Visa •••• 4242", "SEPA direct debit"."""
        from payments.choices import CardBrand

        if not self.card_last4:
            return self.get_source_display()
        brand = CardBrand(self.card_brand).label if self.card_brand in CardBrand.values else self.card_brand
        return f"{self.get_source_display()} {brand} •••• {self.card_last4}"


class Allocation(TimeStampedModel):
    """Part of a payment put against a call."""

    payment = models.ForeignKey(ReceivedPayment, on_delete=models.PROTECT, related_name="allocations")
    call = models.ForeignKey(ContributionCall, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["call"], name="allocation_call_idx")]
        constraints = [models.CheckConstraint(name="allocation_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.payment} → {self.call}: {self.amount}"


class Reminder(TimeStampedModel):
    """A reminder sent about an overdue call: one per call and level."""

    call = models.ForeignKey(ContributionCall, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField(_("level"), choices=ReminderLevel.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on"]
        constraints = [models.UniqueConstraint(fields=["call", "level"], name="reminder_one_per_level")]

    def __str__(self) -> str:
        return f"{self.call} · {self.get_level_display()}"


class AnnualCertificate(PublicModel):
    """The annual contribution certificate (*attestation annuelle de cotisations*) of a contract holder for a year:
    what was paid in the year, contract by contract (``details``), fixed when issued."""

    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    holder_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contribution_certificates"
    )
    holder_company = models.ForeignKey(
        "people.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="contribution_certificates"
    )
    total_called = models.DecimalField(_("total called (EUR)"), **MONEY)
    total_paid = models.DecimalField(_("total paid (EUR)"), **MONEY)
    details = models.JSONField(_("details"), default=list)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("annual contribution certificate")
        verbose_name_plural = _("annual contribution certificates")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["holder_person", "year"], name="certificate_person_year"),
            models.UniqueConstraint(fields=["holder_company", "year"], name="certificate_company_year"),
            models.CheckConstraint(
                name="certificate_one_holder",
                condition=Q(holder_person__isnull=False, holder_company__isnull=True)
                | Q(holder_person__isnull=True, holder_company__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference
