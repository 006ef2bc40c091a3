"""Card payments through a payment service provider (SPEC M4; SECURITY: money).

The portal keeps a ``PaymentIntent`` per attempt: amount, currency, status, the provider's reference and the
masked card (brand, last four digits) as the provider returns them; never a card number. Each notification the
provider sends is kept once (``ProviderEvent``, unique per provider and event id): a replay changes nothing.
``SandboxCharge`` is the built-in sandbox provider's own book (the provider's side of the protocol).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel, TimeStampedModel
from payments.choices import IN_PROGRESS_STATUSES, CardBrand, IntentStatus


class PaymentIntent(PublicModel):
    """One attempt to pay something by card: ``purpose`` names what (a registered purpose) and ``target_id`` which
    object (e.g. the public id of a call for contributions)."""

    provider = models.CharField(_("provider"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=40)
    target_id = models.UUIDField(_("paid object"))
    description = models.CharField(_("description"), max_length=140)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=16, choices=IntentStatus.choices, default=IntentStatus.CREATED)
    provider_reference = models.CharField(_("provider reference"), max_length=80, blank=True)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last four digits"), max_length=4, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("checkout expires at"), null=True, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)
    refund_reference = models.CharField(_("refund reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("card payment")
        verbose_name_plural = _("card payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["purpose", "target_id", "status"], name="intent_target_idx"),
            models.Index(fields=["status", "created_at"], name="intent_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="intent_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="intent_unique_provider_reference",
            ),
            # One charge per object: a second checkout takes up (or cancels) the one in progress.
            models.UniqueConstraint(
                fields=["purpose", "target_id"],
                condition=Q(status__in=IN_PROGRESS_STATUSES),
                name="intent_one_in_progress",
                violation_error_message=_("A payment of this is already in progress."),
            ),
            models.CheckConstraint(
                name="intent_refund_within_amount",
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=F("amount")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount} {self.currency} ({self.status})"

    @property
    def card_brand_label(self) -> str:
        return CardBrand(self.card_brand).label if self.card_brand in CardBrand.values else self.card_brand


class ProviderEvent(TimeStampedModel):
    """A notification received from the provider, kept once: the database refuses the same event twice."""

    provider = models.CharField(_("provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=80)
    intent = models.ForeignKey(PaymentIntent, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status announced"), max_length=16)
    accepted = models.BooleanField(_("accepted"))
    reason = models.CharField(_("reason"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class SandboxCharge(TimeStampedModel):
    """The sandbox provider's record of a checkout (its side of the protocol): never a card number, only the brand
    and last four digits a real provider also returns."""

    reference = models.CharField(_("provider reference"), max_length=80, unique=True)
    intent_id = models.UUIDField(_("merchant payment id"), unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=16)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last four digits"), max_length=4, blank=True)
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    refunded = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self) -> str:
        return self.reference
