"""Requests (démarches) sent by members, companies and agents, their history, thread and attachments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel, YearlySequence
from demarches import kinds
from demarches.choices import FINAL_STATUSES, RequestStatus

IDEMPOTENCY_KEY_MAX_LENGTH = 64
validate_idempotency_key = RegexValidator(
    r"^[A-Za-z0-9_-]{8,64}\Z", _("Send 8 to 64 letters, digits, hyphens or underscores.")
)
MESSAGE_MAX_LENGTH = 5000


class ReferenceSequence(YearlySequence):
    """The last request number used in a year: DEM-2026-000123."""

    class Meta:
        verbose_name = _("request reference sequence")
        verbose_name_plural = _("request reference sequences")


class Request(PublicModel):
    """A request sent by a user in one of their profiles, about a record it may see, tracked to its answer.

    ``payload`` holds the kind's form data (JSON: dates as ISO strings, records as public ids). Complaints
    carry their deadlines. It stays with its author's profile: nobody else on the portal side sees it.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="demarches", verbose_name=_("author")
    )
    author_profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.PROTECT, related_name="demarches", verbose_name=_("author's profile")
    )
    subject_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="demarches"
    )
    subject_company = models.ForeignKey(
        "people.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="demarches"
    )
    subject_contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="demarches"
    )
    payload = models.JSONField(_("data"), default=dict, blank=True)
    answer = models.JSONField(
        _("answer"), default=dict, blank=True, help_text=_("Staff's structured answer, for kinds that take one.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.IN_PROGRESS
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_demarches",
        verbose_name=_("assigned to"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)
    answer_by = models.DateField(_("answer by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        null=True,
        blank=True,
        validators=[validate_idempotency_key],
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["author_profile", "-submitted_at"], name="demarche_author_recent_idx"),
            models.Index(fields=["author_profile", "status"], name="demarche_author_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="demarche_status_idx"),
            models.Index(fields=["kind", "status"], name="demarche_kind_idx"),
            models.Index(fields=["submitted_at"], name="demarche_submitted_idx"),
            models.Index(fields=["assigned_to", "status"], name="demarche_assigned_idx"),
            models.Index(fields=["answer_by"], name="demarche_answer_by_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="demarche_idempotency_unique",
                violation_error_message=_("This request has already been sent."),
            ),
            models.CheckConstraint(
                name="demarche_closed_when_final",
                condition=Q(status__in=sorted(FINAL_STATUSES), closed_at__isnull=False)
                | (~Q(status__in=sorted(FINAL_STATUSES)) & Q(closed_at__isnull=True)),
                violation_error_message=_("A request is closed exactly when it is validated or rejected."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        if self._state.adding and kinds.get(self.kind) is None:
            raise ValidationError({"kind": _("This kind of request does not exist.")})

    @property
    def request_kind(self) -> kinds.RequestKind | None:
        return kinds.get(self.kind)

    @property
    def kind_label(self) -> str:
        kind = self.request_kind
        return kind.label if kind is not None else self.kind

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_complaint(self) -> bool:
        return self.answer_by is not None


class RequestEvent(models.Model):
    """One step of a request's history: who moved it from which status to which, when, and why."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices)
    comment = models.TextField(_("comment"), blank=True, validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    by_staff = models.BooleanField(_("by staff"), default=False)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status or '-'} → {self.to_status}"


class RequestMessage(PublicModel):
    """A message of the thread between the author and the back office; internal notes are for staff only."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    internal = models.BooleanField(_("internal note"), default=False)
    by_staff = models.BooleanField(_("by staff"), default=False)

    class Meta:
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "internal", "created_at"], name="demarche_message_idx")]
        constraints = [
            models.CheckConstraint(
                name="demarche_note_by_staff",
                condition=Q(internal=False) | Q(by_staff=True),
                violation_error_message=_("Only staff write internal notes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} · {self.created_at:%Y-%m-%d %H:%M}"


class RequestAttachment(PublicModel):
    """A supporting document joined to a request or to one of its messages.

    Stored encrypted under a random name; its type was read from its content, never from its name.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        RequestMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("request attachment")
        verbose_name_plural = _("request attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
