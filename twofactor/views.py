"""Two-factor pages: set up, enter a code after the password, manage (SPEC A13)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from accounts.onboarding import pending_step, second_factor_step
from documents.downloads import protect
from twofactor import forms, selectors, services
from twofactor.forms import wait_message
from twofactor.qr import qr_data_uri, secret_groups


def _next_page(request: HttpRequest) -> str:
    return pending_step(request) or "accounts:dashboard"


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    if selectors.is_enabled(user=request.user):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("twofactor:manage")
    step = pending_step(request)
    if step and step != "twofactor:setup":
        return redirect(step)
    if request.user.is_staff:  # staff set it up from their invitation link, not with the password alone
        return redirect("twofactor:invitation_needed")
    device = services.setup_device(user=request.user)
    form = forms.TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.enable(user=request.user, device=device, code=form.cleaned_data["code"])
        if outcome.ok:
            services.session_verify(request, outcome.device)
            services.codes_hold(request.session, outcome.recovery_codes)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("twofactor:recovery_codes")
        form.add_outcome_error(outcome)
    context = {
        "form": form,
        "qr": qr_data_uri(device),
        "secret": secret_groups(device),
        "required": request.user.is_staff,
    }
    return render(request, "twofactor/setup.html", context)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified() or not selectors.is_enabled(user=request.user):
        return redirect(_next_page(request))
    form = forms.AnyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.verify(user=request.user, code=form.cleaned_data["code"])
        if outcome.ok:
            services.session_verify(request, outcome.device)
            if outcome.method == services.Method.RECOVERY:
                left = selectors.recovery_codes_left(user=request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)d code left. Generate new ones if you lost your phone.",
                        "You used a recovery code: %(count)d codes left. Generate new ones if you lost your phone.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_page(request))
        form.add_outcome_error(outcome)
    wait = services.verification_wait(user=request.user) if request.method == "GET" else None
    return render(request, "twofactor/verify.html", {"form": form, "wait": wait_message(wait) if wait else ""})


@never_cache
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    step = pending_step(request)
    if step:
        return redirect(step)
    user = request.user
    context = {
        "device": selectors.totp_device(user=user),
        "codes_left": selectors.recovery_codes_left(user=user),
        "required": user.is_staff,
    }
    return render(request, "twofactor/manage.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    # Shown before the other first-login steps too: a staff login set up from its invitation sees them at once.
    step = second_factor_step(request.user, request.session)
    if step:
        return redirect(step)
    codes = services.codes_held(request.session)
    if request.method == "POST":
        services.codes_release(request.session)
        return redirect("twofactor:manage")
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. If you lost them, generate new ones."))
        return redirect("twofactor:manage")
    return render(request, "twofactor/recovery_codes.html", {"codes": codes})


@never_cache
@login_required
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    step = second_factor_step(request.user, request.session)
    codes = [] if step else services.codes_held(request.session)
    if not codes:
        return redirect(step or "twofactor:manage")
    context = {"codes": codes, "user": request.user, "now": timezone.localtime()}
    text = render_to_string("twofactor/recovery_codes.txt", context, request=request)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    protect(response, filename="recovery-codes.txt")
    return response


@never_cache
@login_required
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    step = pending_step(request)
    if step:
        return redirect(step)
    if not selectors.is_enabled(user=request.user):
        return redirect("twofactor:manage")
    form = forms.TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.recovery_codes_regenerate(user=request.user, code=form.cleaned_data["code"])
        if outcome.ok:
            services.codes_hold(request.session, outcome.recovery_codes)
            messages.success(request, _("New recovery codes generated: the old ones no longer work."))
            return redirect("twofactor:recovery_codes")
        form.add_outcome_error(outcome)
    return render(request, "twofactor/regenerate.html", {"form": form})


@never_cache
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    step = pending_step(request)
    if step:
        return redirect(step)
    if not selectors.is_enabled(user=request.user):
        return redirect("twofactor:manage")
    if request.user.is_staff:
        messages.error(request, _("Two-factor authentication is required for staff accounts: it cannot be turned off."))
        return redirect("twofactor:manage")
    form = forms.DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.disable(
            user=request.user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
        )
        if outcome.ok:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("twofactor:manage")
        form.add_outcome_error(outcome)
    return render(request, "twofactor/disable.html", {"form": form})


# --- Staff: the invitation link (issue 16) ---------------------------------------------------------------

INVITATION_KEY = "twofactor_invitation"


@never_cache
def invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """The link of the invitation email: kept in the session, then out of the address bar (and of any Referer)."""
    user = services.invitation_user(secret=secret)
    if user is None:
        return render(request, "twofactor/invitation_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != user.pk:
        logout(request)
    request.session[INVITATION_KEY] = secret
    return redirect("twofactor:invitation_accept")


@never_cache
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """The password and the authenticator app, on one page opened by the invitation link."""
    secret = request.session.get(INVITATION_KEY, "")
    user = services.invitation_user(secret=secret)
    if user is None:
        return render(request, "twofactor/invitation_invalid.html", status=404)
    new_password = not user.has_usable_password()
    form = forms.InvitationForm(user, new_password, request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.invitation_accept(
            secret=secret, password=form.chosen_password(), new_password=new_password, code=form.cleaned_data["code"]
        )
        if outcome.ok:
            request.session.pop(INVITATION_KEY, None)
            user.refresh_from_db()  # the password chosen now: the session carries its hash
            login(request, user, backend="accounts.backends.IdentifierBackend")
            services.session_verify(request, outcome.device)
            services.codes_hold(request.session, outcome.recovery_codes)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("twofactor:recovery_codes")
        form.add_outcome_error(outcome)
    device = services.setup_device(user=user)
    context = {"form": form, "qr": qr_data_uri(device), "secret": secret_groups(device), "invited": user}
    return render(request, "twofactor/invitation.html", context)


@never_cache
@login_required
def invitation_needed(request: HttpRequest) -> HttpResponse:
    """Where a staff login without its app lands: the app is set up from the invitation link only."""
    if selectors.is_enabled(user=request.user) or not request.user.is_staff:
        return redirect(_next_page(request))
    return render(request, "twofactor/invitation_needed.html")
