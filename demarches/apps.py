from django.apps import AppConfig


class DemarchesConfig(AppConfig):
    """Requests (démarches): typed forms, tracking, messages with the back office (SPEC M5, E5, B2)."""

    name = "demarches"
    verbose_name = "Requests"

    def ready(self) -> None:
        from demarches import generic_kinds

        generic_kinds.register_all()
