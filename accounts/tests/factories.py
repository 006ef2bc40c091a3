"""Builders for logins and profiles in tests."""

from __future__ import annotations

import itertools

from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile, User
from accounts.services import staff_groups_ensure

PASSWORD = "Correct-Horse-Battery-42"
_seq = itertools.count(1)

_TARGET = {
    ProfileKind.MEMBER: "person",
    ProfileKind.COMPANY: "company",
    ProfileKind.AGENT: "agent",
    ProfileKind.PROFESSIONAL: "professional",
}


def user(*, ready: bool = True, **fields) -> User:
    """A login; ``ready`` means first-login steps are done (email confirmed, no temporary password)."""
    n = next(_seq)
    fields.setdefault("language", "en")  # tests read the msgids; French is checked where a test says so
    account = User(
        username=fields.pop("username", f"user{n}"), email=fields.pop("email", f"user{n}@example.fr"), **fields
    )
    account.set_password(PASSWORD)
    if ready:
        account.email_confirmed_at = timezone.now()
    account.save()
    return account


def profile(kind: ProfileKind, target=None, account: User | None = None) -> Profile:
    account = account or user()
    fields = {_TARGET[kind]: target} if kind in _TARGET else {}
    return Profile.objects.create(user=account, kind=kind, **fields)


def staff(*roles: StaffRole, account: User | None = None) -> Profile:
    account = account or user(is_staff=True)
    groups = staff_groups_ensure()
    account.groups.add(*(groups[role.value] for role in roles))
    return profile(ProfileKind.STAFF, account=account)
