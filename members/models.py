"""What the member space records beyond the insurer's records of persons and contracts.

Personal details, bank accounts and salaries live in ``people``; covers in ``contracts``.
Here: the death-benefit beneficiary designations of welfare contracts (each change is a new
row, the latest in force) and the history of the member's preferences and consents.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import PublicModel, TimeStampedModel
from members.choices import ClauseType, PreferenceCode, PreferenceSource


class DeathBenefitDesignation(PublicModel):
    """Who receives the death benefit of a welfare contract for the insured person, from a date.

    Never updated: a new designation is a new row; the one with the latest effective date
    (then the latest recorded) is in force, the others remain as evidence.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="death_benefit_designations", verbose_name=_("insured")
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="death_benefit_designations"
    )
    clause_type = models.CharField(_("clause"), max_length=16, choices=ClauseType.choices)
    beneficiaries = models.JSONField(
        _("named beneficiaries"),
        default=list,
        blank=True,
        help_text=_("For a named clause: last name, first name, date of birth and share (%) of each beneficiary."),
    )
    effective_date = models.DateField(_("effective date"))
    source_request = models.UUIDField(
        _("request"), null=True, blank=True, help_text=_("Public identifier of the request it came from.")
    )

    class Meta:
        verbose_name = _("death-benefit beneficiary designation")
        verbose_name_plural = _("death-benefit beneficiary designations")
        ordering = ["-effective_date", "-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "contract", "effective_date"], name="designation_current_idx")]
        constraints = [
            models.CheckConstraint(
                name="designation_clause_type_valid",
                condition=Q(clause_type__in=ClauseType.values),
                violation_error_message=_("Choose the standard clause or named beneficiaries."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.contract} ({self.get_clause_type_display()})"


class PreferenceChange(TimeStampedModel):
    """One choice a member made about a preference or consent, with its date (SPEC M12, G1).

    Append-only: the latest row per code is the member's current choice, the earlier ones
    are the history a consent must be able to show.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference_changes", verbose_name=_("user")
    )
    code = models.CharField(_("preference"), max_length=32, choices=PreferenceCode.choices)
    enabled = models.BooleanField(_("enabled"))
    source = models.CharField(_("made through"), max_length=16, choices=PreferenceSource.choices)

    class Meta:
        verbose_name = _("preference change")
        verbose_name_plural = _("preference changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "code", "created_at"], name="preference_change_idx")]
        constraints = [
            models.CheckConstraint(
                name="preference_code_valid",
                condition=Q(code__in=PreferenceCode.values),
                violation_error_message=_("Unknown preference."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.code} = {self.enabled}"
