"""The back office of the professional space: the invoice queue and decisions, payments to professionals (claims
staff and administrators), messages from professionals (request handlers and administrators).

Pages that show beneficiaries' names leave an access event (SPEC G4), as the claims pages do.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_role_required
from audit.services import personal_data_viewed, record_access
from professionals import selectors, services, threads
from professionals.forms import DecideForm, InvoiceFilterForm, MessageStatusForm, PaymentForm
from professionals.permissions import access_invoice_for_staff, access_message_for_staff, access_payment_for_staff

PAGE_SIZE = 20
invoice_staff = staff_role_required(*selectors.INVOICE_ROLES)
message_staff = staff_role_required(*selectors.MESSAGE_ROLES)


@invoice_staff
def queue(request: HttpRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET or {"status": "received"})
    page = Paginator(selectors.invoice_queue(filters=form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    personal_data_viewed(actor=request.user, reason="tp_invoice_queue", shown=page.object_list)
    context = {"form": form, "page": page}
    return render(request, "professionals/backoffice/queue.html", context)


def _review(request: HttpRequest, invoice, form: DecideForm | None = None, status: int = 200) -> HttpResponse:
    record_access(actor=request.user, target=invoice, reason="tp_invoice_review", profile="staff")
    context = {"invoice": invoice, "form": form or DecideForm()}
    return render(request, "professionals/backoffice/review.html", context, status=status)


@invoice_staff
def review(request: HttpRequest, public_id) -> HttpResponse:
    return _review(request, access_invoice_for_staff(actor=request.profile, public_id=public_id))


@invoice_staff
@require_POST
def decide(request: HttpRequest, public_id) -> HttpResponse:
    invoice = access_invoice_for_staff(actor=request.profile, public_id=public_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _review(request, invoice, form, status=400)
    try:
        services.invoice_decide(actor=request.user, invoice=invoice, **form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _review(request, invoice, form, status=400)
    messages.success(request, _("The invoice is decided."))
    return redirect("professionals_backoffice:queue")


@invoice_staff
def payments(request: HttpRequest) -> HttpResponse:
    groups = selectors.payable_groups()
    shown = [invoice for group in groups for invoice in group.invoices]
    personal_data_viewed(actor=request.user, reason="tp_payables", shown=shown)
    page = Paginator(selectors.staff_payment_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"groups": groups, "page": page, "today": timezone.localdate()}
    return render(request, "professionals/backoffice/payments.html", context)


@invoice_staff
@require_POST
def payment_create(request: HttpRequest) -> HttpResponse:
    form = PaymentForm(request.POST, invoice_ids=request.POST.getlist("invoices"))
    if not form.is_valid():
        messages.error(request, _("Choose the invoices to pay and the payment date."))
        return redirect("professionals_backoffice:payments")
    try:
        payment = services.payment_record(
            actor=request.user,
            professional=form.cleaned_data["professional"],
            invoice_ids=form.cleaned_data["invoices"],
            paid_on=form.cleaned_data["paid_on"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("professionals_backoffice:payments")
    messages.success(
        request,
        _("Payment %(reference)s is recorded; the professional is told by email.") % {"reference": payment.reference},
    )
    return redirect("professionals_backoffice:payment", public_id=payment.public_id)


@invoice_staff
def payment(request: HttpRequest, public_id) -> HttpResponse:
    found = access_payment_for_staff(actor=request.profile, public_id=public_id)
    invoices = selectors.payment_invoices(found)
    record_access(actor=request.user, target=found, reason="tp_payment", profile="staff")
    return render(request, "professionals/backoffice/payment.html", {"payment": found, "invoices": invoices})


# --- Messages -------------------------------------------------------------------------------------------


@message_staff
def message_queue(request: HttpRequest) -> HttpResponse:
    form = MessageStatusForm(request.GET or {"status": "open"})
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(selectors.message_queue(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "professionals/backoffice/messages.html", context)


@message_staff
def message(request: HttpRequest, public_id) -> HttpResponse:
    return threads.page(request, access_message_for_staff(actor=request.profile, public_id=public_id), threads.STAFF)


@message_staff
@require_POST
def message_reply(request: HttpRequest, public_id) -> HttpResponse:
    return threads.reply(request, access_message_for_staff(actor=request.profile, public_id=public_id), threads.STAFF)


@message_staff
def message_attachment(request: HttpRequest, public_id) -> HttpResponse:
    found = access_message_for_staff(actor=request.profile, public_id=public_id)
    if not found.attachment_name:
        raise Http404
    record_access(actor=request.user, target=found, reason="pro_message_document", profile="staff")
    return threads.attachment_response(found)
