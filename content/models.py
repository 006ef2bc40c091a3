"""Content staff publish in both languages: terms of use versions and maintenance closures."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from content.choices import Feature
from core.models import PublicModel, TimeStampedModel


class TermsVersion(PublicModel):
    """One published version of the terms of use (CGU). A new version must be accepted again."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("text (French)"))
    body_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "fr").startswith("en") else self.title_fr

    @property
    def body(self) -> str:
        return self.body_en if (get_language() or "fr").startswith("en") else self.body_fr


class TermsAcceptance(models.Model):
    """Proof that a login accepted a version of the terms, and when (SPEC A4)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances")
    terms = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("accepted at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "terms"], name="terms_accepted_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.terms_id}"


class MaintenanceWindow(TimeStampedModel):
    """A closure of the site or of one feature, with the message shown to users (SPEC A14)."""

    feature = models.CharField(_("feature"), max_length=16, choices=Feature.choices)
    message_fr = models.TextField(_("message (French)"))
    message_en = models.TextField(_("message (English)"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        indexes = [models.Index(fields=["feature", "starts_at"], name="maintenance_feature_idx")]
        constraints = [
            models.CheckConstraint(
                name="maintenance_period",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("The end must be after the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.feature} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def message(self) -> str:
        return self.message_en if (get_language() or "fr").startswith("en") else self.message_fr
