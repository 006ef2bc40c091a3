"""Who may read what: the one place that maps staff roles to the records they need (SPEC G4)."""

from __future__ import annotations

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile

# Which staff roles need to read insured people and their contracts.
RECORD_READERS = {
    StaffRole.ACCOUNT_VALIDATION,
    StaffRole.REQUESTS,
    StaffRole.CLAIMS,
    StaffRole.CONTRIBUTIONS,
    StaffRole.DPO,
    StaffRole.ADMINISTRATOR,
}


def staff_roles(profile: Profile | None) -> set[str]:
    """The back-office roles of a staff profile (its login's permission groups)."""
    if profile is None or profile.kind != ProfileKind.STAFF or not profile.user.is_active:
        return set()
    cached = getattr(profile, "_roles", None)
    if cached is None:
        cached = set(profile.user.groups.values_list("name", flat=True))
        profile._roles = cached
    return cached


def has_role(profile: Profile | None, *roles: StaffRole) -> bool:
    return bool(staff_roles(profile) & {role.value for role in roles})


def reads_records(profile: Profile | None) -> bool:
    return has_role(profile, *RECORD_READERS)
