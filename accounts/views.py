"""Account pages: login, first-login steps, passwords, profiles, each profile's home."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import forms, selectors, services, throttling
from accounts.onboarding import pending_step
from content.selectors import maintenance_active, terms_current
from core.menu import entries_for, home_for
from core.middleware import client_ip


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "maintenance": maintenance_active(feature="registration")}

    def get_default_redirect_url(self) -> str:
        return "/space/"

    def form_valid(self, form) -> HttpResponse:
        """From login on, the pages speak the account's language, whatever the browser chose before (SPEC A12)."""
        response = language_cookie_set(super().form_valid(form), form.get_user().language)
        throttling.device_remember(self.request, response, form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.profile is None and selectors.profile_list(actor=request.user)[:2].count() > 1:
        return redirect("accounts:profile_choose")
    entries = [
        {"title": entry.title, "url": url, "description": entry.description, "section": entry.section}
        for entry, url in entries_for(request.profile)
    ]
    entries.sort(key=lambda item: (item["section"] != "", str(item["section"])))
    home = home_for(request.profile)
    # A login with several profiles has chosen one in its session (a single profile is never stored there): the
    # "switch profile" link needs no query.
    context = {"profile": request.profile, "switchable": bool(request.session.get("profile")), "entries": entries}
    context["home"] = home
    return render(request, "accounts/dashboard.html", context)


@login_required
def profile_choose(request: HttpRequest) -> HttpResponse:
    profiles = selectors.profile_list(actor=request.user)
    if request.method == "POST":
        profile = profiles.filter(public_id=request.POST.get("profile")).first() if _is_uuid(request) else None
        if profile is None:
            raise Http404
        services.profile_switch(actor=request.user, session=request.session, profile=profile)
        return redirect("accounts:dashboard")
    return render(request, "accounts/profile_choose.html", {"profiles": profiles})


def _is_uuid(request: HttpRequest) -> bool:
    value = request.POST.get("profile", "")
    return len(value) == 36 and value.count("-") == 4


@login_required
def onboarding_password(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordSetForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your new password is saved."))
        return redirect(pending_step(request) or "accounts:dashboard")
    return render(request, "accounts/onboarding_password.html", {"form": form})


@login_required
def onboarding_email(request: HttpRequest) -> HttpResponse:
    if request.user.email_confirmed_at:
        return redirect(pending_step(request) or "accounts:dashboard")
    if request.method == "POST" or not request.session.get("email_link_sent"):
        services.email_confirmation_send(user=request.user)
        request.session["email_link_sent"] = True
        if request.method == "POST":
            messages.success(request, _("A new confirmation link has been sent."))
    return render(request, "accounts/onboarding_email.html")


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = services.email_confirm(token=token)
    if user is None:
        messages.error(request, _("This confirmation link is not valid or has expired. Ask for a new one."))
    else:
        messages.success(request, _("Your email address is confirmed."))
    if request.user.is_authenticated:
        return redirect(pending_step(request) or "accounts:dashboard")
    return redirect("accounts:login")


@login_required
def onboarding_terms(request: HttpRequest) -> HttpResponse:
    terms = terms_current()
    form = forms.TermsAcceptForm(request.POST or None)
    if terms is None:
        return redirect("accounts:dashboard")
    if request.method == "POST" and form.is_valid():
        from content.services import terms_accept

        terms_accept(actor=request.user, terms=terms)
        request.session["terms_accepted_id"] = terms.pk
        return redirect(pending_step(request) or "accounts:dashboard")
    return render(request, "accounts/onboarding_terms.html", {"form": form, "terms": terms})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        request.session.cycle_key()
        messages.success(request, _("Your password has been changed. Your other sessions have been closed."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


def password_forgotten(request: HttpRequest) -> HttpResponse:
    form = forms.IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(identifier=form.cleaned_data["identifier"], ip=client_ip(request))
        return render(request, "accounts/sent.html", {"what": "password"})
    return render(request, "accounts/password_forgotten.html", {"form": form})


@never_cache
def password_reset(request: HttpRequest, secret: str) -> HttpResponse:
    """The link of a 'password forgotten' email: choose the new password; the link then stops working."""
    user = services.password_reset_user(secret=secret)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", status=404)
    form = forms.PasswordSetForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_complete(secret=secret, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your new password is saved and your other sessions are closed. Log in with it."))
        return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


def username_forgotten(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.username_reminder(email=form.cleaned_data["email"])
        return render(request, "accounts/sent.html", {"what": "username"})
    return render(request, "accounts/username_forgotten.html", {"form": form})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/security.html")


@login_required
@require_POST
def compromised(request: HttpRequest) -> HttpResponse:
    services.compromised_report(actor=request.user)
    return render(request, "accounts/sent.html", {"what": "compromised"})


# --- Language (SPEC A12): the header's switch and the preferences page both set the account's ----------


def language_cookie_set(response: HttpResponse, language: str) -> HttpResponse:
    """The cookie ``LocaleMiddleware`` reads, set the way Django's own ``set_language`` sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def language_switch(request: HttpRequest) -> HttpResponse:
    """The header's FR/EN buttons: Django's ``set_language``, and for a logged-in user the account's language too."""
    response = i18n.set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is None or not request.user.is_authenticated:
        return response
    try:
        language = translation.get_supported_language_variant(chosen.value)  # "en-gb" is English; "de" is not ours
    except LookupError:
        return response
    services.language_set(actor=request.user, user=request.user, language=language)
    return response


@login_required
def language(request: HttpRequest) -> HttpResponse:
    """The language of the account's pages, emails and documents, chosen on a page of its own (or the preferences)."""
    form = forms.LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        services.language_set(actor=request.user, user=request.user, language=chosen)
        with translation.override(chosen):
            messages.success(request, _("Your language is saved: pages, emails and documents now use it."))
        return language_cookie_set(redirect(_next_page(request) or "accounts:language"), chosen)
    return render(request, "accounts/language.html", {"form": form})


def _next_page(request: HttpRequest) -> str:
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if safe else ""
