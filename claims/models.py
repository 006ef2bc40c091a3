"""Online reimbursement claims (SPEC C1-C8): the claim, its care items and their documents, the draft a member
fills in, the euro reference rates care abroad is converted with, the claims service's own terms, and suspensions.

Money is ``Decimal`` in ``DecimalField(max_digits=12, decimal_places=2)``; rates are dated and the rate used is
kept on each item. Practitioner names and staff comments are health data: encrypted at rest, like the documents.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from claims.choices import (
    AWAITING_DOCUMENT,
    STAFF_SECTORS,
    Channel,
    ClaimStatus,
    DocumentType,
    ItemDecision,
    RefusalReason,
    SuspensionReason,
)
from core.fields import EncryptedTextField
from core.models import PublicModel, YearlySequence


def _money(label: str, **extra: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, **extra)


class ClaimsTermsVersion(PublicModel):
    """One version of the claims service's own terms (seed 002), accepted at each submission (SPEC A4, C4).

    A table of its own rather than rows of ``content.TermsVersion``: the site's terms in force are the latest
    row of that table and a new one forces every user to accept again at login; the claims terms must not.
    """

    version = models.CharField(_("version"), max_length=20, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("text (French)"))
    body_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), db_index=True)

    class Meta:
        verbose_name = _("claims service terms version")
        verbose_name_plural = _("claims service terms versions")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "fr").startswith("en") else self.title_fr

    @property
    def body(self) -> str:
        return self.body_en if (get_language() or "fr").startswith("en") else self.body_fr


class ClaimSequence(YearlySequence):
    """The last reference number given in a year: CLM-2026-0000123."""

    class Meta:
        verbose_name = _("claim reference sequence")
        verbose_name_plural = _("claim reference sequences")


class Claim(PublicModel):
    """A reimbursement claim submitted online by a subscriber for themself or a covered family member."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims_submitted", verbose_name=_("login")
    )
    member = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="claims_made", verbose_name=_("subscriber")
    )
    beneficiary = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="claims", verbose_name=_("beneficiary")
    )
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="claims")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=24, choices=ClaimStatus.choices, default=ClaimStatus.IN_PROGRESS)
    submitted_at = models.DateTimeField(_("submitted at"))
    terms = models.ForeignKey(ClaimsTermsVersion, on_delete=models.PROTECT, related_name="claims")
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    terms_ip = models.GenericIPAddressField(_("IP address at acceptance"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    total_claimed = _money(_("total claimed (EUR)"))
    total_reimbursed = _money(_("total reimbursed (EUR)"), default=0)
    has_duplicates = models.BooleanField(_("possible duplicate"), default=False)
    rejection_reason = models.CharField(_("rejection reason"), max_length=32, choices=RefusalReason.choices, blank=True)
    decision_note = EncryptedTextField(_("note to the member"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    originals_requested_at = models.DateTimeField(_("originals requested at"), null=True, blank=True)
    originals_note = models.TextField(_("originals request"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="claim_queue_idx"),
            models.Index(fields=["status", "submitted_at"], name="claim_status_idx"),
            models.Index(fields=["total_claimed"], name="claim_total_idx"),
            models.Index(fields=["has_duplicates", "status"], name="claim_duplicates_idx"),
            models.Index(fields=["member", "submitted_at"], name="claim_member_idx"),
            models.Index(fields=["beneficiary", "submitted_at"], name="claim_beneficiary_idx"),
            models.Index(fields=["status", "paid_at"], name="claim_payable_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="claim_idempotent_submission"),
            models.CheckConstraint(
                name="claim_totals",
                condition=Q(total_claimed__gt=0, total_reimbursed__gte=0) & Q(total_reimbursed__lte=F("total_claimed")),
                violation_error_message=_("The reimbursement cannot exceed the amount claimed."),
            ),
            models.CheckConstraint(
                name="claim_status_valid",
                condition=Q(status__in=ClaimStatus.values),
            ),
            models.CheckConstraint(
                name="claim_rejection_has_reason",
                condition=~Q(status=ClaimStatus.REJECTED) | ~Q(rejection_reason=""),
                violation_error_message=_("A rejected claim needs a reason."),
            ),
            models.CheckConstraint(
                name="claim_decided_when_closed",
                condition=Q(status=ClaimStatus.IN_PROGRESS, decided_at__isnull=True)
                | (~Q(status=ClaimStatus.IN_PROGRESS) & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_decided(self) -> bool:
        return self.status != ClaimStatus.IN_PROGRESS


class CareItem(PublicModel):
    """One care act of a claim: date, category, practitioner, amount in the currency paid and in euros.

    The back office enters what the compulsory scheme (or the CFE) already paid and the official base; deciding
    the claim freezes the reimbursed amount and the engine's line-by-line explanation.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    care_date = models.DateField(_("date of care"))
    category = models.ForeignKey("contracts.CareCategory", on_delete=models.PROTECT, related_name="claim_items")
    practitioner = EncryptedTextField(_("practitioner or facility"))
    country = CountryField(_("country of care"))
    amount = _money(_("amount paid"))
    currency = models.CharField(_("currency"), max_length=3)
    exchange_rate = models.DecimalField(_("rate (units per euro)"), max_digits=18, decimal_places=6)
    rate_date = models.DateField(_("date of the rate"))
    amount_eur = _money(_("amount (EUR)"))
    # Issue 13: no default that pays more. Empty until staff (or the tariff table) give them.
    base_amount = _money(_("base of reimbursement (EUR)"), null=True, blank=True)
    compulsory_paid = _money(_("paid by the compulsory scheme or the CFE (EUR)"), null=True, blank=True)
    # The doctor's secteur as the compulsory scheme's statement gives it, entered with the base: a responsible
    # contract pays the fees of a secteur 2 doctor not adhering to OPTAM at its lower rate. Blank: not stated.
    practitioner_sector = models.CharField(
        _("practitioner's sector"), max_length=16, choices=STAFF_SECTORS, blank=True, default="", db_default=""
    )  # db_default: rows inserted by SQL (seed_scale) or by code not knowing the column yet (a rolling deploy)
    decision = models.CharField(
        _("decision"), max_length=16, choices=ItemDecision.choices, default=ItemDecision.PENDING
    )
    refusal_reason = models.CharField(_("refusal reason"), max_length=32, choices=RefusalReason.choices, blank=True)
    staff_comment = EncryptedTextField(_("comment"), blank=True)
    reimbursed_amount = _money(_("reimbursed (EUR)"), null=True, blank=True)
    explanation = models.JSONField(_("computation"), default=dict, blank=True)
    is_duplicate = models.BooleanField(_("possible duplicate"), default=False)

    class Meta:
        verbose_name = _("care item")
        verbose_name_plural = _("care items")
        ordering = ["claim", "position"]
        indexes = [
            models.Index(fields=["category", "care_date"], name="care_item_category_idx"),
            models.Index(fields=["category", "claim"], name="care_item_category_claim_idx"),
            models.Index(fields=["care_date", "amount"], name="care_item_duplicate_idx"),
            models.Index(fields=["decision", "care_date"], name="care_item_decision_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="care_item_position_unique"),
            models.CheckConstraint(
                name="care_item_amounts",
                condition=Q(amount__gt=0, amount_eur__gt=0, exchange_rate__gt=0, base_amount__gte=0)
                & Q(compulsory_paid__gte=0, compulsory_paid__lte=F("amount_eur")),
                violation_error_message=_("What others paid cannot exceed the expense."),
            ),
            models.CheckConstraint(
                name="care_item_reimbursement_bounded",
                condition=Q(reimbursed_amount__isnull=True)
                | Q(reimbursed_amount__gte=0, reimbursed_amount__lte=F("amount_eur") - F("compulsory_paid")),
                violation_error_message=_("The reimbursement cannot exceed the expense minus what others paid."),
            ),
            models.CheckConstraint(
                name="care_item_refusal_has_reason",
                condition=Q(decision=ItemDecision.REFUSED) & ~Q(refusal_reason="")
                | ~Q(decision=ItemDecision.REFUSED) & Q(refusal_reason=""),
                violation_error_message=_("A refused item needs a reason; an accepted one has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} #{self.position}"

    @property
    def awaits_document(self) -> bool:
        """Refused for a missing or illegible document, on a claim not paid yet: the member may add one (issue 14)."""
        return (
            self.decision == ItemDecision.REFUSED
            and self.refusal_reason in AWAITING_DOCUMENT
            and self.claim.paid_at is None
        )

    @property
    def left_to_pay(self) -> Decimal:
        """What the member still pays: spent, less the compulsory scheme's share and ours (none yet counts 0)."""
        return self.amount_eur - (self.compulsory_paid or Decimal("0.00")) - (self.reimbursed_amount or Decimal("0.00"))


class ClaimDraft(PublicModel):
    """The claim a member is filling in, kept server-side so that closing the browser loses nothing (SPEC C1).

    ``payload`` (encrypted JSON) holds the beneficiary and the items; the documents already checked and stored are
    ``CareDocument`` rows attached to the draft. The idempotency key makes a double submission create one claim.
    """

    profile = models.OneToOneField("accounts.Profile", on_delete=models.CASCADE, related_name="claim_draft")
    payload = EncryptedTextField(_("content"), default="{}")
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("claim draft")
        verbose_name_plural = _("claim drafts")

    def __str__(self) -> str:
        return f"draft {self.public_id}"

    @property
    def data(self) -> dict:
        try:
            value = json.loads(self.payload or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @data.setter
    def data(self, value: dict) -> None:
        self.payload = json.dumps(value, separators=(",", ":"))


class CareDocument(PublicModel):
    """A supporting document: checked by content, images re-encoded, stored encrypted under a random name.

    It belongs to a draft (while the member fills in the form) or to a submitted care item, never both.
    ``sha256`` is the hash of the file as uploaded: the same receipt sent twice is found by it (SPEC C8).
    """

    item = models.ForeignKey(CareItem, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    draft = models.ForeignKey(ClaimDraft, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    draft_item = models.CharField(_("draft item key"), max_length=16, blank=True)
    stored_name = models.CharField(_("stored file"), max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    detected_type = models.CharField(_("type"), max_length=8, choices=DocumentType.choices)
    content_type = models.CharField(_("stored content type"), max_length=40)
    size = models.PositiveIntegerField(_("stored size (bytes)"))
    original_size = models.PositiveIntegerField(_("uploaded size (bytes)"))
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    width = models.PositiveIntegerField(_("width (px)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (px)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    quality_warnings = models.JSONField(_("quality warnings"), default=list, blank=True)
    blur_score = models.FloatField(_("sharpness score"), null=True, blank=True)
    is_duplicate = models.BooleanField(_("possible duplicate"), default=False)

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="care_document_one_owner",
                condition=Q(item__isnull=False, draft__isnull=True) | Q(item__isnull=True, draft__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ExchangeRate(models.Model):
    """A euro reference rate: how many units of ``currency`` one euro bought on ``date`` (central bank CSV)."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("units per euro"), max_digits=18, decimal_places=6)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique"),
            models.CheckConstraint(name="exchange_rate_positive", condition=Q(rate__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.date} 1 EUR = {self.rate} {self.currency}"


class ClaimsSuspension(PublicModel):
    """A member's access to the online claims service suspended by staff, with a reason (SPEC C7, seed 002 art. 5)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="claims_suspensions")
    reason = models.CharField(_("reason"), max_length=32, choices=SuspensionReason.choices)
    explanation = models.TextField(_("explanation shown to the member"))
    starts_at = models.DateTimeField(_("suspended from"))
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_note = models.TextField(_("note on restoring"), blank=True)

    class Meta:
        verbose_name = _("claims service suspension")
        verbose_name_plural = _("claims service suspensions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["person", "lifted_at"], name="claims_suspension_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(lifted_at__isnull=True),
                name="claims_suspension_one_open",
                violation_error_message=_("This member's claims service is already suspended."),
            ),
            models.CheckConstraint(
                name="claims_suspension_period",
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.starts_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
