from django.db import models
from django.utils.translation import gettext_lazy as _


class ClauseType(models.TextChoices):
    """The two ways a death-benefit beneficiary clause (clause bénéficiaire) is written."""

    STANDARD = (
        "standard",
        _("Standard clause: my spouse or partner, failing that my children born or to be born, failing that my heirs"),
    )
    NAMED = "named", _("Named beneficiaries with their shares")


class PreferenceCode(models.TextChoices):
    """The choices a member makes about what the insurer sends them (SPEC M12, G1)."""

    COMMERCIAL = "commercial", _("Commercial information from the insurer")
    PAPERLESS = "paperless", _("Paperless statements (online only, no paper mail)")
    ALERT_NEW_DOCUMENT = "alert_new_document", _("Email alert when a new document is available")
    ALERT_PAYMENT = "alert_payment", _("Email alert when a payment is received")
    ALERT_CLAIM_STATUS = "alert_claim_status", _("Email alert when a claim changes status")


class PreferenceSource(models.TextChoices):
    """Where a change of preference was made: kept as evidence of the consent (G1)."""

    DEFAULT = "default", _("Default")
    REGISTRATION = "registration", _("Registration form")
    WEB = "web", _("Preferences page")
    API = "api", _("API")
    UNSUBSCRIBE_LINK = "unsubscribe", _("Unsubscribe link in an email")


# Without a recorded choice: consent to prospecting is never presumed (opt-in, unchecked by default);
# paper statements stay until the member asks for paperless; service alerts (SPEC X3) are sent until
# the member turns them off.
PREFERENCE_DEFAULTS: dict[str, bool] = {
    PreferenceCode.COMMERCIAL: False,
    PreferenceCode.PAPERLESS: False,
    PreferenceCode.ALERT_NEW_DOCUMENT: True,
    PreferenceCode.ALERT_PAYMENT: True,
    PreferenceCode.ALERT_CLAIM_STATUS: True,
}

# What a one-click link in an email may turn off: prospecting and the optional alerts.
UNSUBSCRIBABLE = frozenset(
    {
        PreferenceCode.COMMERCIAL,
        PreferenceCode.ALERT_NEW_DOCUMENT,
        PreferenceCode.ALERT_PAYMENT,
        PreferenceCode.ALERT_CLAIM_STATUS,
    }
)

# The roles a member may ask to add under their cover (SPEC M2).
ADDABLE_ROLES = ("spouse", "partner", "child")


class RemovalReason(models.TextChoices):
    SEPARATION = "separation", _("Divorce or separation")
    COVERED_ELSEWHERE = "covered_elsewhere", _("Covered by another contract")
    NO_LONGER_DEPENDANT = "no_longer_dependant", _("No longer a dependant (age, studies, work)")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")
