"""The walk cut into id ranges on several connections gives the verdict of one walk, whatever the tampering and
wherever it falls, the boundaries of the ranges included (PostgreSQL, committed rows: other connections see them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from audit import chain
from audit.chain import verify_chain
from audit.services import anchor_head, record
from audit.tests import tampering

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ranges are walked at once on PostgreSQL only"),
]

EVENTS = 12


@pytest.fixture
def ids() -> list[int]:
    events = [record(actor=None, action="contract.created", data={"n": n}) for n in range(EVENTS)]
    chain.seal(wait=30)
    return [event.id for event in events]


def verdicts(monkeypatch) -> tuple[tuple, tuple]:
    """(one walk, four ranges at once): ok, fault, first bad event, events checked, reason."""
    results = []
    for parallel in (False, True):
        monkeypatch.setattr(chain, "PARALLEL_MIN", 2 if parallel else 10**12)
        monkeypatch.setattr(chain.os, "cpu_count", lambda: 4)
        result = verify_chain(seal_first=False)
        results.append((result.ok, result.fault, result.first_bad_id, result.checked, result.reason))
    assert chain._ranges(0, 10**6) != [(0, 10**6)]  # the second walk was indeed cut
    return results[0], results[1]


def test_an_intact_anchored_trail_verifies_in_ranges(ids, monkeypatch):
    anchor_head()  # its count of events is checked across the ranges
    single, ranges = verdicts(monkeypatch)
    assert single == ranges == (True, None, None, EVENTS, "")


TAMPERINGS: dict[str, Callable[[list[int], int], None]] = {
    "modified": lambda ids, at: tampering.set_data(ids[at], {"n": -1}),
    "deleted with its seal": lambda ids, at: tampering.delete_sealed(ids[at]),
    "deleted, seal kept": lambda ids, at: tampering.delete_event(ids[at]),
    "inserted unsealed": lambda ids, at: (tampering.delete_sealed(ids[at]), tampering.forge(ids[at])),
    "replaced, valid seal": lambda ids, at: (
        tampering.delete_sealed(ids[at]),
        tampering.forge_sealed(ids[at], after=ids[at - 1] if at else None),
    ),
    "swapped": lambda ids, at: tampering.swap(ids[at], ids[min(at + 1, EVENTS - 1)]),
}


@pytest.mark.parametrize("how", TAMPERINGS)
@pytest.mark.parametrize("at", [0, 2, 3, 5, 6, 9, EVENTS - 1])
def test_tampering_gets_the_same_verdict_in_ranges(ids, monkeypatch, how, at):
    """The ranges of ids here are about 3 events long: positions on both sides of each boundary are tampered."""
    TAMPERINGS[how](ids, at)
    single, ranges = verdicts(monkeypatch)
    assert single == ranges
    if at < EVENTS - 1:  # at the end of the trail, without an anchor, some are invisible (test_services says which)
        assert not single[0]


def test_a_truncated_tail_fails_the_anchor_in_ranges(ids, monkeypatch):
    anchor_head()
    tampering.delete_sealed(ids[-1])
    single, ranges = verdicts(monkeypatch)
    assert single == ranges
    assert single[1] == chain.Fault.ANCHOR_MISMATCH
