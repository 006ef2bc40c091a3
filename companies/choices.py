"""Choices of the company space."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaveReason(models.TextChoices):
    """Why an employee's affiliation ends (DSN-style reasons an employer declares)."""

    RESIGNATION = "resignation", _("Resignation")
    DISMISSAL = "dismissal", _("Dismissal")
    CONTRACTUAL = "contractual", _("Contractual termination (rupture conventionnelle)")
    END_OF_FIXED_TERM = "fixed_term_end", _("End of a fixed-term contract")
    RETIREMENT = "retirement", _("Retirement")
    TRANSFER = "transfer", _("Transfer to another employer of the group")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other reason")
