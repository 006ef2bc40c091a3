"""Forms of the company and agent spaces: the employees filter, affiliation, end of affiliation, bulk file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.formfields import PhoneNumberField

from companies import selectors
from companies.affiliations import NewEmployee
from companies.choices import LeaveReason
from contracts.choices import ContractKind
from core.forms import GuidedForm
from members.forms import date_field, name_field, not_before_1900, not_in_future, plain_text, text_field
from people.choices import Civility, Sex
from people.services import Address, nir_clean

STATUS_CHOICES = (("current", _("Covered today")), ("ended", _("Cover ended")), ("all", _("All")))
SORT_CHOICES = (
    ("name", _("Surname")),
    ("first_name", _("First name")),
    ("contract", _("Contract")),
    ("country", _("Country of expatriation")),
    ("start", _("Covered since")),
)
ORDER_CHOICES = (("asc", _("ascending")), ("desc", _("descending")))


class EmployeeFilterForm(GuidedForm, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=80,
        required=False,
        validators=[plain_text],
        help_text=_("Surname, first name, membership or employee number."),
    )
    contract = forms.ChoiceField(label=_("Contract"), required=False)
    status = forms.ChoiceField(label=_("Cover"), choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args: Any, contracts=(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", _("All contracts"))] + [
            (str(contract.public_id), f"{contract.number} — {contract.product.name}") for contract in contracts
        ]

    def filters(self) -> selectors.EmployeeFilters:
        """The filters asked for; an invalid value (a made-up sort) falls back to the default."""
        if not self.is_bound:
            return selectors.EmployeeFilters()
        if not self.is_valid():
            return selectors.EmployeeFilters(status="all" if self.data.get("status") == "all" else "current")
        data = self.cleaned_data
        return selectors.EmployeeFilters(
            query=data["q"],
            contract=data["contract"],
            status=data["status"] or "current",
            sort=data["sort"] or selectors.DEFAULT_SORT,
            descending=data["order"] == "desc",
        )


def _contract_label(contract) -> str:
    return f"{contract.number} — {contract.product.name}"


class AffiliateForm(GuidedForm, forms.Form):
    """An employee declared by the employer; the insurer records them if it does not know them yet."""

    contract = forms.ModelChoiceField(label=_("Collective contract"), queryset=None, to_field_name="public_id")
    civility = forms.ChoiceField(label=_("Title"), choices=[("", "—"), *Civility.choices], required=False)
    last_name = name_field(_("Surname"))
    first_name = name_field(_("First name"))
    birth_date = date_field(_("Date of birth"), validators=[not_in_future, not_before_1900])
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    nir = forms.CharField(
        label=_("Social security number"),
        max_length=21,
        required=False,
        validators=[plain_text],
        help_text=_("15 characters: 13 digits (2A/2B for Corsica) and the 2-digit key."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = PhoneNumberField(label=_("Phone"), region="FR", required=False)
    address_line1 = text_field(_("Address"), 120, required=False)
    postal_code = text_field(_("Postal code"), 16, required=False)
    city = text_field(_("City"), 80, required=False)
    start_date = date_field(_("Covered from"), validators=[not_before_1900])
    employee_number = text_field(_("Employee number (optional)"), 32, required=False)
    country_of_expatriation = forms.ChoiceField(
        label=_("Country of expatriation"),
        choices=lambda: [("", _("None: works in France")), *countries],
        required=False,
        help_text=_("Only for an expatriate contract: a country of its zone."),
    )

    def __init__(self, *args: Any, profile=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        contracts = selectors.writable_contracts(actor=profile).filter(kind=ContractKind.COLLECTIVE)
        self.fields["contract"].queryset = contracts.select_related("product")
        self.fields["contract"].label_from_instance = _contract_label

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start > timezone.localdate() + timedelta(days=366):
            raise ValidationError(_("Declare an affiliation at most one year ahead."), code="too_far")
        return start

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("nir") and cleaned.get("birth_date"):
            try:
                cleaned["nir"] = nir_clean(cleaned["nir"], birth_date=cleaned["birth_date"], sex=cleaned.get("sex", ""))
            except ValidationError as exc:
                self.add_error("nir", exc.message_dict.get("nir", exc.messages))
        start, birth = cleaned.get("start_date"), cleaned.get("birth_date")
        if start and birth and start < birth:
            self.add_error("start_date", _("Cover cannot start before the date of birth."))
        return cleaned

    def employee(self) -> NewEmployee:
        data = self.cleaned_data
        return NewEmployee(
            last_name=data["last_name"],
            first_name=data["first_name"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            civility=data["civility"],
            nir=data["nir"],
            email=data["email"],
            phone=str(data["phone"] or ""),
            address=Address(line1=data["address_line1"], postal_code=data["postal_code"], city=data["city"]),
        )


class EndAffiliationForm(GuidedForm, forms.Form):
    end_date = date_field(_("Last day of cover"), validators=[not_before_1900])
    reason = forms.ChoiceField(label=_("Reason"), choices=LeaveReason.choices)

    def __init__(self, *args: Any, affiliation=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.affiliation = affiliation

    def clean_end_date(self):
        end = self.cleaned_data["end_date"]
        if self.affiliation is not None and end < self.affiliation.start_date:
            raise ValidationError(
                _("The cover started on %(date)s.") % {"date": self.affiliation.start_date.isoformat()}, code="before"
            )
        if end > timezone.localdate() + timedelta(days=366):
            raise ValidationError(_("Declare a departure at most one year ahead."), code="too_far")
        return end


class BulkUploadForm(GuidedForm, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns separated by ; or , — the first line names them (download the model below)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class BulkConfirmForm(GuidedForm, forms.Form):
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
