"""The health-professional space: third-party-payment invoices, the payments that settle them, and the messages a
professional sends the insurer (SPEC H1, H3).

An invoice is what the professional's billing software sent for care given on the member's card: the insurer pays
the professional directly the part it accepts. A payment settles a set of accepted invoices of one professional:
``Invoice.payment`` says which payment paid an invoice, so an invoice is paid once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel
from professionals.choices import InvoiceStatus, MessageStatus, RejectionReason, TPDomain


class ProfessionalPayment(PublicModel):
    """A transfer to a professional settling some of its accepted invoices (*paiement au professionnel*)."""

    professional = models.ForeignKey(
        "providers.HealthProfessional", on_delete=models.PROTECT, related_name="tp_payments"
    )
    reference = models.CharField(_("payment reference"), max_length=35, unique=True)
    paid_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    invoice_count = models.PositiveIntegerField(_("number of invoices"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("payment to a professional")
        verbose_name_plural = _("payments to professionals")
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["professional", "-paid_on"], name="pro_payment_list_idx")]
        constraints = [
            models.CheckConstraint(
                name="pro_payment_positive",
                condition=Q(amount__gt=0, invoice_count__gt=0),
                violation_error_message=_("A payment settles at least one invoice for a positive amount."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Invoice(PublicModel):
    """A third-party-payment invoice (*facture de tiers payant*) a professional sent for one beneficiary's care."""

    professional = models.ForeignKey("providers.HealthProfessional", on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=30)
    care_date = models.DateField(_("care date"))
    domain = models.CharField(_("domain"), max_length=4, choices=TPDomain.choices)
    card_number = models.CharField(_("card number used"), max_length=20)
    beneficiary = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="tp_invoices", verbose_name=_("beneficiary")
    )
    total_amount = models.DecimalField(_("total invoiced (EUR)"), max_digits=10, decimal_places=2)
    compulsory_amount = models.DecimalField(_("compulsory scheme's share (EUR)"), max_digits=10, decimal_places=2)
    claimed_amount = models.DecimalField(_("amount claimed from us (EUR)"), max_digits=10, decimal_places=2)
    accepted_amount = models.DecimalField(
        _("amount accepted (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.RECEIVED)
    rejection_reason = models.CharField(_("reason"), max_length=24, choices=RejectionReason.choices, blank=True)
    decision_note = models.CharField(_("note to the professional"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        ProfessionalPayment, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    # Issue 13: the invoice goes through the guarantee engine like any care act.
    category = models.ForeignKey(
        "contracts.CareCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tp_invoices",
        verbose_name=_("care category"),
        help_text=_("Empty: the first category of the card domain."),
    )
    act_code = models.CharField(_("act code"), max_length=16, blank=True)
    base_amount = models.DecimalField(
        _("base of reimbursement (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    explanation = models.JSONField(_("computation"), default=dict, blank=True)

    class Meta:
        verbose_name = _("third-party-payment invoice")
        verbose_name_plural = _("third-party-payment invoices")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["professional", "status", "-received_at"], name="pro_invoice_list_idx"),
            models.Index(fields=["professional", "care_date"], name="pro_invoice_care_idx"),
            models.Index(fields=["status", "received_at"], name="pro_invoice_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "number"],
                name="pro_invoice_number_unique",
                violation_error_message=_("This invoice number was already received from this professional."),
            ),
            models.CheckConstraint(
                name="pro_invoice_amounts",
                condition=Q(compulsory_amount__gte=0, claimed_amount__gt=0)
                & Q(compulsory_amount__lte=F("total_amount"))
                & Q(claimed_amount__lte=F("total_amount") - F("compulsory_amount")),
                violation_error_message=_(
                    "The amount claimed cannot exceed the total invoiced minus the compulsory scheme's share."
                ),
            ),
            models.CheckConstraint(
                name="pro_invoice_accepted_amount",
                condition=Q(accepted_amount__isnull=True)
                | Q(accepted_amount__gte=0, accepted_amount__lte=F("claimed_amount")),
                violation_error_message=_("The amount accepted is between zero and the amount claimed."),
            ),
            models.CheckConstraint(
                name="pro_invoice_paid_has_payment",
                condition=Q(status=InvoiceStatus.PAID, payment__isnull=False) | ~Q(status=InvoiceStatus.PAID),
                violation_error_message=_("A paid invoice names its payment."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def explanation_lines(self) -> list[dict]:
        """The guarantee engine's computation, in the reader's language (issue 13)."""
        from claims.explanations import explain

        return explain(self.explanation)

    @property
    def patient_share(self):
        """What is left for the patient if the insurer pays what was claimed."""
        return self.total_amount - self.compulsory_amount - self.claimed_amount


class ContactMessage(PublicModel):
    """A message a professional sends the insurer from its space (SPEC H3), with an optional document."""

    professional = models.ForeignKey(
        "providers.HealthProfessional", on_delete=models.PROTECT, related_name="contact_messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=160)
    body = models.TextField(_("message"), max_length=5000)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.OPEN)
    attachment_name = models.CharField(_("stored document"), max_length=200, blank=True)
    attachment_original_name = models.CharField(_("document"), max_length=255, blank=True)
    attachment_type = models.CharField(_("document type"), max_length=40, blank=True)
    attachment_size = models.PositiveIntegerField(_("document size"), default=0)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"))

    class Meta:
        verbose_name = _("message from a professional")
        verbose_name_plural = _("messages from professionals")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["professional", "-last_activity_at"], name="pro_message_list_idx"),
            models.Index(fields=["status", "last_activity_at"], name="pro_message_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "idempotency_key"], name="pro_message_idempotent"),
        ]

    def __str__(self) -> str:
        return self.subject


class ContactReply(PublicModel):
    """One message of the thread after the first: the insurer's answer, or the professional's follow-up."""

    message = models.ForeignKey(ContactMessage, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(_("from the insurer"))
    body = models.TextField(_("message"), max_length=5000)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.body[:40]}"
