from django.apps import AppConfig


class DemarchesConfig(AppConfig):
    """Requests (démarches): typed forms, tracking, messages with the back office (SPEC M5, E5, B2)."""

    name = "demarches"
    verbose_name = "Requests"
