"""Yearly references: unique under concurrency, and no lock held until commit on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from claims.models import ClaimSequence
from contributions.models import ReceiptSequence
from core.testing.concurrency import finishes_while_open

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")


def test_numbers_follow_each_other_within_a_year():
    assert [ClaimSequence.take_next(2031) for _ in range(3)] == [1, 2, 3]
    assert ClaimSequence.take_next(2032) == 1


def test_consecutive_numbering_counts_on_its_row():
    assert [ReceiptSequence.take_consecutive(2031) for _ in range(2)] == [1, 2]
    assert ReceiptSequence.objects.get(year=2031).last_number == 2


@postgresql_only
def test_the_sequence_starts_after_the_row_it_replaces():
    ClaimSequence.objects.create(year=2041, last_number=41)
    assert ClaimSequence.take_next(2041) == 42


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_number_taken_in_an_open_transaction_does_not_hold_up_the_next_one():
    numbers: list[int] = []
    assert finishes_while_open(
        lambda: numbers.append(ClaimSequence.take_next(2051)), lambda: numbers.append(ClaimSequence.take_next(2051))
    )
    assert sorted(numbers) == [1, 2]
