from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfileKind(models.TextChoices):
    MEMBER = "member", _("Member")
    COMPANY = "company", _("Company")
    AGENT = "agent", _("Agent")
    PROFESSIONAL = "professional", _("Health professional")
    STAFF = "staff", _("Staff")


class StaffRole(models.TextChoices):
    """Back-office roles, each a permission group (SPEC section 1)."""

    ACCOUNT_VALIDATION = "account_validation", _("Account validation")
    REQUESTS = "requests", _("Requests")
    CLAIMS = "claims", _("Claims")
    CONTRIBUTIONS = "contributions", _("Contributions")
    CONTENT = "content", _("Content")
    DPO = "dpo", _("Data protection officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Language(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"
