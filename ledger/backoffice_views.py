"""The compulsory scheme's flows in the back office (issue 13): upload a file, see the imports, the lines queued
for payment and the queue of rejected lines; the base tariffs, and a new version of one (``TARIFF_ROLES``). Claims
staff and administrators."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import StaffRole
from accounts.decorators import staff_role_required
from contracts import services as contracts_services
from contracts.models import BaseTariff
from contracts.permissions import TARIFF_ROLES
from core.forms import GuidedForm
from ledger import selectors, services

staff_only = staff_role_required(StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)
tariff_staff = staff_role_required(*TARIFF_ROLES)
MAX_FILE = 50 * 1024 * 1024


class FlowUploadForm(GuidedForm, forms.Form):
    file = forms.FileField(label=gettext_lazy("Statements file (CSV or JSON)"))


@staff_only
def flows(request: HttpRequest) -> HttpResponse:
    form = FlowUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE:
            form.add_error("file", _("The file is too large (50 MB at most)."))
        else:
            result = services.flow_import(actor=request.user, content=upload.read(), file_name=upload.name)
            messages.success(
                request,
                _("%(lines)s lines: %(paid)s paid, %(rejected)s rejected, %(skipped)s already imported.")
                % {
                    "lines": result.line_count,
                    "paid": result.paid_count,
                    "rejected": result.rejected_count,
                    "skipped": result.skipped_count,
                },
            )
            return redirect("ledger_backoffice:flows")
    context = {
        "form": form,
        "imports": Paginator(selectors.flow_imports(), 20).get_page(request.GET.get("page")),
        "rejections": Paginator(selectors.open_rejections(), 50).get_page(request.GET.get("rpage")),
        "queued": selectors.queued_for_payment(),
    }
    return render(request, "ledger/backoffice/flows.html", context)


@staff_only
@require_POST
def rejection_resolve(request: HttpRequest, public_id) -> HttpResponse:
    rejection = selectors.rejection_get(public_id=public_id)
    if rejection is None:
        raise Http404
    services.rejection_resolve(actor=request.user, rejection=rejection)
    messages.success(request, _("Line %(ref)s handled.") % {"ref": rejection.statement_ref})
    return redirect("ledger_backoffice:flows")


def _label(name: str):
    return capfirst(BaseTariff._meta.get_field(name).verbose_name)


class TariffVersionForm(GuidedForm, forms.Form):
    valid_from = forms.DateField(label=_label("valid_from"), widget=forms.DateInput(attrs={"type": "date"}))
    base = forms.DecimalField(
        label=_label("base"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0,
        help_text=gettext_lazy("Empty: the base is the price."),
    )
    rate = forms.DecimalField(label=_label("rate"), max_digits=5, decimal_places=2, min_value=0, max_value=100)
    flat_fee = forms.DecimalField(label=_label("flat_fee"), max_digits=6, decimal_places=2, min_value=0)


@tariff_staff
def tariff_version(request: HttpRequest, act_code: str) -> HttpResponse:
    versions = selectors.tariff_versions(act_code=act_code)
    if not versions:
        raise Http404
    latest = versions[-1]
    initial = {"base": latest.base, "rate": latest.rate, "flat_fee": latest.flat_fee}
    form = TariffVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contracts_services.tariff_version_add(actor=request.user, act_code=act_code, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("New tariff of %(code)s saved.") % {"code": act_code})
            return redirect("ledger_backoffice:tariffs")
    context = {"form": form, "versions": versions, "latest": latest}
    return render(request, "ledger/backoffice/tariff_version.html", context, status=400 if form.errors else 200)


@staff_only
def tariffs(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.tariff_list()
    return render(request, "ledger/backoffice/tariffs.html", {"tariffs": rows, "today": today})
