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
        request.session["auth_at"] = timezone.now().timestamp()


@receiver(user_login_failed, dispatch_uid="openmutuelle_address_failures")
def count_address_failure(sender, credentials, request=None, **kwargs) -> None:
    from accounts.throttling import address_failure_recorded

    address_failure_recorded(client_ip(request) if request is not None else None)


@receiver(user_locked_out, dispatch_uid="openmutuelle_lockout_alert")
def alert_locked_account(sender, request, username: str, ip_address: str, **kwargs) -> None:
    from accounts.services import lockout_alert

    user = user_for_identifier(username)
    if user is not None:
        lockout_alert(user=user, ip=ip_address)
