from django.apps import AppConfig


class ProfessionalsConfig(AppConfig):
    """The health-professional space: third-party-payment invoices and payments, member rights check, contact (SPEC
    H1-H3).
    """

    name = "professionals"
    verbose_name = "Professionals"
