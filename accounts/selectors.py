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


def request_profile(request) -> Profile | None:
    """``request.profile`` as ``ActiveProfileMiddleware`` read it for this request (no query), else read now."""
    return request.profile if hasattr(request, "profile") else active_profile(request)


def active_profile(request) -> Profile | None:
    """The profile chosen in this session, or the only one the login has."""
    if not request.user.is_authenticated:
        return None
    profiles = profile_list(actor=request.user)
    chosen = request.session.get("profile")
    if chosen:
        profile = profiles.filter(public_id=chosen).first()
    else:
        candidates = list(profiles[:2])
        profile = candidates[0] if len(candidates) == 1 else None
    if profile is not None:
        profile.user = request.user  # the same login, already read: services reading profile.user query nothing
    return profile
