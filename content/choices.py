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


class FaqCategory(models.TextChoices):
    """Sections of the FAQ (SPEC M7)."""

    ACCOUNT = "account", _("My account and logging in")
    CONTRACTS = "contracts", _("Contracts and guarantees")
    CLAIMS = "claims", _("Reimbursements")
    CONTRIBUTIONS = "contributions", _("Contributions and payments")
    DOCUMENTS = "documents", _("Documents and certificates")
    EXPATRIATION = "expatriation", _("Expatriation")
    OTHER = "other", _("Other questions")


class LibraryCategory(models.TextChoices):
    """Kinds of documents of the documentation library (SPEC M6, E6)."""

    NOTICE = "notice", _("Notice")
    GUIDE = "guide", _("Practical guide")
    FACTSHEET = "factsheet", _("Factsheet")
    CARE_SHEET = "care_sheet", _("Form: care sheet")
    PRIOR_AGREEMENT = "prior_agreement", _("Form: prior-agreement request")
    MEDICAL_QUESTIONNAIRE = "medical_questionnaire", _("Form: medical questionnaire")
