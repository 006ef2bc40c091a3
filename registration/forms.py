"""Registration forms, one per profile, with exactly the fields of SPEC A1 (and the closure form of A9).

Formats are checked here, each with its own message on its field; whether the details
match the records is never told (see ``matching``).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.choices import ProfileKind
from accounts.models import User
from core.forms import GuidedForm
from core.identifiers import validate_adeli, validate_finess, validate_rpps, validate_siret
from people.services import AGENT_NUMBER, COMPANY_NUMBER, PERSON_NUMBER
from registration import throttling
from registration.choices import ClosureKind, ProfessionalIdType
from registration.matching import Submission

# Letters (any alphabet) with inner spaces, hyphens, apostrophes or dots: "Anne-Marie", "D'Arc", "St. John".
NAME_PATTERN = r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$"
COMPANY_NAME_PATTERN = r"^[^\W_](?:[^\W_]|[ &'’.,()/+-])*$"
AGREEMENT_PATTERN = r"^[A-Z0-9][A-Z0-9/-]{0,19}$"
OLDEST_BIRTH_DATE = date(1900, 1, 1)
# What a date field sends (ISO), and what people type where the browser has no date picker, in any language.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]

validate_name = RegexValidator(NAME_PATTERN, _("Use letters only, with spaces, hyphens or apostrophes."))
validate_company_name = RegexValidator(
    COMPANY_NAME_PATTERN, _("Use letters, digits, spaces and the signs & ' . , ( ) / + - only.")
)
ID_VALIDATORS = {
    ProfessionalIdType.RPPS: validate_rpps,
    ProfessionalIdType.ADELI: validate_adeli,
    ProfessionalIdType.FINESS: validate_finess,
}


def _name_field(label) -> forms.CharField:
    return forms.CharField(label=label, max_length=80, validators=[validate_name])


def _birth_date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 17/05/1980."),
    )


def _check_birth_date(value: date) -> date:
    if value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot be in the future."), code="future")
    if value < OLDEST_BIRTH_DATE:
        raise ValidationError(_("Check the year of this date of birth."), code="too_old")
    return value


class RegistrationForm(GuidedForm, forms.Form):
    """What every profile gives: an email, an optional password, the commercial-information choice."""

    kind: ProfileKind
    number_pattern: re.Pattern | None = None
    number_message = ""
    fieldsets: list[tuple[str, list[str]]] = []
    password_inputs = ("first_name", "last_name", "responsible_first_name", "responsible_last_name")

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput({"autocomplete": "email"}),
        help_text=_(
            "The address we have on file for you. If it is another one, or if we have none, we send an "
            "activation code by post to your postal address instead."
        ),
    )
    password1 = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters, hard to guess. Leave empty and we will email you a temporary password, "
            "to be changed at your first login."
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    commercial_opt_in = forms.BooleanField(
        label=_(
            "I would like to receive commercial information from the insurer (you can change your mind at any time)."
        ),
        required=False,
        initial=False,
    )

    def clean_membership_number(self) -> str:
        number = "".join(self.cleaned_data["membership_number"].split()).upper()
        if self.number_pattern is not None and not self.number_pattern.fullmatch(number):
            raise ValidationError(self.number_message, code="invalid")
        return number

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1") or "", cleaned.get("password2") or ""
        if (first or second) and "password1" not in self.errors:
            if first != second:
                self.add_error("password2", _("The two passwords are different."))
            else:
                self._validate_password(first)
        return cleaned

    def _validate_password(self, password: str) -> None:
        someone = User(email=self.cleaned_data.get("email", ""))
        for name in self.password_inputs:
            if name.endswith("first_name") and self.cleaned_data.get(name):
                someone.first_name = self.cleaned_data[name]
            elif name.endswith("last_name") and self.cleaned_data.get(name):
                someone.last_name = self.cleaned_data[name]
        try:
            password_validation.validate_password(password, someone)
        except ValidationError as error:
            self.add_error("password1", error)

    def grouped_fields(self):
        """The fields in their fieldsets, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def details(self) -> dict[str, str]:
        raise NotImplementedError

    def number(self) -> str:
        return self.cleaned_data["membership_number"]

    def submission(self) -> Submission:
        return Submission(
            kind=self.kind,
            number=self.number(),
            email=self.cleaned_data["email"],
            details=self.details(),
            password=self.cleaned_data.get("password1") or "",
            commercial_opt_in=bool(self.cleaned_data.get("commercial_opt_in")),
        )


class _ResponsiblePersonMixin(GuidedForm, forms.Form):
    responsible_last_name = _name_field(_("Surname"))
    responsible_first_name = _name_field(_("First name"))
    responsible_birth_date = _birth_date_field(_("Date of birth"))
    responsible_phone = PhoneNumberField(
        label=_("Phone"), region="FR", max_length=32, widget=forms.TextInput({"autocomplete": "tel", "type": "tel"})
    )

    def clean_responsible_birth_date(self) -> date:
        return _check_birth_date(self.cleaned_data["responsible_birth_date"])

    def responsible_details(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "responsible_last_name": data["responsible_last_name"],
            "responsible_first_name": data["responsible_first_name"],
            "responsible_birth_date": data["responsible_birth_date"].isoformat(),
            "responsible_phone": data["responsible_phone"].as_e164,
        }


class MemberRegistrationForm(RegistrationForm):
    kind = ProfileKind.MEMBER
    number_pattern = PERSON_NUMBER
    number_message = _("A membership number has 10 digits and starts with 1: copy it from your card.")
    fieldsets = [
        (_("Your membership"), ["membership_number", "last_name", "first_name", "birth_date"]),
        (_("Your login"), ["email", "password1", "password2", "commercial_opt_in"]),
    ]

    membership_number = forms.CharField(label=_("Membership number"), max_length=20)
    last_name = _name_field(_("Surname"))
    first_name = _name_field(_("First name"))
    birth_date = _birth_date_field(_("Date of birth"))

    def clean_birth_date(self) -> date:
        return _check_birth_date(self.cleaned_data["birth_date"])

    def details(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "last_name": data["last_name"],
            "first_name": data["first_name"],
            "birth_date": data["birth_date"].isoformat(),
        }


