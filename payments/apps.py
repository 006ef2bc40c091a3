from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Card payments through a payment service provider's hosted page: one provider interface, a built-in sandbox
    provider, signed notifications (SPEC M4).
    """

    name = "payments"
    verbose_name = "Payments"
