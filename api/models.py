"""Personal access tokens: how a program (a mobile app, an HR system) acts for one login in one profile.

Only a SHA-256 digest of the secret is stored, with a short clear prefix so the owner can
recognise a token in a list; the secret itself is shown once, at creation. A token acts in
the profile that was active when it was created, so it sees exactly what that profile sees
on the web.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel

TOKEN_MAX_LIFETIME_DAYS = 366


def validate_expiry_date(value: date | None) -> None:
    """An expiry, when given, lies after today and at most a year ahead."""
    if value is None:
        return
    today = timezone.localdate()
    if value <= today:
        raise ValidationError(_("The expiry date must be after today."), code="expiry_past")
    if value > today + timedelta(days=TOKEN_MAX_LIFETIME_DAYS):
        raise ValidationError(_("The expiry date must be within one year."), code="expiry_too_far")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired (the owner's state is checked separately)."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(PublicModel):
    """A personal bearer token of one login, acting in the profile it was created for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    profile = models.ForeignKey(
        "accounts.Profile", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("profile")
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The first characters, to recognise it."))
    secret_hash = models.CharField(_("secret digest"), max_length=64, unique=True, editable=False)
    password_fingerprint = models.CharField(
        _("password fingerprint"),
        max_length=64,
        editable=False,
        help_text=_("Changes with the password: a token, like a session, does not survive a password change."),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
