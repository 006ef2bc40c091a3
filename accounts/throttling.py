"""Login throttling (SPEC A8, SECURITY.md, CNIL 2022-100).

django-axes counts failures and locks an identifier at ``AXES_FAILURE_LIMIT`` (10) until
staff unlock it or a day passes. Before that, from the 5th consecutive failure each new
try must wait a delay that starts at one minute and doubles. A locked or waiting account
gets exactly the answer of a wrong password; the owner is told by email.

Addresses (the client's, see ``core.middleware.client_ip``) are throttled separately and more
loosely: locking an address at 10 failures, as axes would, would lock out a whole company
behind one NAT address; so axes locks per identifier only (check axes.W006 is silenced for
that), and an address over its limit narrows what it may try instead of shutting everyone out:

- under ``LOGIN_FAILURES_PER_ADDRESS_HOUR`` (50) failures in the hour: nothing more than the
  per-identifier rules;
- from there to ``LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD`` (200): only accounts that have no
  failure of their own are tried, so a password sprayer gets at most one guess per account
  while the people sharing the address still log in;
- beyond: only a browser that has already logged into that account (a signed device cookie,
  OWASP "device cookies") is tried.
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.identifiers import canonical_identifier, user_for_identifier
from core import throttling as counters
from core.middleware import client_ip, current_request_context

DEVICE_COOKIE = "om_device"
DEVICE_SALT = "accounts.throttling.device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_ACCOUNTS = 5  # logins remembered per browser (a shared family computer)

# 'Password forgotten': (requests allowed, window in seconds) per typed identifier and per client address.
RESET_LIMITS = {"password_reset_identifier": (3, 3600), "password_reset_ip": (10, 3600)}


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: failures count against the account, whichever identifier was typed."""
    raw = (credentials or {}).get("username") or (request.POST.get("username") if request else "") or ""
    return canonical_identifier(raw)


def failures(username: str) -> tuple[int, timezone.datetime | None]:
    """Failures recorded for this identifier since the last success, and when the last one happened."""
    stats = AccessAttempt.objects.filter(username=username).aggregate(
        count=Sum("failures_since_start"), last=Max("attempt_time")
    )
    return stats["count"] or 0, stats["last"]


def wait_delay(failure_count: int) -> timedelta:
    """No delay before the threshold; then 1 minute, doubling at each further failure."""
    threshold = settings.LOGIN_DELAY_AFTER_FAILURES
    if failure_count < threshold:
        return timedelta(0)
    return timedelta(minutes=2 ** (failure_count - threshold))


ADDRESS_SCOPE = "login-address"


def address_failure_recorded(ip: str | None) -> None:
    """Count a failed login from an address (all identifiers together), over the hour."""
    if ip:
        counters.hit(ADDRESS_SCOPE, ip, limit=settings.LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD, window=3600)


def address_failures(ip: str | None) -> int:
    return counters.count(ADDRESS_SCOPE, ip) if ip else 0


def device_accounts(request: HttpRequest | None) -> list[int]:
    """The logins this browser has logged into (signed cookie); empty when absent, tampered with or expired."""
    value = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not value:
        return []
    try:
        accounts = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [pk for pk in accounts if isinstance(pk, int)] if isinstance(accounts, list) else []


def device_remember(request: HttpRequest, response: HttpResponse, user) -> None:
    """After a successful login: this browser is known to that account (most recent first)."""
    accounts = [user.pk, *(pk for pk in device_accounts(request) if pk != user.pk)][:DEVICE_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(accounts, salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _known_device(request: HttpRequest | None, identifier: str) -> bool:
    accounts = device_accounts(request)
    user = user_for_identifier(identifier) if accounts else None
    return user is not None and user.pk in accounts


def login_refused(request: HttpRequest | None, identifier: str | None) -> bool:
    """Whether this try is refused before any password is checked (see the module docstring)."""
    identifier = identifier or ""
    count, last = failures(canonical_identifier(identifier))
    if last is not None and timezone.now() < last + wait_delay(count):
        return True
    ip = client_ip(request) if request is not None else None
    from_address = address_failures(ip)
    if from_address < settings.LOGIN_FAILURES_PER_ADDRESS_HOUR or _known_device(request, identifier):
        return False
    return from_address >= settings.LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD or count > 0


def _request_from_context() -> HttpRequest:
    """A stand-in request for a check made outside a view (a service, the API): the address and browser of the
    request being served, so that django-axes and the address counter see the same client as at login."""
    context = current_request_context()
    request = HttpRequest()
    request.path = request.path_info = "/password-check/"
    request.META.update(
        {"REMOTE_ADDR": context.ip or "", "HTTP_USER_AGENT": context.user_agent, "PATH_INFO": request.path}
    )
    return request


def password_recheck(*, user, password: str, request: HttpRequest | None = None) -> bool:
    """Whether ``password`` is the user's, asked again (password change, step-up, 2FA removal), on the very
    counters of the login form: every wrong answer is a login failure of the account (delay from the 5th, lock at
    the 10th, the owner told), and a waiting or locked account is refused even the right password."""
    from django.contrib.auth import authenticate

    if not password:
        return False
    checked = authenticate(request or _request_from_context(), username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """AXES_LOCKOUT_CALLABLE: the locked account gets the page a wrong password gets."""
    if original_response is not None:
        return original_response
    from accounts.views import LoginView

    return LoginView.as_view()(request)


def password_reset_allowed(*, identifier: str, ip: str | None) -> bool:
    """Both counters always move (per identifier typed, per address), whatever the account: no lookup here."""
    identifier_ok = _counted("password_reset_identifier", (identifier or "").strip().lower())
    ip_ok = _counted("password_reset_ip", ip or "unknown")
    return identifier_ok and ip_ok


def _counted(scope: str, value: str) -> bool:
    limit, window = {**RESET_LIMITS, **getattr(settings, "PASSWORD_RESET_LIMITS", {})}[scope]
    return counters.hit(scope, value, limit=limit, window=window)
