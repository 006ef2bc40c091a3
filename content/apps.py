from django.apps import AppConfig


class ContentConfig(AppConfig):
    """What staff publish: terms of use versions, maintenance messages (and later FAQ, library)."""

    name = "content"
