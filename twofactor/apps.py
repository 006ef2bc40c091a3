from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    """Second factor: an authenticator app (TOTP) with single-use recovery codes (SPEC A13)."""

    name = "twofactor"
    verbose_name = "Two-factor authentication"
