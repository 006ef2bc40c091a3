"""Forms that guide (RGAA 11.10, WCAG 3.3.1 and 3.3.3): every required field says what to do when left empty.

``GuidedForm`` goes first in the bases of every form of the portal. Before cleaning, it gives each required field
whose message is still Django's generic "This field is required." a message that names the field and the action
("Fill in “Date of care”.", "Tick the box “…”."), or the form's own words from ``required_messages``. The error
summary at the top of the page (``core/templates/core/_error_summary.html``) lists those messages, each a link to
its field.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _

GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


def required_message(field: forms.Field, name: str = "") -> str:
    """What to do with ``field`` when it was left empty, in words that name it."""
    label = str(field.label or name.replace("_", " ").capitalize()).rstrip(" :")
    widget = field.widget
    if isinstance(field, forms.BooleanField) or isinstance(widget, forms.CheckboxInput):
        return _("Tick the box “%(label)s” to continue.") % {"label": label}
    if isinstance(field, forms.FileField):
        return _("Add a file: “%(label)s”.") % {"label": label}
    if isinstance(widget, forms.RadioSelect | forms.Select | forms.CheckboxSelectMultiple):
        return _("Choose an answer: “%(label)s”.") % {"label": label}
    return _("Fill in “%(label)s”.") % {"label": label}


class GuidedForm:
    """A form mixin: specific messages for required fields (see the module's docstring)."""

    required_messages: dict[str, str | Promise] = {}

    def full_clean(self) -> None:
        self.guide_required_fields()
        super().full_clean()

    def guide_required_fields(self) -> None:
        for name, field in self.fields.items():
            current = field.error_messages.get("required")
            if name in self.required_messages:
                message = self.required_messages[name]
            elif current is None or str(current) == str(GENERIC_REQUIRED):
                message = required_message(field, name)
            else:
                continue
            field.error_messages = {**field.error_messages, "required": message}
