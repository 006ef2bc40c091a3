from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logins, the profiles a login may act as, and access to the portal."""

    name = "accounts"

    def ready(self) -> None:
        from accounts import signals

        signals.connect()
