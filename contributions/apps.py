from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    """Calls for contributions, receipts, payments received and allocated, reminders and annual certificates (SPEC
    M4, E4, B4).
    """

    name = "contributions"
    verbose_name = "Contributions"

    def ready(self) -> None:
        from contributions.payments import register

        register()
