"""The portal's side of card payments, mounted under /pay/: the return page the payer comes back to, and the
notification endpoint the provider posts to (server to server: no session, no CSRF token, a signature instead)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from payments import purposes, selectors, services

PAYERS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)
MAX_BODY = 16 * 1024


@profile_required(*PAYERS)
def payment_return(request: HttpRequest, public_id) -> HttpResponse:
    intent = selectors.intent_get(actor=request.profile, public_id=public_id)
    if intent is None:
        raise Http404
    intent = services.intent_refresh(intent=intent)
    back = purposes.get(intent.purpose).target_url(intent.target_id)
    return render(request, "payments/return.html", {"intent": intent, "back": back})


@csrf_exempt
@require_POST
def notify(request: HttpRequest) -> JsonResponse:
    if len(request.body) > MAX_BODY:
        return JsonResponse({"received": False, "reason": "too_large"}, status=400)
    outcome = services.notification_receive(body=request.body, headers=request.headers)
    return JsonResponse(
        {"received": outcome.accepted, "reason": outcome.reason}, status=200 if outcome.accepted else 400
    )
