"""The claim's state machine, in one table (SPEC C5)."""

import pytest

from claims.choices import TRANSITIONS, ClaimAction, ClaimStatus, actions_from, allowed

S, A = ClaimStatus, ClaimAction


@pytest.mark.parametrize(
    ("current", "action", "target", "expected"),
    [
        (None, A.SUBMIT, S.IN_PROGRESS, True),
        (None, A.SUBMIT, S.VALIDATED, False),
        (S.IN_PROGRESS, A.DECIDE, S.VALIDATED, True),
        (S.IN_PROGRESS, A.DECIDE, S.PARTIALLY_VALIDATED, True),
        (S.IN_PROGRESS, A.DECIDE, S.REJECTED, True),
        (S.IN_PROGRESS, A.DECIDE, S.IN_PROGRESS, False),
        (S.IN_PROGRESS, A.REQUEST_ORIGINALS, S.IN_PROGRESS, True),
        (S.IN_PROGRESS, A.REQUEST_ORIGINALS, S.VALIDATED, False),
        (S.VALIDATED, A.REQUEST_ORIGINALS, S.VALIDATED, True),
        (S.REJECTED, A.REQUEST_ORIGINALS, S.REJECTED, True),
        (S.VALIDATED, A.DECIDE, S.REJECTED, False),
        (S.REJECTED, A.DECIDE, S.VALIDATED, False),
        (S.PARTIALLY_VALIDATED, A.DECIDE, S.VALIDATED, False),
        (S.VALIDATED, A.MARK_PAID, S.VALIDATED, True),
        (S.PARTIALLY_VALIDATED, A.MARK_PAID, S.PARTIALLY_VALIDATED, True),
        (S.REJECTED, A.MARK_PAID, S.REJECTED, False),
        (S.IN_PROGRESS, A.MARK_PAID, S.IN_PROGRESS, False),
        (S.PARTIALLY_VALIDATED, A.REOPEN, S.IN_PROGRESS, True),
        (S.REJECTED, A.REOPEN, S.IN_PROGRESS, True),
        (S.VALIDATED, A.REOPEN, S.IN_PROGRESS, False),  # nothing refused, nothing to add
        (S.IN_PROGRESS, A.REOPEN, S.IN_PROGRESS, False),
    ],
)
def test_transitions(current, action, target, expected):
    assert allowed(current, action, target) is expected


def test_every_status_is_reachable_and_decided_ones_are_final_unless_a_missing_document_comes():
    reachable = {target for targets in TRANSITIONS.values() for target in targets}
    assert reachable == set(S.values)
    for status in (S.VALIDATED, S.PARTIALLY_VALIDATED, S.REJECTED):
        assert A.DECIDE not in actions_from(status)
        assert all(
            targets == ({S.IN_PROGRESS} if a == A.REOPEN else {status})
            for (s, a), targets in TRANSITIONS.items()
            if s == status
        )