class CompanyRegistrationForm(_ResponsiblePersonMixin, RegistrationForm):
    kind = ProfileKind.COMPANY
    number_pattern = COMPANY_NUMBER
    number_message = _("A company's membership number is E followed by 8 digits.")
    fieldsets = [
        (_("The company"), ["membership_number", "company_name", "siret"]),
        (
            _("The person responsible for the account"),
            ["responsible_last_name", "responsible_first_name", "responsible_birth_date", "responsible_phone"],
        ),
        (_("Your login"), ["email", "password1", "password2", "commercial_opt_in"]),
    ]

    membership_number = forms.CharField(label=_("Membership number"), max_length=20)
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=160,
        validators=[validate_company_name],
        widget=forms.TextInput({"autocomplete": "organization"}),
    )
    siret = forms.CharField(label=_("SIRET"), max_length=20, help_text=_("14 digits."))

    def clean_siret(self) -> str:
        siret = "".join(self.cleaned_data["siret"].split())
        validate_siret(siret)
        return siret

    def details(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"company_name": data["company_name"], "siret": data["siret"], **self.responsible_details()}


class AgentRegistrationForm(_ResponsiblePersonMixin, RegistrationForm):
    kind = ProfileKind.AGENT
    number_pattern = AGENT_NUMBER
    number_message = _("An agent's membership number is MD followed by 6 digits.")
    fieldsets = [
        (_("The agent"), ["membership_number"]),
        (
            _("The person responsible for the account"),
            [
                "responsible_last_name",
                "responsible_first_name",
                "responsible_birth_date",
                "responsible_phone",
                "responsible_email",
            ],
        ),
        (_("Your login"), ["email", "password1", "password2", "commercial_opt_in"]),
    ]

    membership_number = forms.CharField(label=_("Membership number"), max_length=20)
    responsible_email = forms.EmailField(label=_("Email of the responsible person"), max_length=254)

    def details(self) -> dict[str, str]:
        return {**self.responsible_details(), "responsible_email": self.cleaned_data["responsible_email"]}


class ProfessionalRegistrationForm(RegistrationForm):
    kind = ProfileKind.PROFESSIONAL
    fieldsets = [
        (_("Your practice"), ["identifier_type", "identifier", "agreement_number"]),
        (_("Your login"), ["email", "password1", "password2", "commercial_opt_in"]),
    ]

    identifier_type = forms.ChoiceField(
        label=_("Kind of professional identifier"), choices=ProfessionalIdType.choices, widget=forms.RadioSelect
    )
    identifier = forms.CharField(label=_("Professional identifier (RPPS/ADELI or FINESS)"), max_length=20)
    agreement_number = forms.CharField(
        label=_("Third-party-payment agreement number"),
        max_length=20,
        help_text=_("As written on your agreement with us."),
    )

    def clean_identifier(self) -> str:
        return "".join(self.cleaned_data["identifier"].split())

    def clean_agreement_number(self) -> str:
        number = "".join(self.cleaned_data["agreement_number"].split()).upper()
        if not re.fullmatch(AGREEMENT_PATTERN, number):
            raise ValidationError(_("Use the letters, digits, hyphens and slashes of the agreement number."))
        return number

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, identifier = cleaned.get("identifier_type"), cleaned.get("identifier")
        if kind and identifier:
            try:
                ID_VALIDATORS[ProfessionalIdType(kind)](identifier)
            except ValidationError as error:
                self.add_error("identifier", error)
        return cleaned

    def number(self) -> str:
        return self.cleaned_data["identifier"]

    def details(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"identifier_type": data["identifier_type"], "agreement_number": data["agreement_number"]}


class ActivationForm(GuidedForm, forms.Form):
    """The code of an activation letter, with the number it names, the login's email and its password."""

    number = forms.CharField(
        label=_("Membership number or professional identifier"),
        max_length=20,
        help_text=_("As written on the letter."),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("The 12 characters printed on the letter, for example ABCD-EFGH-JKLM."),
        widget=forms.TextInput({"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    email = forms.EmailField(
        label=_("Email address of the account"), max_length=254, widget=forms.EmailInput({"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, hard to guess: a few unrelated words work well."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second:
            if first != second:
                self.add_error("password2", _("The two passwords are different."))
            else:
                try:
                    password_validation.validate_password(first, User(email=cleaned.get("email", "")))
                except ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


FORMS: dict[str, type[RegistrationForm]] = {
    ProfileKind.MEMBER.value: MemberRegistrationForm,
    ProfileKind.COMPANY.value: CompanyRegistrationForm,
    ProfileKind.AGENT.value: AgentRegistrationForm,
    ProfileKind.PROFESSIONAL.value: ProfessionalRegistrationForm,
}


class ClosureRequestForm(GuidedForm, forms.Form):
    """Suspend or delete my account: the password is asked again (step-up), a few tries an hour."""

    kind = forms.ChoiceField(label=_("What do you want?"), choices=ClosureKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=1000, widget=forms.Textarea({"rows": 3})
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        key = str(self.user.public_id)
        if throttling.exhausted("closure_password", key):
            raise ValidationError(_("Too many wrong passwords. Try again in an hour."), code="throttled")
        if not self.user.check_password(password):
            throttling.hit("closure_password", key)
            raise ValidationError(_("This password is not correct."), code="wrong")
        return password
