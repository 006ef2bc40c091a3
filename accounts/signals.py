"""Receivers: remember the previous connection, alert the owner of a locked account."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.models import update_last_login
from django.dispatch import receiver
from django.utils import timezone

from accounts.identifiers import user_for_identifier
from core.middleware import client_ip


def connect() -> None:
    # Our receiver keeps the previous value before updating last_login (SPEC A5).
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="openmutuelle_previous_login")
def remember_previous_login(sender, request, user, **kwargs) -> None:
    from accounts.services import login_recorded

    login_recorded(user=user, at=timezone.now())
    if request is not None and hasattr(request, "session"):
        from accounts.middleware import session_renewed

        request.session["auth_at"] = timezone.now().timestamp()
        session_renewed(request.session)  # the login's own save starts the idle timeout: no renewal at the next page


@receiver(user_login_failed, dispatch_uid="openmutuelle_address_failures")
def count_address_failure(sender, credentials, request=None, **kwargs) -> None:
    from accounts.throttling import address_failure_recorded

    address_failure_recorded(client_ip(request) if request is not None else None)


def _lock_is_new(request) -> bool:
    """Whether this failure is the one that locked the account, not a try on an account already locked.

    django-axes sends ``user_locked_out`` at every refused try on a locked account (counting it first, or not at
    all with AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off): only the failure that brings the count exactly
    to the limit starts a lock.
    """
    from axes.helpers import get_failure_limit

    count = getattr(request, "axes_failures_since_start", None) if request is not None else None
    if count is None:  # a refused try that axes did not count: the lock is older than this request
        return False
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    return count == limit


@receiver(user_locked_out, dispatch_uid="openmutuelle_lockout_alert")
def alert_locked_account(sender, request, username: str, ip_address: str, **kwargs) -> None:
    """Tell the owner once per lock (SPEC A8): further tries on the locked account send nothing more."""
    from accounts.services import lockout_alert

    if not _lock_is_new(request):
        return
    user = user_for_identifier(username)
    if user is not None:
        lockout_alert(user=user, ip=ip_address)
