"""View guards by profile: the one way a page says which profiles it serves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.permissions import has_role, staff_roles


def profile_required(*kinds: str) -> Callable:
    """Logged in and acting in one of ``kinds``; otherwise the same 404 as a missing page.

    A login with several profiles and none chosen yet is sent to the profile choice first.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            profile = request.profile
            if profile is None and request.user.profiles.filter(is_active=True).count() > 1:
                return redirect("accounts:profile_choose")
            if profile is None or profile.kind not in kinds:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_role_required(*roles) -> Callable:
    """A staff profile holding one of ``roles`` (without roles: any back-office role); everyone else gets a 404,
    anonymous visitors the login page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            allowed = has_role(request.profile, *roles) if roles else bool(staff_roles(request.profile))
            if not allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
