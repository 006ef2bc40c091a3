"""Who may open which back-office page: staff roles only; everyone else gets the same 404."""

from __future__ import annotations

from accounts.choices import StaffRole
from accounts.models import Profile
from accounts.permissions import has_role

ACCOUNT_ROLES = (StaffRole.ACCOUNT_VALIDATION, StaffRole.ADMINISTRATOR)


def may_manage_staff(profile: Profile | None) -> bool:
    """Staff logins are seen and changed by administrators only."""
    return has_role(profile, StaffRole.ADMINISTRATOR)
