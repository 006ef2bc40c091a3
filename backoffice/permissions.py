"""Who may open which back-office page: staff roles only; everyone else gets the same 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile
from accounts.permissions import has_role, staff_roles

ACCOUNT_ROLES = (StaffRole.ACCOUNT_VALIDATION, StaffRole.ADMINISTRATOR)


def acting_profile(request: HttpRequest) -> Profile | None:
    """``request.profile`` unwrapped: the lazy object of the middleware is truthy only around a real profile."""
    profile = getattr(request, "profile", None)
    return profile if profile else None


def may_manage_staff(profile: Profile | None) -> bool:
    """Staff logins are seen and changed by administrators only."""
    return has_role(profile, StaffRole.ADMINISTRATOR)


def staff_required(*roles: StaffRole) -> Callable:
    """Anonymous visitors go to the login page; logged-in users without one of ``roles`` get a 404.

    Without roles, any staff profile with at least one role passes (the back-office home).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            profile = acting_profile(request)
            allowed = has_role(profile, *roles) if roles else bool(staff_roles(profile))
            if not allowed or profile.kind != ProfileKind.STAFF:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
