"""What was read from a bill: its text and the fields understood, both encrypted, tied to the document read.

A reading belongs either to a supporting document of a claim or draft (deleted with it), or to a bill the member
uploaded first to pre-fill the form (``stored_name``, its own encrypted file in the ``reading`` folder).
"""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models import PublicModel


class ReadingStatus(models.TextChoices):
    PENDING = "pending", _("Being read")
    DONE = "done", _("Read")
    FAILED = "failed", _("Could not be read")


class Reading(PublicModel):
    profile = models.ForeignKey(
        "accounts.Profile", null=True, blank=True, on_delete=models.CASCADE, related_name="readings"
    )
    document = models.OneToOneField(
        "claims.CareDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="reading"
    )
    stored_name = models.CharField(_("stored file"), max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("type"), max_length=8)
    status = models.CharField(_("status"), max_length=8, choices=ReadingStatus.choices, default=ReadingStatus.PENDING)
    error = models.CharField(_("error"), max_length=20, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    seconds = models.FloatField(_("reading time (s)"), null=True, blank=True)
    text = EncryptedTextField(_("text read"), blank=True)
    fields_json = EncryptedTextField(_("fields understood"), blank=True)

    class Meta:
        verbose_name = _("reading of a bill")
        verbose_name_plural = _("readings of bills")
        constraints = [
            models.CheckConstraint(name="reading_one_source", condition=Q(document__isnull=False) | ~Q(stored_name="")),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def fields(self) -> dict:
        return json.loads(self.fields_json) if self.fields_json else {}
