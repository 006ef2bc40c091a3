"""Abstract bases every domain model builds on."""

import uuid

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from core import sequences


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
    """A per-year numbering for human references (CLM-2026-0000123).

    ``take_next`` holds no lock until commit, so concurrent submissions never queue on one row: on PostgreSQL
    the number comes from a database sequence per table and year (``nextval`` is not transactional), and a number
    taken by a transaction that rolls back is simply never used: references may have gaps. SQLite lets one writer
    in at a time anyway, so there this row counts. ``take_consecutive`` is for numbering that must have no gap.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def take_next(cls, year: int) -> int:
        """The next number of ``year``, unique but not necessarily consecutive; call inside the transaction that
        uses it."""
        if connection.vendor == "postgresql":
            return sequences.next_value(f"{cls._meta.db_table}_{year}", start=lambda: cls._last_counted(year) + 1)
        return cls.take_consecutive(year)

    @classmethod
    def take_consecutive(cls, year: int) -> int:
        """The next number of ``year`` with no gap: the row stays locked until the caller's transaction ends, so
        take it as late as possible in that transaction. One statement (an upsert), the year's row created by
        the first number."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608 (the model's own table)
                f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
                [year],
            )
            return cursor.fetchone()[0]

    @classmethod
    def _last_counted(cls, year: int) -> int:
        """Where the row stopped, so that a database moving from the row to the sequence never reuses a number."""
        return cls.objects.filter(year=year).values_list("last_number", flat=True).first() or 0
