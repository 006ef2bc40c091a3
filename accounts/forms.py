"""Forms of the account pages. Errors never tell whether an account exists."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language
from accounts.throttling import password_recheck
from core.forms import GuidedForm

GENERIC_LOGIN_ERROR = _(
    "We could not log you in with these details. After several unsuccessful tries, access is suspended for a "
    "while and the account holder is told by email."
)


class LoginForm(GuidedForm, auth_forms.AuthenticationForm):
    """One answer for an unknown identifier, a wrong password, a locked or inactive account."""

    username = forms.CharField(label=_("Username or membership number"), max_length=150)
    error_messages = {"invalid_login": GENERIC_LOGIN_ERROR, "inactive": GENERIC_LOGIN_ERROR}

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise forms.ValidationError(GENERIC_LOGIN_ERROR, code="invalid_login")


class PasswordSetForm(GuidedForm, auth_forms.SetPasswordForm):
    """Choose a new password (first login, after a temporary password)."""


class PasswordChangeForm(GuidedForm, auth_forms.PasswordChangeForm):
    """Change the password from the personal-information section: the current one is asked first, counted as a
    login try of the account (accounts.throttling.password_recheck)."""

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_recheck(user=self.user, password=old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class IdentifierForm(GuidedForm, forms.Form):
    identifier = forms.CharField(label=_("Username or membership number"), max_length=150)


class EmailForm(GuidedForm, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class TermsAcceptForm(GuidedForm, forms.Form):
    accept = forms.BooleanField(label=_("I have read and I accept the terms of use"), required=True)
    required_messages = {"accept": _("Tick the box to accept the terms of use.")}


class LanguageForm(GuidedForm, forms.Form):
    """The account's language; each choice is written in its own language so anyone can find theirs."""

    language = forms.ChoiceField(
        label=_("Language of my pages, emails and documents"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
