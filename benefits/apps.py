from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    """Benefits paid: SEPA payment batches of validated claims, benefit statements and the third-party-payment card
    (SPEC C6 payment, M9, M10)."""

    name = "benefits"
    verbose_name = "Benefits"
