"""Health professionals and facilities, and their third-party-payment (tiers payant) agreements."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.addresses import PostalAddress
from core.identifiers import validate_adeli, validate_finess, validate_rpps
from core.models import PublicModel
from providers.choices import ProfessionalKind, Specialty


class HealthProfessional(PublicModel, PostalAddress):
    """A practitioner (RPPS or ADELI) or a facility (FINESS) known to the insurer."""

    kind = models.CharField(_("kind"), max_length=16, choices=ProfessionalKind.choices)
    name = models.CharField(_("name"), max_length=160)
    specialty = models.CharField(_("specialty"), max_length=32, choices=Specialty.choices)
    rpps = models.CharField(
        _("RPPS number"), max_length=11, unique=True, null=True, blank=True, validators=[validate_rpps]
    )
    adeli = models.CharField(
        _("ADELI number"), max_length=9, unique=True, null=True, blank=True, validators=[validate_adeli]
    )
    finess = models.CharField(
        _("FINESS number"), max_length=9, unique=True, null=True, blank=True, validators=[validate_finess]
    )
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    is_partner_network = models.BooleanField(_("in the partner network"), default=False)

    class Meta:
        verbose_name = _("health professional")
        verbose_name_plural = _("health professionals")
        indexes = [
            models.Index(fields=["specialty", "is_partner_network"], name="professional_search_idx"),
            # The partner-network directory (SPEC M11) prefilters on a bounding box of coordinates.
            models.Index(
                fields=["latitude", "longitude"], name="professional_location_idx", condition=Q(is_partner_network=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="professional_has_identifier",
                condition=(
                    Q(kind=ProfessionalKind.PRACTITIONER) & (Q(rpps__isnull=False) | Q(adeli__isnull=False))
                    | Q(kind=ProfessionalKind.FACILITY, finess__isnull=False)
                ),
                violation_error_message=_("A practitioner needs an RPPS or ADELI number; a facility a FINESS number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.rpps or self.adeli or self.finess or ""


class TPAgreement(PublicModel):
    """A third-party-payment agreement (convention de tiers payant) between the insurer and a professional."""

    professional = models.ForeignKey(HealthProfessional, on_delete=models.CASCADE, related_name="agreements")
    number = models.CharField(_("agreement number"), max_length=20, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("third-party-payment agreement")
        verbose_name_plural = _("third-party-payment agreements")
        constraints = [
            models.CheckConstraint(
                name="agreement_period",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.number
