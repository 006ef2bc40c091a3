"""The outbox: every email is a row written in the transaction that decides it, sent by a task after the commit."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class OutgoingEmail(models.Model):
    """One email to send. Its content (recipients, text, attachments) is encrypted at rest and emptied once sent,
    so a temporary password or a health detail does not stay in the database; ``sent_at`` makes sending idempotent
    (a retried or duplicated task finds it set and sends nothing)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    template = models.CharField(_("template"), max_length=150)
    content = EncryptedTextField(_("content"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_waiting")]

    def __str__(self) -> str:
        return f"{self.template} ({self.created_at:%Y-%m-%d %H:%M})"
