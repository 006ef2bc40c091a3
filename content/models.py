"""Content staff publish in both languages: terms of use versions, maintenance closures, FAQ, library."""

import unicodedata
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from content.choices import FaqCategory, Feature, LibraryCategory
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


def in_language(french: str, english: str) -> str:
    """The text of the active language (French unless English is active)."""
    return english if (get_language() or "fr").startswith("en") else french


def fold(text: str) -> str:
    """Text as searched: lower case, without accents ("Réglé" and "regle" fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


class FaqEntry(PublicModel):
    """A question and its answer in French and English, in one section of the FAQ (SPEC M7, B5)."""

    category = models.CharField(_("section"), max_length=16, choices=FaqCategory.choices)
    question_fr = models.CharField(_("question (French)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    answer_fr = models.TextField(_("answer (French)"), max_length=5000)
    answer_en = models.TextField(_("answer (English)"), max_length=5000)
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Smaller numbers come first within the section.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    search_text = models.TextField(editable=False, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["category", "position", "pk"]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        """Keep the accent-free search text in step with both languages (searched by ``content.selectors``)."""
        self.search_text = fold(" ".join([self.question_fr, self.question_en, self.answer_fr, self.answer_en]))
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def question(self) -> str:
        return in_language(self.question_fr, self.question_en)

    @property
    def answer(self) -> str:
        return in_language(self.answer_fr, self.answer_en)


def library_upload_to(instance: "LibraryDocument", filename: str) -> str:
    """A random name: the title is shown to people, the stored name tells nothing."""
    return f"library/{uuid.uuid4().hex}.pdf"


class LibraryDocument(PublicModel):
    """A document of the library (notice, guide, factsheet, form), stored encrypted (SPEC M6, B5).

    With no product it is for everyone; otherwise only for holders of one of ``products``.
    """

    category = models.CharField(_("type"), max_length=24, choices=LibraryCategory.choices)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_fr = models.TextField(_("description (French)"), max_length=1000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to=library_upload_to, max_length=200)
    file_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    products = models.ManyToManyField(
        "contracts.Product",
        blank=True,
        related_name="library_documents",
        verbose_name=_("products"),
        help_text=_("Leave empty for a document every member may read."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = ["category", "title_fr", "pk"]
        constraints = [
            models.CheckConstraint(
                name="library_document_has_file",
                condition=~Q(file=""),
                violation_error_message=_("A library document needs a file."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)

    @property
    def description(self) -> str:
        return in_language(self.description_fr, self.description_en)
