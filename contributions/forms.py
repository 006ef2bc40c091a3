"""Back-office forms of the contributions (SPEC B4)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contributions.choices import CallStatus
from contributions.models import ContributionCall
from contributions.services import Quarter
from core.forms import GuidedForm

MAX_FILE = 2 * 1024 * 1024


class CallFilterForm(GuidedForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + CallStatus.choices)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    quarter = forms.CharField(label=_("Quarter"), required=False, max_length=7, help_text=_("e.g. 2026-Q1"))
    contract = forms.CharField(label=_("Contract number"), required=False, max_length=20)

    def clean_quarter(self) -> str:
        value = self.cleaned_data["quarter"].strip()
        return str(Quarter.parse(value)) if value else ""


class GenerateForm(GuidedForm, forms.Form):
    quarter = forms.CharField(label=_("Quarter"), max_length=7, help_text=_("e.g. 2026-Q1"))

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])


class ImportForm(GuidedForm, forms.Form):
    file = forms.FileField(label=_("Bank statement (CSV: date, amount, reference)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE:
            raise ValidationError(_("The file is too large (2 MB at most)."))
        return upload


class AllocateForm(GuidedForm, forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number of the call"), max_length=20)

    def clean_receipt_number(self) -> ContributionCall:
        call = ContributionCall.objects.filter(receipt_number=self.cleaned_data["receipt_number"].strip()).first()
        if call is None:
            raise ValidationError(_("No call has this receipt number."))
        return call
