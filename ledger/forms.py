"""The estimate before care (issue 14): the member describes the act; ``ledger.estimates`` computes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.eligibility import Beneficiary
from contracts.choices import PractitionerSector
from contracts.models import CareCategory
from core.forms import GuidedForm

MAX_FEE = Decimal("100000.00")


class EstimateForm(GuidedForm, forms.Form):
    beneficiary = forms.ChoiceField(label=_("Who is the care for?"))
    category = forms.ChoiceField(label=_("Care"))
    expense = forms.DecimalField(
        label=_("Fee announced by the practitioner (EUR)"),
        min_value=Decimal("0.01"),
        max_value=MAX_FEE,
        max_digits=9,
        decimal_places=2,
        error_messages={"required": _("Give the fee the practitioner announced, in euros.")},
    )
    care_date = forms.DateField(
        label=_("Date of care"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sector = forms.ChoiceField(
        label=_("The doctor's sector"),
        help_text=_(
            "Only for a doctor's fees (consultation, imaging, surgery): it changes how much of the excess fees we "
            "cover. The doctor's office tells you, or the directory annuairesante.ameli.fr."
        ),
        choices=PractitionerSector.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    base = forms.DecimalField(
        label=_("Base of reimbursement, if you know it (EUR)"),
        help_text=_("Printed on the quote or the care sheet; leave empty to use the official tariff."),
        required=False,
        min_value=Decimal("0.00"),
        max_value=MAX_FEE,
        max_digits=9,
        decimal_places=2,
    )

    def __init__(
        self, *args, choices: list[Beneficiary], categories: list[CareCategory], sector_categories=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.sector_categories = " ".join(sector_categories)  # the page asks the sector only for these (estimate.js)
        if not sector_categories:
            del self.fields["sector"]
        self.fields["beneficiary"].choices = [(str(b.affiliation.public_id), b.label()) for b in choices]
        self.fields["category"].choices = [(c.code, c.name) for c in categories]
        self.fields["care_date"].initial = timezone.localdate()
