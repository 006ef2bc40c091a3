from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ledger"
    verbose_name = _("Benefits ledger")

    def ready(self) -> None:
        from ledger import quotes  # the quote before care (issue 14), a request kind of the request engine

        quotes.register_all()
