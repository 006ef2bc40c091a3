"""Forms of the claim flow (member) and of the back office's review. They parse; services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from claims import conf
from claims.choices import STAFF_SECTORS, ClaimStatus, ItemDecision, RefusalReason, SuspensionReason
from claims.currency import currency_label, known_currencies
from claims.eligibility import Beneficiary, ItemInput
from core.forms import GuidedForm

# Any photo or a PDF: a phone then offers its camera beside its files (the upload checks the content anyway).
ACCEPTED_FILES = "image/*,application/pdf"


class MultipleFileInput(forms.FileInput):
    """Files chosen from the device, and beside them a second input of the same name that opens the phone's camera
    straight away (``capture``); a computer, whose pointer is not a finger, does not show that one (claims.css)."""

    allow_multiple_selected = True
    template_name = "claims/widgets/documents.html"


class MultipleFileField(forms.FileField):
    """Several files in one input (a phone lets the member pick or take several photos)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def _documents_field() -> MultipleFileField:
    limit = conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM")
    size = conf.get("CLAIM_MAX_FILE_BYTES") // (1024 * 1024)
    return MultipleFileField(
        label=_("Supporting documents"),
        help_text=_("1 to %(limit)s files: PDF (10 pages at most), JPEG, PNG or HEIC photos, %(size)s MB each at most.")
        % {"limit": limit, "size": size},
    )


class BeneficiaryForm(GuidedForm, forms.Form):
    beneficiary = forms.ChoiceField(label=_("Who received the care?"), widget=forms.RadioSelect)
    required_messages = {"beneficiary": _("Choose the person who received the care.")}

    def __init__(self, *args, choices: list[Beneficiary], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].choices = [(str(b.affiliation.public_id), b.label()) for b in choices]


class ItemForm(GuidedForm, forms.Form):
    """One care item and its documents."""

    care_date = forms.DateField(label=_("Date of care"), widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("Type of care"))
    practitioner = forms.CharField(label=_("Practitioner or facility"), max_length=160)
    country = forms.ChoiceField(label=_("Country of care"))
    amount = forms.DecimalField(
        label=_("Amount paid"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.ChoiceField(label=_("Currency"))
    documents = None  # set in __init__ so the limits are read at use time
    required_messages = {
        "care_date": _("Enter the date of care."),
        "category": _("Choose the type of care."),
        "practitioner": _("Enter the name of the practitioner or facility."),
        "country": _("Choose the country where the care took place."),
        "amount": _("Enter the amount you paid."),
        "currency": _("Choose the currency you paid in."),
        "documents": _("Add at least one supporting document: a photo or a PDF of the bill."),
    }

    def __init__(self, *args, beneficiary: Beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(c.code, c.name) for c in beneficiary.categories]
        self.fields["country"].choices = [("", "—"), *countries]
        self.fields["country"].initial = "FR"
        self.fields["currency"].choices = [(code, currency_label(code)) for code in known_currencies()]
        self.fields["currency"].initial = "EUR"
        self.fields["care_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["documents"] = _documents_field()

    def item(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            care_date=data["care_date"],
            category=data["category"],
            practitioner=data["practitioner"],
            country=data["country"],
            amount=data["amount"],
            currency=data["currency"],
            documents=len(data["documents"]),
        )


class DocumentsForm(GuidedForm, forms.Form):
    required_messages = {"documents": ItemForm.required_messages["documents"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"] = _documents_field()


class SubmitForm(GuidedForm, forms.Form):
    accept_terms = forms.BooleanField(
        label=_(
            "I have read and accept the terms of the online claims service, and I will keep the original "
            "bills for 2 years."
        ),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    required_messages = {
        "accept_terms": _("Tick the box to accept the terms of the online claims service."),
    }


# --- Back office --------------------------------------------------------------------------------


class ItemAssessForm(GuidedForm, forms.Form):
    base_amount = forms.DecimalField(
        label=_("Base of reimbursement (EUR)"), max_digits=12, decimal_places=2, min_value=0
    )
    compulsory_paid = forms.DecimalField(
        label=_("Paid by the compulsory scheme or the CFE (EUR)"), max_digits=12, decimal_places=2, min_value=0
    )
    practitioner_sector = forms.ChoiceField(
        label=_("Doctor's sector (on the compulsory scheme's statement)"),
        choices=[("", _("Not stated: the guarantee's main rate")), *STAFF_SECTORS],
        required=False,
        help_text=_(
            "A secteur 2 doctor not adhering to OPTAM is paid at the guarantee's lower rate, where it has one."
        ),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=ItemDecision.choices)
    refusal_reason = forms.ChoiceField(
        label=_("Reason of refusal"), choices=[("", "—"), *RefusalReason.choices], required=False
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, tariff=None, **kwargs):
        """``tariff``: (tariff, base, compulsory share) computed from the base tariffs, or None (issue 13)."""
        super().__init__(*args, **kwargs)
        self.tariff = tariff

    def clean(self):
        data = super().clean()
        if data.get("decision") == ItemDecision.REFUSED and not data.get("refusal_reason"):
            self.add_error("refusal_reason", _("Give the reason of the refusal."))
        if self.tariff and data.get("decision") == ItemDecision.ACCEPTED and not (data.get("comment") or "").strip():
            _tariff, base, share = self.tariff
            if (data.get("base_amount"), data.get("compulsory_paid")) != (base, share):
                self.add_error("comment", _("Say why the base or the compulsory share differ from the tariff."))
        return data


class DecideForm(GuidedForm, forms.Form):
    note = forms.CharField(
        label=_("Note to the member (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class RejectForm(GuidedForm, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    note = forms.CharField(
        label=_("Note to the member"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class OriginalsForm(GuidedForm, forms.Form):
    note = forms.CharField(
        label=_("Which originals, and where to send them"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SuspendForm(GuidedForm, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=SuspensionReason.choices)
    explanation = forms.CharField(
        label=_("Explanation shown to the member"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RestoreForm(GuidedForm, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


AGE_CHOICES = [("", _("Any age")), ("7", _("Over 7 days")), ("14", _("Over 14 days")), ("30", _("Over 30 days"))]


class QueueFilterForm(GuidedForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ClaimStatus.choices])
    age = forms.ChoiceField(label=_("Waiting"), required=False, choices=AGE_CHOICES)
    min_total = forms.DecimalField(
        label=_("Total from (EUR)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    max_total = forms.DecimalField(
        label=_("Total up to (EUR)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    category = forms.ChoiceField(label=_("Type of care"), required=False)
    duplicates = forms.BooleanField(label=_("Possible duplicates only"), required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All")), *((c.code, c.name) for c in categories)]


class RatesUploadForm(GuidedForm, forms.Form):
    file = forms.FileField(label=_("Reference rates (the central bank's CSV, or its ZIP)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is too large: 20 MB at most."), code="too_large")
        return file
