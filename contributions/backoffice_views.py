"""The contributions' back office (SPEC B4), for contributions staff and administrators: the calls with filters,
generating a quarter, importing a bank statement, allocating a payment by hand, sending reminders.

Pages that show people's names leave an access event (SPEC G4), like the other back-office lists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.choices import StaffRole
from accounts.decorators import staff_role_required
from audit.services import personal_data_viewed
from contributions import selectors, services
from contributions.forms import AllocateForm, CallFilterForm, GenerateForm, ImportForm
from contributions.payments import card_overpayment_refund
from documents.pdf import paris_today

staff_only = staff_role_required(StaffRole.CONTRIBUTIONS, StaffRole.ADMINISTRATOR)
PAGE_SIZE = 25


@staff_only
def calls(request: HttpRequest) -> HttpResponse:
    form = CallFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = paris_today()
    page = Paginator(selectors.backoffice_calls(filters=filters, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    personal_data_viewed(actor=request.user, reason="contribution_calls", shown=page.object_list)
    context = {
        "form": form,
        "page": page,
        "today": today,
        "generate_form": GenerateForm(initial={"quarter": str(services.Quarter.of(today))}),
        "unallocated": selectors.unallocated_payments().count(),
    }
    return render(request, "contributions/backoffice/calls.html", context)


@staff_only
def call(request: HttpRequest, public_id) -> HttpResponse:
    found = selectors.backoffice_call_get(public_id=public_id)
    if found is None:
        raise Http404
    personal_data_viewed(actor=request.user, reason="contribution_call", target=found)
    found = selectors.call_detail(found)
    return render(request, "contributions/backoffice/call.html", {"call": found})


@staff_only
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["quarter"]))
        return redirect("contributions_backoffice:calls")
    created = services.calls_generate(actor=request.user, quarter=form.cleaned_data["quarter"], today=paris_today())
    message = ngettext(
        "%(count)d call issued for %(quarter)s.", "%(count)d calls issued for %(quarter)s.", len(created)
    )
    messages.success(request, message % {"count": len(created), "quarter": form.cleaned_data["quarter"]})
    return redirect("contributions_backoffice:calls")


@staff_only
@require_POST
def reminders(request: HttpRequest) -> HttpResponse:
    sent = services.reminders_send(actor=request.user, today=paris_today())
    messages.success(request, ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent) % {"count": sent})
    return redirect("contributions_backoffice:calls")


@staff_only
def payment_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.payments_import(actor=request.user, file_name=upload.name, content=upload.read())
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            batch = result.payment_import
            messages.success(
                request,
                _(
                    "%(lines)d lines read: %(matched)d allocated, %(unmatched)d to allocate by hand, %(duplicates)d "
                    "already imported."
                )
                % {
                    "lines": batch.lines,
                    "matched": batch.matched,
                    "unmatched": batch.unmatched,
                    "duplicates": batch.duplicates,
                },
            )
            return redirect("contributions_backoffice:unallocated")
    return render(request, "contributions/backoffice/import.html", {"form": form}, status=400 if form.errors else 200)


@staff_only
def unallocated(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.unallocated_payments(), PAGE_SIZE).get_page(request.GET.get("page"))
    personal_data_viewed(actor=request.user, reason="contribution_payments_unallocated", shown=page.object_list)
    return render(request, "contributions/backoffice/unallocated.html", {"page": page, "form": AllocateForm()})


@staff_only
@require_POST
def refund(request: HttpRequest, public_id) -> HttpResponse:
    payment = selectors.backoffice_payment_get(public_id=public_id)
    if payment is None:
        raise Http404
    try:
        payment = card_overpayment_refund(actor=request.user, payment=payment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(amount)s EUR refunded to the card.") % {"amount": payment.refunded})
    return redirect("contributions_backoffice:unallocated")


@staff_only
@require_POST
def allocate(request: HttpRequest, public_id) -> HttpResponse:
    payment = selectors.backoffice_payment_get(public_id=public_id)
    if payment is None:
        raise Http404
    form = AllocateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["receipt_number"]))
        return redirect("contributions_backoffice:unallocated")
    try:
        amount = services.payment_allocate(
            actor=request.user, payment=payment, call=form.cleaned_data["receipt_number"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(amount)s EUR allocated.") % {"amount": amount})
    return redirect("contributions_backoffice:unallocated")
