"""Privacy: rights requests and their history (SPEC G2, B7), and the anonymous audience counters (G5)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel, YearlySequence
from privacy.choices import FINAL_STATUSES, IdentityMethod, RefusalReason, RequestStatus, RightKind

TEXT_MAX_LENGTH = 4000


class PrivacyRequestSequence(YearlySequence):
    """The last reference number given in a year: DPR-2026-000123."""

    class Meta:
        verbose_name = _("privacy request reference sequence")
        verbose_name_plural = _("privacy request reference sequences")


class PrivacyRequest(PublicModel):
    """A data-subject rights request, tracked to its legal deadline (GDPR art. 12(3): one month, extensible by two).

    The subject is the requester's login and, for a member, the insured person its profile acts for. The identity
    document, when one is sent, is stored encrypted under a random name; the answer's export files likewise.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("right exercised"), max_length=16, choices=RightKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_requests", verbose_name=_("login")
    )
    profile = models.ForeignKey("accounts.Profile", on_delete=models.PROTECT, related_name="privacy_requests")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="privacy_requests"
    )
    details = models.TextField(_("details"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    language = models.CharField(_("language"), max_length=2, default="fr")
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    identity_method = models.CharField(_("identity check"), max_length=16, choices=IdentityMethod.choices)
    identity_verified_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    identity_document_name = models.CharField(_("stored identity document"), max_length=200, blank=True)
    identity_document_original = models.CharField(_("identity document file name"), max_length=255, blank=True)
    identity_document_type = models.CharField(_("identity document type"), max_length=40, blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    refusal_reason = models.CharField(_("refusal reason"), max_length=20, choices=RefusalReason.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    erasure_report = models.JSONField(_("erasure report"), default=dict, blank=True)
    export_json_name = models.CharField(_("stored JSON export"), max_length=200, blank=True)
    export_pdf_name = models.CharField(_("stored PDF export"), max_length=200, blank=True)
    export_sha256 = models.CharField(_("SHA-256 of the JSON export"), max_length=64, blank=True)
    export_ready_at = models.DateTimeField(_("export ready at"), null=True, blank=True)
    export_expires_at = models.DateTimeField(_("export available until"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="privacy_request_queue_idx"),
            models.Index(fields=["kind", "status"], name="privacy_request_kind_idx"),
            models.Index(fields=["user", "received_on"], name="privacy_request_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="privacy_request_idempotent"),
            models.CheckConstraint(name="privacy_request_status_valid", condition=Q(status__in=RequestStatus.values)),
            models.CheckConstraint(
                name="privacy_request_closed_when_final",
                condition=Q(status__in=sorted(FINAL_STATUSES), closed_at__isnull=False)
                | (~Q(status__in=sorted(FINAL_STATUSES)) & Q(closed_at__isnull=True)),
                violation_error_message=_("A request is closed exactly when it is answered or refused."),
            ),
            models.CheckConstraint(
                name="privacy_request_refusal_has_reason",
                condition=~Q(status=RequestStatus.REFUSED) | ~Q(refusal_reason=""),
                violation_error_message=_("A refusal needs a reason."),
            ),
            models.CheckConstraint(
                name="privacy_request_due_after_receipt",
                condition=Q(due_on__gt=models.F("received_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    def days_left(self, today=None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left())

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.days_left() < 0

    @property
    def export_available(self) -> bool:
        return bool(self.export_json_name and self.export_expires_at and self.export_expires_at > timezone.now())


class PrivacyRequestEvent(models.Model):
    """One step of a request's history: who moved it from which status to which, when, and the note shown."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by_staff = models.BooleanField(_("by staff"), default=False)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy request event")
        verbose_name_plural = _("privacy request events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class PageViewCount(models.Model):
    """How many times pages of one URL pattern were shown on one day (SPEC G5).

    Nothing else is kept: no path (which could hold an id), no cookie, no address, no login.
    """

    day = models.DateField(_("day"))
    route = models.CharField(_("page"), max_length=120)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page view count")
        verbose_name_plural = _("page view counts")
        constraints = [models.UniqueConstraint(fields=["day", "route"], name="page_view_count_unique")]
        indexes = [models.Index(fields=["route", "day"], name="page_view_route_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.route}: {self.views}"
