"""The token management page: list the login's tokens, create one for the active profile, revoke."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.selectors import request_profile
from api import forms, selectors, services


@login_required
@never_cache
def token_page(request: HttpRequest) -> HttpResponse:
    """The secret of a new token is rendered once, in the answer to the creation; it is never stored."""
    profile = selectors.api_profile(request_profile(request))
    form = forms.TokenCreateForm(request.POST or None)
    secret = None
    if request.method == "POST" and profile is not None and form.is_valid():
        _token, secret = services.token_create(actor=request.user, profile=profile, via="page", **form.cleaned_data)
        form = forms.TokenCreateForm()
    context = {"form": form, "profile": profile, "secret": secret, "tokens": selectors.token_list(actor=request.user)}
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    token = selectors.token_get(actor=request.user, public_id=public_id)
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
