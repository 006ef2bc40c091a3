"""Every supporting document stored for a claim or a draft is read in the background once its row commits."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import CareDocument
from reading.services import reading_for_document


@receiver(post_save, sender=CareDocument, dispatch_uid="reading.read_new_document")
def read_new_document(sender, instance: CareDocument, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        reading_for_document(instance)
