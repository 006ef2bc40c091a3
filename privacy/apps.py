from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal-data rights requests, retention, need-to-know review, audience statistics and the evidence pages
    (SPEC G2-G5, B6, B7).
    """

    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from privacy.hooks import discover

        discover()
