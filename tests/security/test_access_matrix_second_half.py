"""The second half of the object-level access matrix, by actor (test_access_matrix.py holds the cases and checks).

A file of its own because the test workers (pytest-xdist ``--dist loadfile``) take whole files: the two halves run
side by side, each in a world of its own.
"""

from __future__ import annotations

import pytest

from tests.security.test_access_matrix import SECOND_HALF, Case, check_case, world  # noqa: F401 - world: the fixture


@pytest.mark.django_db
@pytest.mark.parametrize("case", SECOND_HALF, ids=[case.id for case in SECOND_HALF])
def test_object_access(case: Case, world):  # noqa: F811 - the fixture imported above
    check_case(case, world)
