"""Forms of the professional space, its back office and the partner-network directory."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import GuidedForm
from demarches.uploads import ACCEPT_ATTRIBUTE
from professionals import geo, selectors
from professionals.choices import Decision, InvoiceStatus, MessageStatus, RejectionReason
from professionals.selectors import InvoiceFilters
from providers.choices import Specialty
from providers.models import HealthProfessional

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CARD_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{2,24}")


def _date_field(label, *, required: bool = False, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_INPUT, **kwargs)


# --- Professional space -----------------------------------------------------------------------------


class InvoiceFilterForm(GuidedForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *InvoiceStatus.choices], required=False)
    care_from = _date_field(_("Care from"))
    care_to = _date_field(_("Care to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("care_from"), cleaned.get("care_to")
        if start and end and start > end:
            self.add_error(
                "care_to", forms.ValidationError(_("The end of the period is before its start."), code="order")
            )
        return cleaned

    def filters(self) -> InvoiceFilters:
        if not self.is_bound or not self.is_valid():
            return InvoiceFilters()
        data = self.cleaned_data
        return InvoiceFilters(status=data["status"], care_from=data["care_from"], care_to=data["care_to"])


class RightsCheckForm(GuidedForm, forms.Form):
    card_number = forms.CharField(
        label=_("Member number on the card"),
        max_length=25,
        help_text=_("The member number printed on the third-party-payment card (Member no.)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    last_name = forms.CharField(
        label=_("Patient's surname"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    first_name = forms.CharField(
        label=_("Patient's first name"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    birth_date = _date_field(_("Patient's date of birth"), required=True)
    care_date = _date_field(_("Care date"), required=True, help_text=_("Today unless you check for another day."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("care_date", timezone.localdate())

    def clean_card_number(self) -> str:
        value = " ".join(self.cleaned_data["card_number"].split())
        if not CARD_NUMBER.fullmatch(value):
            raise forms.ValidationError(_("Type the member number as printed on the card."), code="invalid")
        return value.replace(" ", "").upper()

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate() or born.year < 1900:
            raise forms.ValidationError(_("Give a real date of birth."), code="range")
        return born

    def clean_care_date(self):
        when = self.cleaned_data["care_date"]
        earliest, latest = selectors.care_date_bounds()
        if not earliest <= when <= latest:
            raise forms.ValidationError(
                _("Check a care date within the last two years or the next 90 days."), code="range"
            )
        return when


class MessageForm(GuidedForm, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=160)
    body = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        help_text=_("PDF, JPEG, PNG or HEIC, 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex


class ReplyForm(GuidedForm, forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


# --- Back office ---------------------------------------------------------------------------------------


class DecideForm(GuidedForm, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    accepted_amount = forms.DecimalField(
        label=_("Amount accepted (EUR), for a partial acceptance"), max_digits=10, decimal_places=2, required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason (partial acceptance or rejection)"),
        choices=[("", "---------"), *RejectionReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note to the professional"), max_length=500, required=False)


class PaymentForm(GuidedForm, forms.Form):
    professional = forms.UUIDField(widget=forms.HiddenInput)
    invoices = forms.TypedMultipleChoiceField(label=_("Invoices"), choices=(), coerce=uuid.UUID)
    paid_on = _date_field(_("Payment date"), required=True)

    def __init__(self, *args, invoice_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [(str(key), str(key)) for key in invoice_ids]

    def clean_professional(self) -> HealthProfessional:
        found = HealthProfessional.objects.filter(public_id=self.cleaned_data["professional"]).first()
        if found is None:
            raise forms.ValidationError(_("Choose a professional."), code="invalid")
        return found


class MessageStatusForm(GuidedForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *MessageStatus.choices],
        required=False,
    )


# --- Partner-network directory (M11) ---------------------------------------------------------------------


class NetworkSearchForm(GuidedForm, forms.Form):
    specialty = forms.ChoiceField(
        label=_("Specialty"), choices=[("", _("All specialties")), *Specialty.choices], required=False
    )
    place = forms.CharField(
        label=_("Town or postcode"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "communes", "autocomplete": "address-level2"}),
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        choices=[(str(km), _("%(km)s km") % {"km": km}) for km in selectors.RADII_KM],
        coerce=int,
        initial=10,
        required=False,
        empty_value=10,
    )
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)

    def clean(self):
        cleaned = super().clean()
        latitude, longitude, place = cleaned.get("latitude"), cleaned.get("longitude"), cleaned.get("place")
        cleaned["origin"] = None
        if place:
            found = geo.locate(place)
            if found is None:
                message = _("We do not know this place: type a postcode or the name of a nearby town.")
                self.add_error("place", forms.ValidationError(message, code="unknown"))
            cleaned["origin"] = found
        elif latitude is not None and longitude is not None:
            cleaned["origin"] = geo.Place(str(_("Your position")), "", latitude, longitude)
        elif not self.errors:
            self.add_error("place", forms.ValidationError(_("Type a town or a postcode."), code="required"))
        return cleaned
