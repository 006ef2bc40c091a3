"""My contributions (SPEC M4) and the contributions of companies and agents (E4), under /space/contributions/.

One page for the three profiles, scoped by ``contributions.selectors``: the calls with their receipt number,
period, due date, amount, paid and remaining; a call's detail with its PDFs and card payment.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from contracts.pdf import attachment_response, document_filename
from contributions import pdf, selectors
from contributions.payments import card_payment_start
from documents.pdf import paris_today

PAYERS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)
PAGE_SIZE = 20


def _call(request: HttpRequest, public_id):
    call = selectors.call_get(actor=request.profile, public_id=public_id)
    if call is None:
        raise Http404
    return call


@profile_required(*PAYERS)
def call_list(request: HttpRequest) -> HttpResponse:
    profile = request.profile
    contracts = list(selectors.contracts_paid_by(actor=profile))
    chosen = next((c for c in contracts if str(c.public_id) == request.GET.get("contract")), None)
    calls = selectors.call_list(actor=profile, contract=chosen)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    today = paris_today()
    context = {
        "page": page,
        "contracts": contracts,
        "chosen": chosen,
        "summary": selectors.standing(calls, today=today),
        "overdue": selectors.open_calls(calls, today=today, overdue=True),
        "upcoming": selectors.open_calls(calls, today=today, overdue=False),
        "today": today,
        "certificates": selectors.certificate_list(actor=profile).order_by("-year")[:5],
        "shows_contract": profile.kind != ProfileKind.MEMBER or len(contracts) > 1,
    }
    return render(request, "contributions/list.html", context)


@profile_required(*PAYERS)
def call_detail(request: HttpRequest, public_id) -> HttpResponse:
    call = selectors.call_detail(_call(request, public_id))
    years = selectors.record_years(actor=request.profile, contract=call.contract)
    return render(request, "contributions/detail.html", {"call": call, "today": paris_today(), "years": years})


def _language(request: HttpRequest) -> str:
    return request.user.language


@profile_required(*PAYERS)
def call_pdf(request: HttpRequest, public_id) -> HttpResponse:
    call = _call(request, public_id)
    language = _language(request)
    return attachment_response(
        pdf.call_pdf(call=call, language=language), document_filename(pdf.CALL_NAME, call.receipt_number, language)
    )


@profile_required(*PAYERS)
def receipt_pdf(request: HttpRequest, public_id) -> HttpResponse:
    call = _call(request, public_id)
    if call.status != "paid":
        raise Http404
    language = _language(request)
    return attachment_response(
        pdf.receipt_pdf(call=call, language=language),
        document_filename(pdf.RECEIPT_NAME, call.receipt_number, language),
    )


@profile_required(*PAYERS)
def record_pdf(request: HttpRequest, public_id, year: int) -> HttpResponse:
    contract = selectors.contract_get(actor=request.profile, public_id=public_id)
    found = selectors.record_for(actor=request.profile, contract=contract, year=year) if contract else None
    if found is None:
        raise Http404
    language = _language(request)
    return attachment_response(
        pdf.record_pdf(record=found, language=language),
        document_filename(pdf.RECORD_NAME, f"{contract.number}-{year}", language),
    )


@profile_required(*PAYERS)
def certificate_pdf(request: HttpRequest, public_id) -> HttpResponse:
    certificate = selectors.certificate_get(actor=request.profile, public_id=public_id)
    if certificate is None:
        raise Http404
    language = _language(request)
    return attachment_response(
        pdf.certificate_pdf(certificate=certificate, language=language),
        document_filename(pdf.CERTIFICATE_NAME, str(certificate.year), language),
    )


@profile_required(*PAYERS)
def export_pdf(request: HttpRequest) -> HttpResponse:
    """Every call the profile sees (or those of one contract) in one PDF (SPEC E4)."""
    chosen = request.GET.get("contract")
    contract = selectors.contract_get(actor=request.profile, public_id=chosen) if chosen else None
    calls = list(selectors.call_list(actor=request.profile, contract=contract)[:1000])
    language = _language(request)
    title = contract.number if contract else gettext_lazy("All contracts")  # worded in the PDF's language
    return attachment_response(
        pdf.export_pdf(calls=calls, title=title, language=language),
        document_filename(pdf.EXPORT_NAME, contract.number if contract else paris_today().isoformat(), language),
    )


@profile_required(*PAYERS)
@require_POST
def pay(request: HttpRequest, public_id) -> HttpResponse:
    call = _call(request, public_id)
    try:
        started = card_payment_start(actor=request.user, call=call)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contributions:detail", public_id=call.public_id)
    return redirect(started.url)
