"""The provider in use: ``settings.PAYMENT_PROVIDER`` (default: the built-in sandbox)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from payments.providers.base import InvalidNotificationError, Notification, Provider, RefundError


def provider_code() -> str:
    return getattr(settings, "PAYMENT_PROVIDER", "sandbox")


def get_provider() -> Provider:
    code = provider_code()
    if code == "sandbox" and getattr(settings, "PRODUCTION", False):
        # The sandbox accepts test cards: in production it would mark contributions paid for nothing.
        raise ImproperlyConfigured("The sandbox payment provider takes no payment in production: set PAYMENT_PROVIDER.")
    if code == "sandbox":
        from payments.providers.sandbox import SandboxProvider

        return SandboxProvider()
    raise ImproperlyConfigured(f"Unknown PAYMENT_PROVIDER {code!r}: the built-in one is 'sandbox'.")


__all__ = ["InvalidNotificationError", "Notification", "Provider", "RefundError", "get_provider", "provider_code"]
