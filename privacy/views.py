"""The privacy pages of the user spaces, mounted under /space/privacy/ (SPEC G2): file a rights request, follow it,
download the answer's copy while it is available."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import profile_required
from contracts.pdf import attachment_response
from privacy import legal, selectors, services
from privacy.forms import RightsRequestForm

PAGE_SIZE = 20


def _filing(form: RightsRequestForm) -> services.Filing:
    data = form.cleaned_data
    return services.Filing(
        kind=data["kind"],
        method=data["method"],
        details=data.get("details", ""),
        membership_number=data.get("membership_number", ""),
        iban_last4=data.get("iban_last4", ""),
        document=data.get("identity_document"),
        idempotency_key=data["idempotency_key"],
    )


@profile_required(*selectors.REQUESTER_KINDS)
def index(request: HttpRequest) -> HttpResponse:
    form = RightsRequestForm(request.POST or None, request.FILES or None, initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.request_submit(actor=request.user, profile=request.profile, filing=_filing(form))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your request %(reference)s is registered.") % {"reference": filed.reference})
            return redirect("privacy:detail", filed.public_id)
    page = Paginator(selectors.my_requests(profile=request.profile), PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    can_use_iban = request.profile.kind in services.IBAN_CHECK_KINDS
    context = {"form": form, "page": page, "can_use_iban": can_use_iban}
    return render(request, "privacy/index.html", context, status=status)


@profile_required(*selectors.REQUESTER_KINDS)
def detail(request: HttpRequest, public_id) -> HttpResponse:
    found = selectors.access_my_request(profile=request.profile, public_id=public_id)
    report = found.erasure_report or {}
    context = {
        "item": found,
        "events": found.events.all(),
        "erased": legal.erased_rows(report.get("erased", {})),
        "kept": legal.kept_rows(report.get("kept", [])) if report else [],
    }
    return render(request, "privacy/detail.html", context)


@profile_required(*selectors.REQUESTER_KINDS)
def download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    found = selectors.access_my_request(profile=request.profile, public_id=public_id)
    if not found.export_available:
        raise Http404
    name = found.export_json_name if fmt == "json" else found.export_pdf_name
    with default_storage.open(name) as handle:
        content = handle.read()
    services.export_downloaded(actor=request.user, request=found, fmt=fmt)
    content_type = "application/json" if fmt == "json" else "application/pdf"
    return attachment_response(content, f"personal-data-{found.reference}.{fmt}", content_type)
