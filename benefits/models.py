"""Payment batches: validated claims and the automatic reimbursements of the compulsory scheme's flow paid by SEPA
credit transfer (ISO 20022 pain.001): one line per claim, and one line per subscriber for the flow's acts.

A claim is paid once: ``PaymentLine.claim`` is unique, so a second batch can never take a claim again, whatever
the state of ``Claim.paid_at``. A ledger line of the flow is paid once too: ``PaidBenefitLine.benefit_line`` is
unique. The IBAN paid to is copied (encrypted) on the line: the statement shows the account
actually credited even after the member changes it. The XML file is stored encrypted in the default storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models import PublicModel


class PaymentBatch(PublicModel):
    """One SEPA credit-transfer file: the claims paid together on an execution date."""

    reference = models.CharField(_("reference"), max_length=35, unique=True)
    execution_date = models.DateField(_("execution date"))
    count = models.PositiveIntegerField(_("number of transfers"))
    total = models.DecimalField(_("total (EUR)"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    stored_name = models.CharField(_("stored file"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="payment_batch_not_empty", condition=Q(count__gt=0, total__gt=0)),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentLine(PublicModel):
    """The transfer of one claim's reimbursement to the subscriber's account, or of the automatic reimbursements
    (scheme flow) of a subscriber's family (``claim`` empty, ``member`` the subscriber, the acts in ``flow_lines``)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    claim = models.OneToOneField(
        "claims.Claim",
        on_delete=models.PROTECT,
        related_name="payment_line",
        verbose_name=_("claim"),
        null=True,
        blank=True,
    )
    member = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subscriber paid"),
        null=True,
        blank=True,
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    creditor_name = models.CharField(_("creditor"), max_length=70)
    iban = EncryptedTextField(_("IBAN"))
    iban_last4 = models.CharField(_("last four IBAN digits"), max_length=4)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    end_to_end_id = models.CharField(_("end-to-end identifier"), max_length=35)

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        ordering = ["batch", "pk"]
        constraints = [
            models.CheckConstraint(name="payment_line_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="payment_line_claim_or_member", condition=Q(claim__isnull=False) | Q(member__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} {self.amount}"


class PaidBenefitLine(models.Model):
    """An act of the compulsory scheme's flow (a ledger line) paid by a payment line: unique, so paid once."""

    payment_line = models.ForeignKey(PaymentLine, on_delete=models.PROTECT, related_name="flow_lines")
    benefit_line = models.OneToOneField(
        "ledger.BenefitLine", on_delete=models.PROTECT, related_name="payment", verbose_name=_("benefit line")
    )

    class Meta:
        verbose_name = _("automatic reimbursement paid")
        verbose_name_plural = _("automatic reimbursements paid")

    def __str__(self) -> str:
        return f"{self.payment_line_id} {self.benefit_line_id}"
