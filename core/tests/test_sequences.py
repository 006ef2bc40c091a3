"""Yearly references: unique under concurrency, and no lock held until commit on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from claims.models import ClaimSequence
from contributions.models import ReceiptSequence

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
    taken, released = threading.Event(), threading.Event()
    numbers: dict[str, int] = {}

    def slow() -> None:
        try:
            with transaction.atomic():
                numbers["slow"] = ClaimSequence.take_next(2051)
                taken.set()
                released.wait(10)
        finally:
            connection.close()

    def quick() -> None:
        try:
            with transaction.atomic():
                numbers["quick"] = ClaimSequence.take_next(2051)
        finally:
            connection.close()

    first = threading.Thread(target=slow)
    first.start()
    assert taken.wait(10)
    second = threading.Thread(target=quick)
    second.start()
    second.join(3)
    finished_while_open = not second.is_alive()
    released.set()
    first.join()
    second.join()
    assert finished_while_open
    assert sorted(numbers.values()) == [1, 2]
