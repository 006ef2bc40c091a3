"""The claim form's "start from a bill": the member uploads the bill, the page polls what was read and pre-fills
the care item (marked as read from the bill, editable). Nothing is submitted here. Views parse, call, answer."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import profile_required
from claims.uploads import DocumentRejected
from reading import presenters, selectors, services

MEMBER = "member"


def _out(reading) -> dict:
    done = reading.status == "done"
    return {
        "id": str(reading.public_id),
        "status": reading.status,
        "error": reading.error,
        "url": reverse("reading:detail", args=[reading.public_id]),
        "fields": reading.fields if done else {},
        "form": presenters.item_prefill(reading) if done else {},
    }


@profile_required(MEMBER)
@require_POST
def start(request: HttpRequest) -> JsonResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": _("Choose the bill to read.")}, status=400)
    try:
        reading = services.reading_start(actor=request.user, profile=request.profile, upload=upload)
    except DocumentRejected as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(_out(reading), status=202)


@profile_required(MEMBER)
@require_GET
def detail(request: HttpRequest, public_id) -> JsonResponse:
    return JsonResponse(_out(selectors.reading_get(actor=request.profile, public_id=public_id)))
