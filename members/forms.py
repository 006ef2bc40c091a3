"""Forms of the member space. The request kinds' own forms are in ``request_kinds``.

Free text refuses markup characters and control characters: names and addresses are
printed on letters, cards and PDFs, where neither has any business.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.formfields import PhoneNumberField

from core.forms import GuidedForm
from core.identifiers import normalise_iban
from demarches.fields import MultipleFileField
from demarches.kind_forms import payload_from
from people.services import Address
from people.validators import validate_person_name

FORBIDDEN_CHARACTERS = set("<>{}") | {chr(code) for code in range(32)}


def plain_text(value: str) -> None:
    """Refuse markup and control characters in a one-line text."""
    if any(char in FORBIDDEN_CHARACTERS for char in value or ""):
        raise ValidationError(_("This field cannot contain < > { } or control characters."), code="characters")


def not_in_future(value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")


def not_before_1900(value: date | None) -> None:
    if value is not None and value.year < 1900:
        raise ValidationError(_("Enter a date after 1900."), code="too_old")


def text_field(label: str, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, validators=[plain_text], **kwargs)


def name_field(label: str, *, required: bool = True) -> forms.CharField:
    """A person's name: letters only, checked as the services check it (no markup, no formula)."""
    return forms.CharField(label=label, max_length=80, required=required, validators=[plain_text, validate_person_name])


def date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def country_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=lambda: list(countries), initial="FR")


def password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your password (asked again for this change)"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def payload_of(form: forms.Form, names: list[str] | None = None) -> dict[str, Any]:
    """The cleaned data of ``names`` (default: every field) as the request engine stores it (plain JSON)."""
    names = names if names is not None else list(form.fields)
    return payload_from({name: form.cleaned_data.get(name) for name in names})


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's error on the form: on its field when the form has it, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class IdempotentForm(GuidedForm, forms.Form):
    """A hidden key fixed when the page is shown: a double click or a retry submits the same request once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())


class ContactForm(GuidedForm, forms.Form):
    """Postal address and phone, applied at once."""

    address_line1 = text_field(_("Address"), 120)
    address_line2 = text_field(_("Address (continued)"), 120, required=False)
    postal_code = text_field(_("Postal code"), 16)
    city = text_field(_("City"), 80)
    country = country_field(_("Country"))
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        region="FR",
        help_text=_("A French number, or any number in international format (+44…)."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    required_messages = {
        "address_line1": _("Enter the number and street of your address."),
        "postal_code": _("Enter your postal code."),
        "city": _("Enter your town or city."),
        "country": _("Choose the country of your address."),
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = cleaned.get("postal_code", "")
        if cleaned.get("country") == "FR" and code and not (len(code) == 5 and code.isdigit()):
            self.add_error("postal_code", _("A French postal code has 5 digits."))
        return cleaned

    def address(self) -> Address:
        data = self.cleaned_data
        return Address(data["address_line1"], data["address_line2"], data["postal_code"], data["city"], data["country"])

    def phone_value(self) -> str:
        phone = self.cleaned_data.get("phone")
        return phone.as_e164 if phone else ""


class EmailChangeForm(GuidedForm, forms.Form):
    email = forms.EmailField(label=_("New email address"), max_length=254)
    password = password_field()


class BankAccountForm(IdempotentForm):
    """A new IBAN: the password again (step-up); a supporting document when the insurer must validate it."""

    holder_name = text_field(_("Account holder"), 160)
    iban = forms.CharField(label=_("IBAN"), max_length=42, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    bic = forms.CharField(label=_("BIC (optional)"), max_length=11, required=False)
    password = password_field()
    attachments = MultipleFileField(
        label=_("Supporting documents"), required=True, help_text=_("A bank account statement (RIB) in your name.")
    )
    required_messages = {
        "holder_name": _("Enter the name of the account holder, as on the bank statement."),
        "iban": _("Enter the IBAN of the account (it starts with two letters, FR for a French account)."),
        "password": _("Enter your password to confirm the change."),
        "attachments": _("Add a bank account statement (RIB) in your name."),
    }

    def __init__(self, *args: Any, by_request: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not by_request:
            del self.fields["attachments"]

    def clean_iban(self) -> str:
        return normalise_iban(self.cleaned_data["iban"])

    def clean_bic(self) -> str:
        return "".join(self.cleaned_data["bic"].split()).upper()


class PreferencesForm(GuidedForm, forms.Form):
    """One checkbox per preference; none is required, consent is never presumed."""

    def __init__(self, *args: Any, states: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for state in states:
            self.fields[state.code] = forms.BooleanField(label=state.label, required=False, initial=state.enabled)
