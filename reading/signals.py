"""Every supporting document stored for a claim or a draft is read in the background once its row commits
(``READING_SUPPORTING_DOCUMENTS``): one row at a time (``post_save``) or a submission's bulk insert
(``claims.signals.documents_stored``)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import CareDocument
from claims.signals import documents_stored
from reading.services import readings_for_documents


@receiver(post_save, sender=CareDocument, dispatch_uid="reading.read_new_document")
def read_new_document(sender, instance: CareDocument, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        readings_for_documents([instance])


@receiver(documents_stored, dispatch_uid="reading.read_stored_documents")
def read_stored_documents(sender, documents: list[CareDocument], **kwargs) -> None:
    readings_for_documents(documents)
