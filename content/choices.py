from django.db import models
from django.utils.translation import gettext_lazy as _


class Feature(models.TextChoices):
    """Parts of the portal staff can close for maintenance (SPEC A14)."""

    SITE = "site", _("Whole site")
    REGISTRATION = "registration", _("Registration")
    CLAIMS = "claims", _("Online claims")
    PAYMENTS = "payments", _("Card payments")
    REQUESTS = "requests", _("Requests")
    DOCUMENTS = "documents", _("Documents")
    API = "api", _("API")
