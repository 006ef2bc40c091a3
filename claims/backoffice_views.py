"""The back office's claims pages (SPEC C6, C7, B3): the queue, the review with documents side by side, the
assessment of each item, the decision, originals, suspensions and the reference rates.

Every page showing someone's claim leaves an access event (health data, SPEC G4); opening a document too.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import StaffRole
from accounts.decorators import staff_role_required
from audit.services import personal_data_viewed, record_access
from claims import backoffice_presenters as bp
from claims import currency, presenters, selectors, services
from claims.forms import DecideForm, OriginalsForm, RatesUploadForm, RejectForm, RestoreForm, SuspendForm
from claims.permissions import access_claim, access_document, access_suspension
from core.pagination import CappedPaginator

PAGE_SIZE = 20
staff_only = staff_role_required(StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)


@staff_only
def queue(request: HttpRequest) -> HttpResponse:
    form, filters = bp.queue_filters(request.GET)
    claims = selectors.backoffice_queue(actor=request.profile, filters=filters)
    page = CappedPaginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    personal_data_viewed(actor=request.user, reason="claims_queue", shown=page.object_list)
    return render(request, "claims/backoffice/queue.html", {"form": form, "page": page})


def _review(request: HttpRequest, claim, *, forms=None, status: int = 200) -> HttpResponse:
    record_access(actor=request.user, target=claim, reason="claim_review", profile="staff")
    return render(request, "claims/backoffice/review.html", bp.review_context(claim, forms), status=status)


@staff_only
def review(request: HttpRequest, public_id) -> HttpResponse:
    return _review(request, access_claim(actor=request.profile, public_id=public_id))


def _refused(request: HttpRequest, error: ValidationError, public_id) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect("claims_backoffice:review", public_id=public_id)


@staff_only
@require_POST
def assess(request: HttpRequest, public_id) -> HttpResponse:
    claim = access_claim(actor=request.profile, public_id=public_id, details=False)
    forms, assessments = bp.assessment_forms(claim, request.POST)
    if assessments is None:
        return _review(request, access_claim(actor=request.profile, public_id=public_id), forms=forms, status=400)
    try:
        services.claim_assess(actor=request.user, claim=claim, assessments=assessments)
    except ValidationError as error:
        return _refused(request, error, public_id)
    messages.success(request, _("The assessment is saved: check the computation, then decide."))
    return redirect("claims_backoffice:review", public_id=public_id)


def _post(request: HttpRequest, public_id, form_class, action, success: str) -> HttpResponse:
    """A back-office action on one claim: parse ``form_class``, call ``action(claim, **data)``, come back."""
    claim = access_claim(actor=request.profile, public_id=public_id, details=False)
    form = form_class(request.POST)
    if not form.is_valid():
        claim = access_claim(actor=request.profile, public_id=public_id)
        return _review(request, claim, forms={form_class.__name__: form}, status=400)
    try:
        action(claim, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, error, public_id)
    messages.success(request, success)
    return redirect("claims_backoffice:review", public_id=public_id)


@staff_only
@require_POST
def decide(request: HttpRequest, public_id) -> HttpResponse:
    return _post(
        request,
        public_id,
        DecideForm,
        lambda claim, **data: services.claim_decide(actor=request.user, claim=claim, **data),
        _("The claim is decided; the member is told by email."),
    )


@staff_only
@require_POST
def reject(request: HttpRequest, public_id) -> HttpResponse:
    return _post(
        request,
        public_id,
        RejectForm,
        lambda claim, **data: services.claim_reject(actor=request.user, claim=claim, **data),
        _("The claim is rejected; the member is told by email."),
    )


@staff_only
@require_POST
def originals(request: HttpRequest, public_id) -> HttpResponse:
    return _post(
        request,
        public_id,
        OriginalsForm,
        lambda claim, **data: services.claim_request_originals(actor=request.user, claim=claim, **data),
        _("The originals are asked for; the member is told by email."),
    )


@staff_only
@require_POST
def suspend(request: HttpRequest, public_id) -> HttpResponse:
    return _post(
        request,
        public_id,
        SuspendForm,
        lambda claim, **data: services.claims_suspend(actor=request.user, person=claim.member, **data),
        _("The member's online claims service is suspended."),
    )


@staff_only
def suspensions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.suspension_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    personal_data_viewed(
        actor=request.user, reason="claims_suspensions", shown=[row.person for row in page.object_list]
    )
    return render(request, "claims/backoffice/suspensions.html", {"page": page, "form": RestoreForm()})


@staff_only
@require_POST
def restore(request: HttpRequest, public_id) -> HttpResponse:
    suspension = access_suspension(actor=request.profile, public_id=public_id)
    form = RestoreForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The note is too long."))
        services.claims_restore(actor=request.user, suspension=suspension, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The member's online claims service is restored."))
    return redirect("claims_backoffice:suspensions")


@staff_only
def document(request: HttpRequest, public_id) -> FileResponse:
    found = access_document(actor=request.profile, public_id=public_id)
    record_access(
        actor=request.user, target=found.item.claim, reason=f"claim_document:{found.public_id}", profile="staff"
    )
    return presenters.file_response(found, inline=True)


@staff_only
def rates(request: HttpRequest) -> HttpResponse:
    form = RatesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = currency.exchange_rates_load(actor=request.user, source=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(
                request,
                _("%(rates)s rates loaded for %(count)s currencies.")
                % {"rates": report.rates, "count": len(report.currencies)},
            )
            return redirect("claims_backoffice:rates")
    context = {"form": form, "latest": currency.latest_rates()}
    return render(request, "claims/backoffice/rates.html", context, status=400 if form.errors else 200)
