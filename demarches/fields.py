"""Form fields the request forms share: free text without markup, records scoped to the acting profile,
and a file input that takes several documents at once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from demarches import uploads

TEXT_MAX_LENGTH = 5000
TITLE_MAX_LENGTH = 200
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")


def validate_no_markup(value: str) -> None:
    """Free text is shown to staff and users: refuse HTML-like tags outright rather than only escape them."""
    if value and _MARKUP.search(value):
        raise ValidationError(_("Write plain text: “<” cannot be followed by a letter."), code="markup")


def text_field(label, *, required: bool = True, long: bool = True, help_text="") -> forms.CharField:
    """A free-text field: a line (title) or a paragraph, bounded and without markup."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH if long else TITLE_MAX_LENGTH,
        widget=forms.Textarea({"rows": 5}) if long else forms.TextInput,
        validators=[validate_no_markup],
        help_text=help_text,
    )


class ScopedRecordField(forms.Field):
    """A record the acting profile may see (a contract, a person…), named by its public id or its number.

    With a few records it shows as a list; with many (an agent's portfolio) as a text box for the number.
    Without a profile it accepts nothing: the scope is always the acting profile's.
    """

    default_error_messages = {"invalid_choice": _("Choose one of your records (or give its exact number).")}

    def __init__(
        self,
        *,
        model: type[models.Model],
        number_field: str,
        scope: Callable[..., QuerySet],
        label_of: Callable[[models.Model], str] = str,
        select_limit: int = 50,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.model, self.number_field, self.scope = model, number_field, scope
        self.label_of, self.select_limit = label_of, select_limit
        self.queryset = model._default_manager.none()

    def bind_profile(self, profile) -> None:
        self.queryset = self.scope(actor=profile) if profile is not None else self.model._default_manager.none()
        rows = list(self.queryset[: self.select_limit + 1])
        if len(rows) <= self.select_limit:
            empty = [("", "---------")] if not self.required or len(rows) != 1 else []
            self.widget = forms.Select(choices=[*empty, *((str(row.public_id), self.label_of(row)) for row in rows)])
        else:
            self.widget = forms.TextInput()
            self.help_text = self.help_text or _("Give its number.")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or len(value) > 64:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return value.strip() or None

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        if value is None:
            return None
        try:
            lookup = {"public_id": uuid.UUID(value)}
        except ValueError:
            lookup = {self.number_field: value}
        record = self.queryset.filter(**lookup).first()
        if record is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return record

    def display(self, value) -> str:
        """The label of a stored public id (for pages that show the data sent)."""
        try:
            record = self.model._default_manager.filter(public_id=uuid.UUID(str(value))).first()
        except ValueError:
            record = None
        return self.label_of(record) if record is not None else str(value)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several documents in one input; the engine checks their content, size and number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput({"multiple": True, "accept": uploads.ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [file for file in files if file]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        uploads.check_files(files)
        return files
