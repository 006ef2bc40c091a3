"""Logins and the profiles they act as.

A login (``User``) may hold several profiles — a member who is also a company
correspondent — and switches explicitly between them. A profile points at the insurer
record it acts for: a person, a company, an agent or a health professional; staff
profiles carry their roles as permission groups.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, ProfileKind
from core.models import PublicModel


class User(AbstractUser):
    """A login to the portal. Passwords are stored only as Argon2id hashes."""

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    previous_login = models.DateTimeField(_("previous connection"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    temporary_password_expires_at = models.DateTimeField(_("temporary password expires at"), null=True, blank=True)

    @property
    def temporary_password_expired(self) -> bool:
        expires = self.temporary_password_expires_at
        return self.must_change_password and expires is not None and expires < timezone.now()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Profile(PublicModel):
    """One role a login may act in, tied to the insurer record it acts for."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profiles", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=16, choices=ProfileKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    company = models.ForeignKey(
        "people.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    agent = models.ForeignKey("people.Agent", null=True, blank=True, on_delete=models.PROTECT, related_name="profiles")
    professional = models.ForeignKey(
        "providers.HealthProfessional", null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                name="profile_target_matches_kind",
                violation_error_message=_("A profile must point at exactly the record its kind acts for."),
                condition=(
                    Q(
                        kind=ProfileKind.MEMBER,
                        person__isnull=False,
                        company__isnull=True,
                        agent__isnull=True,
                        professional__isnull=True,
                    )
                    | Q(
                        kind=ProfileKind.COMPANY,
                        person__isnull=True,
                        company__isnull=False,
                        agent__isnull=True,
                        professional__isnull=True,
                    )
                    | Q(
                        kind=ProfileKind.AGENT,
                        person__isnull=True,
                        company__isnull=True,
                        agent__isnull=False,
                        professional__isnull=True,
                    )
                    | Q(
                        kind=ProfileKind.PROFESSIONAL,
                        person__isnull=True,
                        company__isnull=True,
                        agent__isnull=True,
                        professional__isnull=False,
                    )
                    | Q(
                        kind=ProfileKind.STAFF,
                        person__isnull=True,
                        company__isnull=True,
                        agent__isnull=True,
                        professional__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.username} · {self.get_kind_display()}"


class PasswordResetLink(models.Model):
    """A "password forgotten" link: single use, short-lived, ended by a newer link or any password change.

    Only the SHA-256 digest of the secret in the link is kept, so the table alone opens no account.
    The current password stays valid until the link is used.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_reset_links", verbose_name=_("user")
    )
    digest = models.CharField(_("digest of the secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("password reset link")
        verbose_name_plural = _("password reset links")

    def __str__(self) -> str:
        return f"{self.user.username} · {self.created_at:%Y-%m-%d %H:%M}"


class StaffInvitation(models.Model):
    """The link that lets a staff login set up its second factor (issue 16): mailed to the staff address only.

    A staff login cannot turn its authenticator app on with its password alone: whoever learns a new staff
    member's password would otherwise enrol their own phone first. Single use, short-lived, ended by a newer
    invitation; only the SHA-256 digest of the secret in the link is kept.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_invitations", verbose_name=_("user"))
    digest = models.CharField(_("digest of the secret"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")

    def __str__(self) -> str:
        return f"{self.user.username} · {self.created_at:%Y-%m-%d %H:%M}"
