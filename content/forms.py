"""Forms of the help pages (FAQ search, contact) and of the content back office (SPEC M7, B5).

They validate input only; the views hand ``cleaned_data`` to ``content.services``, which write.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.choices import FaqCategory, Feature
from content.models import FaqEntry, LibraryDocument, TermsVersion
from content.services import normalise_phone
from content.validators import validate_library_pdf
from contracts.models import Product
from core.forms import GuidedForm

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names (or on the form), so the page says what to fix."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Help ------------------------------------------------------------------------------------


class FaqSearchForm(GuidedForm, forms.Form):
    q = forms.CharField(
        label=_("Search the questions"),
        max_length=100,
        required=False,
        widget=forms.TextInput({"type": "search", "placeholder": _("e.g. certificate, glasses, card")}),
    )
    category = forms.ChoiceField(
        label=_("Section"), choices=[("", _("All sections")), *FaqCategory.choices], required=False
    )


CONTACT_TOPICS = [
    ("contracts", _("My contracts and guarantees")),
    ("reimbursements", _("My reimbursements")),
    ("contributions", _("My contributions")),
    ("documents", _("My documents")),
    ("account", _("My online account")),
    ("other", _("Something else")),
]


class ContactForm(GuidedForm, forms.Form):
    """The fields of a "contact" request (registered with the request engine by ``content.apps``)."""

    topic = forms.ChoiceField(label=_("Subject"), choices=CONTACT_TOPICS)
    message = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=3000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("Do not write health details here: for a claim or a medical question, use a request."),
    )

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile


# --- Back office --------------------------------------------------------------------------------


class FaqEntryForm(GuidedForm, forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["category", "question_fr", "question_en", "answer_fr", "answer_en", "position", "is_published"]
        widgets = {"answer_fr": forms.Textarea({"rows": 5}), "answer_en": forms.Textarea({"rows": 5})}


class LibraryDocumentForm(GuidedForm, forms.ModelForm):
    """Description, audience and visibility; the PDF is required to create, optional to replace."""

    file = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput({"accept": "application/pdf"}),
        help_text=_("PDF only, 10 MB at most."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        queryset=Product.objects.order_by("line", "level", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a document every member may read."),
    )

    class Meta:
        model = LibraryDocument
        fields = ["category", "title_fr", "title_en", "description_fr", "description_en", "products", "is_published"]
        widgets = {"description_fr": forms.Textarea({"rows": 3}), "description_en": forms.Textarea({"rows": 3})}

    def __init__(self, *args, file_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = file_required

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_library_pdf(upload)
        return upload or None


class ZoneNumbersForm(GuidedForm, forms.Form):
    emergency_phone = forms.CharField(
        label=_("emergency number"), max_length=32, help_text=_("International format, e.g. +33 1 84 88 41 10.")
    )
    assistance_phone = forms.CharField(
        label=_("24/7 assistance number"), max_length=32, help_text=_("International format, e.g. +33 1 84 88 41 20.")
    )

    def clean_emergency_phone(self) -> str:
        return normalise_phone(self.cleaned_data["emergency_phone"])

    def clean_assistance_phone(self) -> str:
        return normalise_phone(self.cleaned_data["assistance_phone"])


class TermsPublishForm(GuidedForm, forms.ModelForm):
    class Meta:
        model = TermsVersion
        fields = ["version", "title_fr", "title_en", "body_fr", "body_en"]
        widgets = {"body_fr": forms.Textarea({"rows": 10}), "body_en": forms.Textarea({"rows": 10})}


class MaintenanceOpenForm(GuidedForm, forms.Form):
    feature = forms.ChoiceField(label=_("What to close"), choices=Feature.choices)
    message_fr = forms.CharField(label=_("message (French)"), max_length=1000, widget=forms.Textarea({"rows": 3}))
    message_en = forms.CharField(label=_("message (English)"), max_length=1000, widget=forms.Textarea({"rows": 3}))
    ends_at = forms.DateTimeField(
        label=_("Planned end (optional)"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to close until you reopen it here."),
    )

    def clean_ends_at(self):
        ends_at = self.cleaned_data.get("ends_at")
        if ends_at and ends_at <= timezone.now():
            raise ValidationError(_("The planned end must be in the future."), code="past")
        return ends_at
