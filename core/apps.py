from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces every domain uses: base models, layout, health, security headers."""

    name = "core"
