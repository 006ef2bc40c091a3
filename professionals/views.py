"""Pages of the health-professional space (SPEC H1-H3), mounted under /space/professional/.

Every page serves the professional profile only; another profile, like a missing object, gets the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from core.middleware import client_ip
from professionals import selectors, services, threads
from professionals.forms import InvoiceFilterForm, MessageForm, RightsCheckForm
from professionals.permissions import access_invoice, access_message, access_payment

PAGE_SIZE = 20
professional_only = profile_required(ProfileKind.PROFESSIONAL)


@professional_only
def invoices(request: HttpRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET or None)
    rows = selectors.invoice_list(actor=request.profile, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "totals": selectors.invoice_totals(rows),
    }
    return render(request, "professionals/invoices.html", context, status=400 if form.errors else 200)


@professional_only
def invoice(request: HttpRequest, public_id) -> HttpResponse:
    found = access_invoice(actor=request.profile, public_id=public_id)
    return render(request, "professionals/invoice.html", {"invoice": found})


@professional_only
def payments(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.payment_list(actor=request.profile), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "professionals/payments.html", {"page": page})


@professional_only
def payment(request: HttpRequest, public_id) -> HttpResponse:
    found = access_payment(actor=request.profile, public_id=public_id)
    context = {"payment": found, "invoices": selectors.payment_invoices(found)}
    return render(request, "professionals/payment.html", context)


@professional_only
def rights(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: the answer, on the same page (nothing is stored but the audit event)."""
    form = RightsCheckForm(request.POST or None)
    context: dict = {"form": form, "checked": False}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.rights_check(
                actor=request.profile, ip=client_ip(request), query=services.RightsQuery(**form.cleaned_data)
            )
        except services.RightsThrottled:
            context["throttled"] = True
            status = 429
        except services.NoAgreement:
            context["no_agreement"] = True
            status = 403
        else:
            context |= {"checked": True, "answer": answer, "query": form.cleaned_data}
    elif request.method == "POST":
        status = 400
    return render(request, "professionals/rights.html", context, status=status)


# --- Messages (H3) -----------------------------------------------------------------------------------------


@professional_only
def contact(request: HttpRequest) -> HttpResponse:
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.message_send(
                actor=request.profile,
                subject=data["subject"],
                body=data["body"],
                attachment=data["attachment"] or None,
                idempotency_key=data["idempotency_key"] or None,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your message is sent. We answer here and let you know by email."))
            return redirect("professionals:message", public_id=sent.public_id)
    page = Paginator(selectors.message_list(actor=request.profile), PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "professionals/contact.html", {"form": form, "page": page}, status=status)


@professional_only
def message(request: HttpRequest, public_id) -> HttpResponse:
    return threads.page(request, access_message(actor=request.profile, public_id=public_id), threads.PROFESSIONAL)


@professional_only
@require_POST
def message_reply(request: HttpRequest, public_id) -> HttpResponse:
    return threads.reply(request, access_message(actor=request.profile, public_id=public_id), threads.PROFESSIONAL)


@professional_only
def message_attachment(request: HttpRequest, public_id) -> HttpResponse:
    return threads.attachment_response(access_message(actor=request.profile, public_id=public_id))
