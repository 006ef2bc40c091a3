"""The insurer's records of persons and organisations (synchronised from its management system).

Persons are insured people — holders, employees and their dependants; companies hold
collective contracts; agents manage contracts by mandate. Nothing here knows about
logins: the accounts app links a login to these records.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from core.addresses import PostalAddress
from core.fields import EncryptedTextField
from core.identifiers import validate_siret
from core.models import PublicModel
from people.choices import Civility, Sex


def person_name(first_name: str, last_name: str) -> str:
    """A person's name as the portal shows it (``Person.full_name``), from the two columns alone: "Marie DURAND"."""
    return f"{first_name} {last_name.upper()}"


class Person(PublicModel, PostalAddress):
    """An insured person: contract holder, affiliated employee or dependant (ayant droit)."""

    membership_number = models.CharField(
        _("membership number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Given to holders and affiliated employees; dependants are covered under theirs."),
    )
    civility = models.CharField(_("civility"), max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("surname"), max_length=80)
    birth_name = models.CharField(_("birth name"), max_length=80, blank=True)
    first_name = models.CharField(_("first name"), max_length=80)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    nir = EncryptedTextField(_("social security number"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    nationality = CountryField(_("nationality"), default="FR")
    country_of_residence = CountryField(_("country of residence"), default="FR")
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    is_confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Withheld from the portal (SPEC X8).")
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["last_name", "first_name"], name="person_name_idx")]
        constraints = [
            models.CheckConstraint(
                name="person_death_after_birth",
                condition=Q(death_date__isnull=True) | Q(death_date__gte=F("birth_date")),
                violation_error_message=_("The date of death cannot be before the date of birth."),
            ),
        ]

    def __str__(self) -> str:
        return person_name(self.first_name, self.last_name)

    @property
    def full_name(self) -> str:
        return str(self)


class Company(PublicModel, PostalAddress):
    """A business that holds collective contracts for its employees."""

    membership_number = models.CharField(_("membership number"), max_length=20, unique=True)
    name = models.CharField(_("company name"), max_length=160)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [models.Index(fields=["name"], name="company_name_idx")]

    def __str__(self) -> str:
        return self.name


class Agent(PublicModel, PostalAddress):
    """A management agent or broker (mandataire, courtier) acting for clients under mandates."""

    membership_number = models.CharField(_("membership number"), max_length=20, unique=True)
    name = models.CharField(_("firm name"), max_length=160)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    orias_number = models.CharField(_("ORIAS registration number"), max_length=8, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.name


class BankAccount(PublicModel):
    """A bank account of a person or a company. The IBAN is encrypted; only its last digits are kept clear."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="bank_accounts")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="bank_accounts")
    holder_name = models.CharField(_("account holder"), max_length=160)
    iban = EncryptedTextField(_("IBAN"))
    iban_last4 = models.CharField(_("last four IBAN digits"), max_length=4)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.CheckConstraint(
                name="bank_account_one_owner",
                condition=Q(person__isnull=False, company__isnull=True) | Q(person__isnull=True, company__isnull=False),
                violation_error_message=_("A bank account belongs to a person or to a company."),
            ),
            models.CheckConstraint(
                name="bank_account_period",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} ••{self.iban_last4}"


class ReferenceSalary(PublicModel):
    """The salary welfare (prévoyance) benefits are computed from, from a given date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reference_salaries")
    amount = models.DecimalField(
        _("annual gross amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    effective_date = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("reference salary")
        verbose_name_plural = _("reference salaries")
        constraints = [
            models.UniqueConstraint(fields=["person", "effective_date"], name="reference_salary_one_per_date"),
            models.CheckConstraint(name="reference_salary_positive", condition=Q(amount__gte=0)),
        ]
