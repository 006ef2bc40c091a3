"""Rows that hold one version of something over a period (``valid_from`` … ``valid_to``, open-ended when
``valid_to`` is empty): guarantee lines, base tariffs. One place says which version is in force on a date, in the
database (``DatedQuerySet.in_force``) and over rows already read (``version_on``), so no caller writes the test
again by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from django.db import models
from django.db.models import Q


class Dated(Protocol):
    valid_from: date
    valid_to: date | None


D = TypeVar("D", bound=Dated)


def in_force_q(on: date, prefix: str = "") -> Q:
    """The condition "in force on ``on``" (``prefix``: the relation leading to the dated row, ``"tariff__"``)."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def covers(row: Dated, on: date) -> bool:
    """Whether ``row`` is the version in force on ``on``: the same rule as ``in_force_q``."""
    return row.valid_from <= on and (row.valid_to is None or on <= row.valid_to)


def version_on(versions: Iterable[D], on: date) -> D | None:
    """The version among ``versions`` (rows already read, one subject) in force on ``on``, or None."""
    return next((row for row in versions if covers(row, on)), None)


class DatedQuerySet(models.QuerySet):
    """The queryset of a dated model: ``Model.objects.in_force(on)``."""

    def in_force(self, on: date) -> DatedQuerySet:
        """The versions in force on ``on`` (one per subject when versions do not overlap)."""
        return self.filter(in_force_q(on))
