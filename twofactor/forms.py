"""Forms of the two-factor pages. A malformed code is a field error and is not counted as a try."""

from __future__ import annotations

import math

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import GuidedForm
from twofactor.services import Failure, Method, Outcome, code_method, normalise_code

CODE_MAX_LENGTH = 32


class TotpCodeForm(GuidedForm, forms.Form):
    """A 6-digit code from the authenticator app."""

    accept_recovery = False
    invalid_message = _("Enter the 6-digit code shown in your authenticator app.")

    code = forms.CharField(
        label=_("6-digit code from your app"),
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "size": 12,
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        method = code_method(code)
        if method == Method.TOTP or (method == Method.RECOVERY and self.accept_recovery):
            return code
        raise forms.ValidationError(self.invalid_message, code="invalid")

    def add_outcome_error(self, outcome: Outcome, field: str = "code") -> None:
        """Turn a failed attempt into an error on the form."""
        self.add_error(field, outcome_message(outcome))


class AnyCodeForm(TotpCodeForm):
    """A code from the app, or one of the recovery codes."""

    accept_recovery = True
    invalid_message = _("Enter the 6-digit code shown in your app, or one of your recovery codes (like abcde-fghij).")

    code = forms.CharField(
        label=_("Code from your app or recovery code"),
        help_text=_("The 6-digit code shown in your authenticator app. No phone? Use one of your recovery codes."),
        max_length=CODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "size": 14}
        ),
    )


def current_password_field() -> forms.CharField:
    """The login's current password, asked again before a change of its second factor."""
    return forms.CharField(
        label=_("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class DisableForm(AnyCodeForm):
    """Turning two-factor authentication off asks for the password too."""

    password = current_password_field()
    field_order = ["password", "code"]

    def add_outcome_error(self, outcome: Outcome, field: str = "code") -> None:
        if outcome.failure == Failure.WRONG_PASSWORD and outcome.wait_until is None:
            field = "password"
        super().add_outcome_error(outcome, field)


def outcome_message(outcome: Outcome) -> str:
    if outcome.wait_until is not None:
        return wait_message(outcome.wait_until)
    if outcome.failure == Failure.WRONG_PASSWORD:
        return str(_("This password is not correct."))
    if outcome.failure in (Failure.NOT_ENABLED, Failure.NOT_PENDING):
        return str(_("Two-factor authentication has changed in the meantime. Reload the page."))
    if outcome.method == Method.RECOVERY:
        return str(_("This recovery code is not valid or has already been used."))
    return str(_("This code is not valid. Check that your phone is on time and enter the code shown now."))


def wait_message(until) -> str:
    """'Too many wrong codes' with how long to wait, in words a user understands."""
    seconds = max(0, (until - timezone.now()).total_seconds())
    if seconds < 30:
        return str(_("Too many wrong codes. Wait a few seconds before trying again."))
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext(
            "Too many wrong codes. For your security, wait %(count)d minute before trying again.",
            "Too many wrong codes. For your security, wait %(count)d minutes before trying again.",
            minutes,
        ) % {"count": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext(
        "Too many wrong codes. For your security, wait %(count)d hour before trying again.",
        "Too many wrong codes. For your security, wait %(count)d hours before trying again.",
        hours,
    ) % {"count": hours}


class InvitationForm(TotpCodeForm):
    """The invitation page: the login's password (or a first one, twice) and a code from the app being set up."""

    password = current_password_field()
    new_password1 = forms.CharField(
        label=_("New password"),  # Django's own words, translated by Django
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password confirmation"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, new_password: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.new_password = user, new_password
        for name in ("password",) if new_password else ("new_password1", "new_password2"):
            del self.fields[name]
        self.order_fields([*(name for name in self.fields if name != "code"), "code"])

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if self.new_password and first and second:
            if first != second:
                self.add_error("new_password2", _("The two password fields didn’t match."))
            else:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return cleaned

    def chosen_password(self) -> str:
        return self.cleaned_data["new_password1" if self.new_password else "password"]

    def add_outcome_error(self, outcome: Outcome, field: str = "code") -> None:
        if outcome.failure == Failure.WRONG_PASSWORD:
            field = "password"
        elif outcome.failure == Failure.NOT_PENDING:
            field = None
        self.add_error(field, outcome_message(outcome))
