from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """Staff pages (SPEC B): account validation, unlock, deactivation and closure requests so far (B1)."""

    name = "backoffice"
