"""Test helpers for any app whose tests log staff in: staff need a second factor (SPEC A13).

from twofactor.tests.helpers import login_verified
login_verified(client, staff_user)   # password, then a code from a confirmed app
"""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests import factories as f


def code(device: TOTPDevice) -> str:
    """A valid code from the app now. Forgets the last code used, so a test may log in twice in 30 seconds."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def device_for(user) -> TOTPDevice:
    """The login's confirmed authenticator app, created if it has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator-app", confirmed=True)


def login_verified(client, user, password: str = f.PASSWORD) -> TOTPDevice:
    """Log in through the login page, then enter a code: the session is fully verified."""
    device = device_for(user)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302, "login refused"
    response = client.post(reverse("twofactor:verify"), {"code": code(device)})
    assert response.status_code == 302, "code refused"
    return device
