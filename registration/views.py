"""Registration pages (SPEC A1) and the user's own closure request (A9). Logic lives in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from content.selectors import maintenance_active
from core.middleware import client_ip
from registration import selectors, services
from registration.forms import FORMS, ActivationForm, ClosureRequestForm


def _closed(request: HttpRequest) -> HttpResponse | None:
    """While staff close registration for maintenance, every registration page says so and takes nothing."""
    windows = list(maintenance_active(feature="registration"))
    if windows:
        return render(request, "registration/closed.html", {"windows": windows}, status=503)
    return None


def start(request: HttpRequest) -> HttpResponse:
    return _closed(request) or render(request, "registration/start.html", {"kinds": FORMS})


@never_cache
def register(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = FORMS.get(kind)
    if form_class is None:
        raise Http404
    closed = _closed(request)
    if closed:
        return closed
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.registration_submit(
            actor=request.user, submission=form.submission(), ip=client_ip(request), language=translation.get_language()
        )
        return redirect("registration:received")
    return render(request, "registration/form.html", {"form": form, "kind": form_class.kind})


@never_cache
def activate(request: HttpRequest) -> HttpResponse:
    """The code of an activation letter finishes the registration; one answer for every wrong code."""
    closed = _closed(request)
    if closed:
        return closed
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.registration_activate(
            number=data["number"],
            code=data["code"],
            email=data["email"],
            password=data["password1"],
            ip=client_ip(request),
        )
        if user is not None:
            return render(request, "registration/activated.html", {"username": user.username})
        form.add_error("code", _("This code is not valid for this number, has been used or has expired."))
    return render(request, "registration/activate.html", {"form": form})


def received(request: HttpRequest) -> HttpResponse:
    """The one answer every registration gets, whatever the records say."""
    return render(request, "registration/received.html")


@login_required
def closure_request(request: HttpRequest) -> HttpResponse:
    pending = selectors.closure_pending(user=request.user)
    form = None if pending else ClosureRequestForm(request.user, request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        services.closure_request_submit(actor=request.user, kind=data["kind"], reason=data["reason"])
        messages.success(request, _("Your request has been sent. We will let you know by email once it is processed."))
        return redirect("account_closure:request")
    return render(request, "registration/closure.html", {"form": form, "pending": pending})
