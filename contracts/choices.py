from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductLine(models.TextChoices):
    HEALTH = "health", _("Health (mutuelle)")
    EXPAT_HEALTH = "expat_health", _("Expatriate health")
    WELFARE = "welfare", _("Welfare (prévoyance)")


class ContractKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class CompulsorySchemeMode(models.TextChoices):
    """How the product sits on top of the compulsory scheme (Sécurité sociale or CFE)."""

    COMPLEMENT = "complement", _("Complement to the compulsory scheme")
    COMPLEMENT_CFE = "complement_cfe", _("Complement to the CFE")
    FIRST_EURO = "first_euro", _("First euro")
    NOT_APPLICABLE = "na", _("Not applicable")


class GuaranteeBasis(models.TextChoices):
    """What a guarantee line's rate applies to (DOMAIN.md)."""

    PERCENT_OF_BASE = "percent_base", _("% of the compulsory scheme's base (BR)")
    PERCENT_OF_COST = "percent_cost", _("% of the actual cost")
    FLAT_AMOUNT = "flat", _("Flat amount")
    ACTUAL_COST = "actual_cost", _("Actual cost")
    PERCENT_OF_SALARY = "percent_salary", _("% of the reference salary")


class PractitionerSector(models.TextChoices):
    """A doctor's agreement with the compulsory scheme (*secteur*), which sets how much of their excess fees a
    responsible contract may cover (issue 14): the base is the same, the complementary's cover differs."""

    SECTOR_1 = "sector_1", _("Secteur 1 (agreed fees)")
    OPTAM = "optam", _("Secteur 2, adhering to OPTAM or OPTAM-CO")
    NON_OPTAM = "non_optam", _("Secteur 2, not adhering to OPTAM")
    UNKNOWN = "unknown", _("I don't know")


class AffiliationRole(models.TextChoices):
    SUBSCRIBER = "subscriber", _("Subscriber")
    SPOUSE = "spouse", _("Spouse")
    PARTNER = "partner", _("Partner (PACS or cohabitation)")
    CHILD = "child", _("Child")
    OTHER_DEPENDANT = "other", _("Other dependant")


class PaymentMethod(models.TextChoices):
    DIRECT_DEBIT = "direct_debit", _("SEPA direct debit")
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CHEQUE = "cheque", _("Cheque")


class PaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
