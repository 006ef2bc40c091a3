"""The token page's form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import validate_expiry_date
from core.forms import GuidedForm


class TokenCreateForm(GuidedForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “Mobile app”."))
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        validators=[validate_expiry_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional, within one year. Without a date the token lasts until you revoke it."),
    )
