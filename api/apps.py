from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API for programs (SPEC X5): personal tokens, and thin endpoints over the domain selectors."""

    name = "api"
    verbose_name = _("API")
