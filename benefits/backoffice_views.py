"""Payment batches in the back office (SPEC C6, payment), for claims staff and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.choices import StaffRole
from accounts.decorators import staff_role_required
from benefits import selectors, services
from contracts.pdf import attachment_response

staff_only = staff_role_required(StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)
PAGE_SIZE = 20


@staff_only
def payments(request: HttpRequest) -> HttpResponse:
    payables = selectors.payables()
    flows = selectors.flow_payables()
    context = {
        "ready": [payable for payable in payables if payable.account],
        "blocked": [payable for payable in payables if not payable.account],
        "ready_flows": [flow for flow in flows if flow.account],
        "blocked_flows": [flow for flow in flows if not flow.account],
        "transfers": sum(1 for payable in payables if payable.account) + sum(1 for flow in flows if flow.account),
        "batches": Paginator(selectors.batch_list(), PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "benefits/backoffice/payments.html", context)


@staff_only
@require_POST
def batch_create(request: HttpRequest) -> HttpResponse:
    result = services.payment_batch_create(actor=request.user)
    if result.batch is None:
        messages.warning(request, _("Nothing can be paid now."))
        return redirect("payments_backoffice:list")
    message = ngettext(
        "Batch %(reference)s made: %(count)d transfer.",
        "Batch %(reference)s made: %(count)d transfers.",
        result.batch.count,
    )
    messages.success(request, message % {"reference": result.batch.reference, "count": result.batch.count})
    return redirect("payments_backoffice:batch", public_id=result.batch.public_id)


def _batch(public_id):
    batch = selectors.batch_get(public_id=public_id)
    if batch is None:
        raise Http404
    return batch


@staff_only
def batch(request: HttpRequest, public_id) -> HttpResponse:
    found = _batch(public_id)
    return render(request, "benefits/backoffice/batch.html", {"batch": found, "lines": selectors.batch_lines(found)})


@staff_only
def batch_file(request: HttpRequest, public_id) -> HttpResponse:
    found = _batch(public_id)
    content = services.batch_file(actor=request.user, batch=found)
    return attachment_response(content, f"{found.reference}.xml", content_type="application/xml")
