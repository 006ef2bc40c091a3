"""Finding a login from what a user types in the identifier field: username or membership number."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User


def user_for_identifier(identifier: str) -> User | None:
    """The login behind a username or a membership number (member, company or agent); None if unknown."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username__iexact=identifier).first()
    if user:
        return user
    number = Q(profiles__person__membership_number=identifier)
    number |= Q(profiles__company__membership_number=identifier) | Q(profiles__agent__membership_number=identifier)
    matches = list(User.objects.filter(number, profiles__is_active=True).distinct()[:2])
    return matches[0] if len(matches) == 1 else None


def canonical_identifier(identifier: str) -> str:
    """The key failures are counted under: the username when the identifier is known, else the text typed."""
    user = user_for_identifier(identifier)
    return user.username if user else (identifier or "").strip().lower()[:150]
