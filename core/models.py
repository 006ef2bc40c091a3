"""Abstract bases every domain model builds on."""

import uuid

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Rows that know when they were created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """Rows a URL or the API names: they are addressed by a random UUID, never by their key."""

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class YearlySequence(models.Model):
    """A per-year counter for human references (CLM-2026-0000123): locked while a number is taken,
    so numbers are consecutive and never repeat, even under concurrent submissions."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def take_next(cls, year: int) -> int:
        """The next number of ``year``; call inside the transaction that uses it."""
        sequence = cls.objects.select_for_update().filter(year=year).first()
        if sequence is None:
            try:
                with transaction.atomic():
                    sequence = cls.objects.create(year=year)
            except IntegrityError:
                sequence = cls.objects.select_for_update().get(year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        return sequence.last_number
