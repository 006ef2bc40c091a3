"""The request kinds' forms as the member's pages show them: the kind's own fields (which alone become
the payload), the supporting documents and an idempotency key against double submissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GuidedForm
from demarches.fields import MultipleFileField
from members import request_kinds as kinds
from members.forms import IdempotentForm, date_field, name_field, not_before_1900, not_in_future
from people.models import Person


def attachments_field(*, required: bool = True) -> MultipleFileField:
    return MultipleFileField(label=_("Supporting documents"), required=required)


class CivilStatusRequestForm(IdempotentForm, kinds.CivilStatusChangeForm):
    attachments = attachments_field()
    kind_form = kinds.CivilStatusChangeForm

    def __init__(self, *args: Any, person: Person, **kwargs: Any):
        initial = {name: getattr(person, name) for name in kinds.CivilStatusChangeForm.base_fields}
        initial["nationality"] = person.nationality.code
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        fields = kinds.CivilStatusChangeForm.base_fields
        if not self.errors and all(str(cleaned.get(name) or "") == str(self.initial[name] or "") for name in fields):
            self.add_error(None, _("Change at least one item."))
        return cleaned


class ReferenceSalaryRequestForm(IdempotentForm, kinds.ReferenceSalaryChangeForm):
    attachments = attachments_field()
    kind_form = kinds.ReferenceSalaryChangeForm


class BeneficiaryAddRequestForm(IdempotentForm, kinds.BeneficiaryAddForm):
    attachments = attachments_field()
    kind_form = kinds.BeneficiaryAddForm


class BeneficiaryRemoveRequestForm(IdempotentForm, kinds.BeneficiaryRemoveForm):
    """The person removed is named by the page's address; the form checks it is one of the member's."""

    attachments = attachments_field(required=False)
    kind_form = kinds.BeneficiaryRemoveForm

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["affiliation"].widget = forms.HiddenInput()


class NamedBeneficiaryForm(GuidedForm, forms.Form):
    last_name = name_field(_("Surname"))
    first_name = name_field(_("First name"))
    birth_date = date_field(_("Date of birth"), validators=[not_in_future, not_before_1900])
    share = forms.DecimalField(
        label=_("Share (%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100")
    )


NamedBeneficiaryFormSet = forms.formset_factory(
    NamedBeneficiaryForm, extra=3, max_num=kinds.services.MAX_NAMED_BENEFICIARIES, validate_max=True
)


class DeathBeneficiaryRequestForm(IdempotentForm, kinds.DeathBeneficiaryForm):
    """The contract is named by the page's address, the named beneficiaries come from the formset."""

    attachments = attachments_field()
    kind_form = kinds.DeathBeneficiaryForm

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["contract"].widget = forms.HiddenInput()
