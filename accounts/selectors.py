"""Reads about logins and profiles, scoped to the viewer."""

from django.db.models import QuerySet

from accounts.models import Profile, User


def profile_list(*, actor: User) -> QuerySet[Profile]:
    """The active profiles of the viewer's own login, with the records they act for."""
    return (
        Profile.objects.filter(user=actor, is_active=True)
        .select_related("person", "company", "agent", "professional")
        .order_by("kind", "pk")
    )
