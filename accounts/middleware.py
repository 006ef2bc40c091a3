"""Per-request access rules: session lifetime, active profile, onboarding gate, maintenance."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.onboarding import pending_step
from accounts.selectors import active_profile
from content.selectors import maintenance_active

# Reachable whatever is pending: the steps themselves, logout, legal pages, assets, health.
OPEN_PREFIXES = (
    "/static/",
    "/i18n/",
    "/healthz",
    "/terms/",
    "/legal-notices/",
    "/privacy/",
    "/logout/",
    "/onboarding/",
    "/email/confirm/",
    "/2fa/",
)


def is_open_path(path: str) -> bool:
    return path == "/" or path.startswith(OPEN_PREFIXES)


class Middleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response


RENEWED_AT = "renewed_at"  # the session key: when the idle timeout was last renewed (seconds since the epoch)


class SessionRenewalMiddleware(Middleware):
    """The idle timeout (``SESSION_COOKIE_AGE``, SECURITY.md: 30 minutes at most) runs from the last renewal of the
    session, done at most once a ``SESSION_RENEW_SECONDS``: Django's ``SESSION_SAVE_EVERY_REQUEST`` would write the
    session's row (a committed UPDATE, a WAL flush) and its cache entry at every page. A session idle for the
    timeout minus at most that interval ends, never later. Anonymous visits without a session create none; a
    session saved anyway (a login, a profile chosen) notes its renewal at no cost."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        renewed = session.get(RENEWED_AT)
        if session.modified or not isinstance(renewed, int) or time.time() - renewed >= settings.SESSION_RENEW_SECONDS:
            session_renewed(session)  # saved by SessionMiddleware's answer, with a new expiry
        return response


def session_renewed(session) -> None:
    """Note that the session is saved now (a renewal, a login): the next renewal is due in SESSION_RENEW_SECONDS."""
    session[RENEWED_AT] = int(time.time())


class SessionLifetimeMiddleware(Middleware):
    """Sessions end after an absolute lifetime, whatever the activity (idle timeout is the cookie age)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = request.session.get("auth_at") if request.user.is_authenticated else None
        if started and timezone.now().timestamp() - started > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
        return self.get_response(request)


class ActiveProfileMiddleware(Middleware):
    """``request.profile``: the profile the user acts in now (explicitly switched, or their only one)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.profile = active_profile(request) if request.user.is_authenticated else None
        return self.get_response(request)


class OnboardingGateMiddleware(Middleware):
    """Until the temporary password is changed, the email confirmed and the terms accepted, nothing else opens."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not is_open_path(request.path):
            step = pending_step(request)
            if step:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "onboarding_required", "message": "Finish your first login.", "field": None},
                        status=403,
                    )
                return redirect(step)
        return self.get_response(request)


class MaintenanceMiddleware(Middleware):
    """While the whole site is closed, only staff (and the login page, which shows the message) get through."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff = request.user.is_authenticated and request.user.is_staff
        login_path = reverse("accounts:login")
        if not staff and request.path != login_path and not request.path.startswith(("/static/", "/healthz")):
            windows = list(maintenance_active())
            if windows and request.path.startswith("/api/"):
                message = " ".join(window.message for window in windows)
                return JsonResponse({"code": "maintenance", "message": message, "field": None}, status=503)
            if windows:
                return render(request, "content/maintenance.html", {"windows": windows}, status=503)
        return self.get_response(request)
