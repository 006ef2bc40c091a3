"""Requests about accounts: online registrations (SPEC A1) and closures asked by their owner (A9).

Every registration is kept, whatever its outcome: the ones that matched the records are
validated at once (``decided_by`` empty: the system decided), the others wait for staff.
A chosen password is only ever kept hashed, and only while the request is pending.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, ProfileKind
from core.fields import EncryptedTextField
from core.models import PublicModel
from registration.choices import ClosureKind, ClosureStatus, LetterStatus, MatchState, RegistrationStatus

REGISTRABLE_KINDS = [ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT, ProfileKind.PROFESSIONAL]


class RegistrationRequest(PublicModel):
    """What someone typed in the registration form of one profile, and what became of it."""

    kind = models.CharField(
        _("profile"), max_length=16, choices=[(k.value, k.label) for k in REGISTRABLE_KINDS], db_index=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    match = models.CharField(_("comparison with the records"), max_length=16, choices=MatchState.choices)
    number = models.CharField(_("membership number or professional identifier"), max_length=20, db_index=True)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    submitted = models.JSONField(_("other details submitted"), default=dict, blank=True)
    password_hash = models.CharField(_("chosen password (hashed)"), max_length=256, blank=True)
    commercial_opt_in = models.BooleanField(_("accepts commercial information"), default=False)
    commercial_choice_at = models.DateTimeField(_("commercial information choice made at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    company = models.ForeignKey("people.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agent = models.ForeignKey("people.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    professional = models.ForeignKey(
        "providers.HealthProfessional", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
        verbose_name=_("account created"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("registration request")
        verbose_name_plural = _("registration requests")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="registration_queue_idx")]
        constraints = [
            models.CheckConstraint(
                name="registration_decided_when_not_pending",
                condition=Q(status=RegistrationStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=RegistrationStatus.PENDING) & Q(decided_at__isnull=False)),
                violation_error_message=_("A decided request has a decision date; a pending one has none."),
            ),
            models.CheckConstraint(
                name="registration_password_only_while_pending",
                condition=Q(status=RegistrationStatus.PENDING) | Q(password_hash=""),
                violation_error_message=_("A chosen password is kept only while the request is pending."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.get_status_display()})"

    @property
    def record(self) -> models.Model | None:
        """The insurer's record this request was matched with, if any."""
        return self.person or self.company or self.agent or self.professional


class AccountClosureRequest(PublicModel):
    """A user's request to suspend or delete their own account, processed by staff (SPEC A9)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="closure_requests", verbose_name=_("user")
    )
    kind = models.CharField(_("request"), max_length=16, choices=ClosureKind.choices)
    reason = models.TextField(_("reason given"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ClosureStatus.choices, default=ClosureStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("account closure request")
        verbose_name_plural = _("account closure requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=ClosureStatus.PENDING),
                name="closure_one_pending_per_user",
                violation_error_message=_("A request is already being processed for this account."),
            ),
            models.CheckConstraint(
                name="closure_decided_when_not_pending",
                condition=Q(status=ClosureStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=ClosureStatus.PENDING) & Q(decided_at__isnull=False)),
                violation_error_message=_("A decided request has a decision date; a pending one has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


OPEN_LETTER = [LetterStatus.TO_POST, LetterStatus.POSTED]


class ActivationLetter(PublicModel):
    """An activation code sent by post to the address on file, when the email typed is not the one on file.

    The code finishes a registration at /register/activate/ with the number it names: once, before it
    expires. It is kept encrypted (staff print the letter from it) and wiped once used or cancelled.
    One letter at most is open per record, so repeated registrations cannot multiply letters.
    """

    registration = models.OneToOneField(
        RegistrationRequest, on_delete=models.PROTECT, related_name="letter", verbose_name=_("registration")
    )
    code = EncryptedTextField(_("activation code"), blank=True)
    addressee = models.CharField(_("addressee"), max_length=200)
    address_lines = models.JSONField(_("postal address"), default=list)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    status = models.CharField(_("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.TO_POST)
    expires_at = models.DateTimeField(_("expires at"))
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation letter")
        verbose_name_plural = _("activation letters")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="letter_queue_idx")]

    def __str__(self) -> str:
        return f"{self.addressee} ({self.get_status_display()})"
