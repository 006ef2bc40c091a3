"""Products, guarantee tables, contracts, who they cover, and who manages them.

All rates, ceilings and amounts are data (guarantee lines), never code: a new product
is a new row set, not a release.
"""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from contracts.choices import (
    AffiliationRole,
    CompulsorySchemeMode,
    ContractKind,
    GuaranteeBasis,
    PaymentFrequency,
    PaymentMethod,
    ProductLine,
)
from core.dated import DatedQuerySet
from core.models import PublicModel, TimeStampedModel


class Bilingual(models.Model):
    """A row named in French and in English; ``name`` follows the active language."""

    name_fr = models.CharField(_("name (French)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


def _period_check(prefix: str, start: str, end: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"{prefix}_period",
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        violation_error_message=_("The end date cannot be before the start date."),
    )


class ExpatriationZone(Bilingual, TimeStampedModel):
    """A pricing zone for expatriates, with its emergency and 24/7 assistance numbers."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    emergency_phone = models.CharField(_("emergency number"), max_length=32)
    assistance_phone = models.CharField(_("24/7 assistance number"), max_length=32)

    class Meta:
        verbose_name = _("expatriation zone")
        verbose_name_plural = _("expatriation zones")
        ordering = ["code"]


class ZoneCountry(models.Model):
    """A country and the zone it belongs to (one zone per country)."""

    zone = models.ForeignKey(ExpatriationZone, on_delete=models.CASCADE, related_name="countries")
    country = CountryField(_("country"), unique=True)

    class Meta:
        verbose_name = _("zone country")
        verbose_name_plural = _("zone countries")

    def __str__(self) -> str:
        return f"{self.country.code} → {self.zone.code}"


class CareCategory(Bilingual, TimeStampedModel):
    """A category of care in guarantee tables (GP consultation, optics, dental prosthesis…)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    tp_domain = models.CharField(
        _("third-party-payment domain"),
        max_length=4,
        blank=True,
        help_text=_("Code printed on the third-party-payment card: PHAR, MED, LABO, RADL, AUXM, HOSP, OPTI, DENT…"),
    )
    claimable_online = models.BooleanField(
        _("claimable online"),
        default=True,
        help_text=_("Hospitalisation and thermal cures go through a request, not the online claim."),
    )
    required_documents_fr = models.TextField(_("required documents (French)"), blank=True)
    required_documents_en = models.TextField(_("required documents (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("care category")
        verbose_name_plural = _("care categories")
        ordering = ["position", "code"]


class Product(Bilingual, TimeStampedModel):
    """An insurance product at one level (e.g. Santé Équilibre, Expat Monde Confort)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    line = models.CharField(_("line"), max_length=16, choices=ProductLine.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    scheme_mode = models.CharField(
        _("position towards the compulsory scheme"), max_length=16, choices=CompulsorySchemeMode.choices
    )
    for_individuals = models.BooleanField(_("sold to individuals"), default=True)
    for_companies = models.BooleanField(_("sold to companies"), default=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["line", "level"]


FIRST_VERSION = date(2000, 1, 1)


class GuaranteeLine(TimeStampedModel):
    """What a product pays for one care category over a period: a rate on a basis, with ceilings.

    Dated (issue 13): a change of terms is a new version from a date, the previous one ending the day before; the
    engine uses the version in force on the care date, so a change never rewrites what older care is paid.
    """

    objects = DatedQuerySet.as_manager()

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="guarantee_lines")
    category = models.ForeignKey(CareCategory, on_delete=models.PROTECT, related_name="guarantee_lines")
    basis = models.CharField(_("basis"), max_length=16, choices=GuaranteeBasis.choices)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Percentage of the basis; for % of the base it includes the compulsory scheme's part."),
    )
    flat_amount = models.DecimalField(_("flat amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    rate_non_optam = models.DecimalField(
        _("rate for a doctor not adhering to OPTAM (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Doctors' fees on a % of the base: the rate for a secteur 2 doctor not adhering to OPTAM or OPTAM-CO. "
            "A responsible contract covers their excess fees up to 100 % of the base and at least 20 points below "
            "the cover for an OPTAM doctor. Empty: the doctor's sector does not change this line."
        ),
    )
    per_act_ceiling = models.DecimalField(
        _("ceiling per act (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    annual_ceiling = models.DecimalField(
        _("ceiling per period and beneficiary (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    ceiling_period_years = models.PositiveSmallIntegerField(_("ceiling period (years)"), default=1)
    valid_from = models.DateField(_("valid from"), default=FIRST_VERSION)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("guarantee line")
        verbose_name_plural = _("guarantee lines")
        ordering = ["category__position", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "category", "valid_from"], name="guarantee_line_one_version_per_date"
            ),
            models.UniqueConstraint(
                fields=["product", "category"],
                condition=Q(valid_to__isnull=True),
                name="guarantee_line_one_open_version",
            ),
            _period_check("guarantee_line", "valid_from", "valid_to"),
            models.CheckConstraint(
                name="guarantee_line_amounts",
                condition=(
                    Q(basis=GuaranteeBasis.FLAT_AMOUNT, flat_amount__gt=0)
                    | Q(basis=GuaranteeBasis.ACTUAL_COST)
                    | Q(
                        basis__in=[
                            GuaranteeBasis.PERCENT_OF_BASE,
                            GuaranteeBasis.PERCENT_OF_COST,
                            GuaranteeBasis.PERCENT_OF_SALARY,
                        ],
                        rate__gt=0,
                    )
                ),
                violation_error_message=_("A rate basis needs a positive rate; a flat basis a positive amount."),
            ),
            models.CheckConstraint(  # issue 13: "actual cost at 80 %" is a % of the cost, not the actual cost
                name="guarantee_line_rate_only_on_rate_basis",
                condition=~Q(basis__in=[GuaranteeBasis.ACTUAL_COST, GuaranteeBasis.FLAT_AMOUNT]) | Q(rate__isnull=True),
                violation_error_message=_(
                    "The actual cost and a flat amount take no rate: "
                    "for part of the cost, choose a percentage of the actual cost."
                ),
            ),
            models.CheckConstraint(  # issue 14: the responsible contract's rule on doctors outside OPTAM
                name="guarantee_line_non_optam_rate",
                condition=Q(rate_non_optam__isnull=True)
                | (
                    Q(basis=GuaranteeBasis.PERCENT_OF_BASE, rate_non_optam__gte=100, rate_non_optam__lte=200)
                    & Q(rate_non_optam__lte=F("rate"))
                    & (Q(rate_non_optam=100) | Q(rate_non_optam__lte=F("rate") - 20))
                ),
                violation_error_message=_(
                    "For a doctor not adhering to OPTAM, a % of the base between 100 and 200, at least 20 points "
                    "below the rate (or 100)."
                ),
            ),
            models.CheckConstraint(
                name="guarantee_line_ceilings_positive",
                condition=(Q(per_act_ceiling__isnull=True) | Q(per_act_ceiling__gt=0))
                & (Q(annual_ceiling__isnull=True) | Q(annual_ceiling__gt=0))
                & Q(ceiling_period_years__gte=1),
            ),
        ]


class Contract(PublicModel):
    """An individual contract (one holder) or a collective one (a company for its employees)."""

    number = models.CharField(_("contract number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind.choices)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="contracts")
    holder_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="held_contracts"
    )
    holder_company = models.ForeignKey(
        "people.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    effective_date = models.DateField(_("effective date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    payment_frequency = models.CharField(_("payment frequency"), max_length=16, choices=PaymentFrequency.choices)
    zone = models.ForeignKey(
        ExpatriationZone, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    is_confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Withheld from the portal (SPEC X8).")
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [models.Index(fields=["end_date"], name="contract_end_idx")]
        constraints = [
            _period_check("contract", "effective_date", "end_date"),
            models.CheckConstraint(
                name="contract_holder_matches_kind",
                condition=Q(kind=ContractKind.INDIVIDUAL, holder_person__isnull=False, holder_company__isnull=True)
                | Q(kind=ContractKind.COLLECTIVE, holder_person__isnull=True, holder_company__isnull=False),
                violation_error_message=_("An individual contract has a person as holder; a collective one a company."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_in_force(self, on: date) -> bool:
        return self.effective_date <= on and (self.end_date is None or self.end_date >= on)


class ContractOption(Bilingual, TimeStampedModel):
    """An option added to a contract (e.g. reinforced optics, repatriation)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=32)
    effective_date = models.DateField(_("effective date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract option")
        verbose_name_plural = _("contract options")
        constraints = [
            _period_check("contract_option", "effective_date", "end_date"),
            models.UniqueConstraint(fields=["contract", "code", "effective_date"], name="contract_option_unique"),
        ]


class Affiliation(PublicModel):
    """A person covered by a contract, in a role, over a period.

    Subscribers (the holder, or each employee of a collective contract) stand alone;
    dependants (spouse, partner, children) hang from their subscriber's affiliation.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="affiliations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="affiliations")
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices)
    principal = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dependants",
        verbose_name=_("subscriber's affiliation"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    country_of_expatriation = CountryField(_("country of expatriation"), blank=True)
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        indexes = [
            models.Index(fields=["person", "end_date"], name="affiliation_person_idx"),
            models.Index(fields=["contract", "role"], name="affiliation_contract_idx"),
        ]
        constraints = [
            _period_check("affiliation", "start_date", "end_date"),
            models.CheckConstraint(
                name="affiliation_principal_matches_role",
                condition=Q(role=AffiliationRole.SUBSCRIBER, principal__isnull=True)
                | (~Q(role=AffiliationRole.SUBSCRIBER) & Q(principal__isnull=False)),
                violation_error_message=_("A dependant is covered under a subscriber; a subscriber under no one."),
            ),
            models.UniqueConstraint(fields=["contract", "person", "start_date"], name="affiliation_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.contract} ({self.get_role_display()})"

    def is_open(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Mandate(PublicModel):
    """A management mandate: the agent manages this contract for its holder over a period."""

    agent = models.ForeignKey("people.Agent", on_delete=models.PROTECT, related_name="mandates")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="mandates")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            _period_check("mandate", "start_date", "end_date"),
            models.UniqueConstraint(fields=["agent", "contract", "start_date"], name="mandate_unique_start"),
        ]


class BaseTariff(TimeStampedModel):
    """The compulsory scheme's base of reimbursement (BR) and rate for one act code, over a period (issue 13).

    Loaded from ``contracts/data/tariffs.csv`` (``manage.py load_tariffs``) and kept by staff. ``base`` empty: the
    base is the price (medicines, some devices). The compulsory share of an act is ``base × rate − flat fee``
    (the *participation forfaitaire*), never above the expense.
    """

    objects = DatedQuerySet.as_manager()

    act_code = models.CharField(_("act code"), max_length=16)
    category = models.ForeignKey(CareCategory, on_delete=models.PROTECT, related_name="tariffs")
    label_fr = models.CharField(_("label (French)"), max_length=160)
    label_en = models.CharField(_("label (English)"), max_length=160)
    base = models.DecimalField(_("base (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("compulsory scheme's rate (%)"), max_digits=5, decimal_places=2)
    flat_fee = models.DecimalField(_("flat fee kept by the patient (EUR)"), max_digits=6, decimal_places=2, default=0)
    is_category_default = models.BooleanField(_("default act of the category"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("base tariff")
        verbose_name_plural = _("base tariffs")
        ordering = ["category__position", "act_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["act_code", "valid_from"], name="base_tariff_one_per_date"),
            _period_check("base_tariff", "valid_from", "valid_to"),
            models.CheckConstraint(
                name="base_tariff_amounts",
                condition=Q(rate__gte=0, rate__lte=100, flat_fee__gte=0) & (Q(base__isnull=True) | Q(base__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.act_code} {self.valid_from}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    def shares(self, expense):
        """(base, compulsory share) of an act of ``expense`` EUR under this tariff."""
        base, share, _kept = self.parts(expense)
        return base, share

    def parts(self, expense, base=None):
        """(base, compulsory share, flat fee kept by the patient) of an act of ``expense`` EUR, on ``base`` when the
        act's own base is known. The complementary counts share + flat fee as paid by the scheme: it does not refund
        the flat fee (general conditions)."""
        from decimal import ROUND_HALF_UP, Decimal

        zero = Decimal("0.00")
        base = base if base is not None else (expense if self.base is None else self.base)
        gross = (base * self.rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        share = max(zero, min(gross - self.flat_fee, expense))
        return base, share, max(zero, min(self.flat_fee, gross, expense - share))

    def flat_fee_kept(self, *, expense, base, paid):
        """The flat fee the compulsory scheme kept out of a payment of ``paid`` EUR for this act: the tariff's fee
        when it paid its share net of it, nothing when it paid nothing (no act of the scheme) or its whole rate (a
        patient exempted: a child, maternity, the CSS). Never more than what would bring ``paid`` above the scheme's
        gross share."""
        from decimal import Decimal

        zero = Decimal("0.00")
        if not paid or paid <= zero or not self.flat_fee:
            return zero
        _base, share, kept = self.parts(expense, base)
        return max(zero, min(kept, share + kept - paid))
