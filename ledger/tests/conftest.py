import pytest

from accounts.choices import StaffRole
from professionals.tests import factories as pf
from registration.tests.helpers import logged_in_staff


@pytest.fixture
def family(db):
    return pf.family()


@pytest.fixture
def pro(db):
    return pf.pro_profile()


@pytest.fixture
def claims_staff(db):
    client, staff = logged_in_staff(StaffRole.CLAIMS)
    return {"client": client, "profile": staff, "user": staff.user}
