"""Pages of the company and agent spaces (SPEC E1-E3, E5-E8), mounted at /space/company/.

Every page starts from ``companies.selectors`` (the company's contracts, or those under the agent's mandates):
anything else answers the same 404 as a missing page. Changes go through services or requests; once a contract
or mandate has ended, they are refused with a clear message while the pages stay readable (SPEC E8).
"""

from __future__ import annotations

from functools import wraps
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from companies import bulk, forms, help, selectors, services
from companies.affiliations import employee_affiliate
from companies.permissions import (
    WriteRefused,
    access_company,
    access_contract,
    access_employee,
    require_contract_writable,
    require_space_writable,
    require_writable,
)
from content import selectors as content_selectors
from content.views import library_response
from contracts import pdf
from contracts.choices import ContractKind
from contracts.models import ContractOption
from core.exports import csv_response
from demarches import kinds
from demarches import services as demarches_services
from demarches.forms import SubmissionForm, add_service_errors
from documents.downloads import protect
from members.forms import add_errors

SPACE = (ProfileKind.COMPANY, ProfileKind.AGENT)
PAGE_SIZE = 25
BULK_SESSION_KEY = "companies:bulk"
EXPORT_COLUMNS = (
    "surname",
    "first_name",
    "membership_number",
    "employee_number",
    "contract",
    "company",
    "country_of_expatriation",
    "covered_from",
    "covered_to",
)


def _refuses_writes(view):
    """A change refused on a record the actor may still read (``WriteRefused``) answers the refusal page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except WriteRefused as error:
            return render(request, "companies/refused.html", {"message": error.message}, status=403)

    return wrapped


def _context(request: HttpRequest, **extra) -> dict:
    return {"state": selectors.space_state(actor=request.profile), "is_agent": request.profile.kind == "agent", **extra}


# --- Home, company information (E1), clients (E7) ----------------------------------------------------------


@profile_required(*SPACE)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    contracts = selectors.space_contracts(actor=request.profile)
    context = _context(
        request,
        companies=selectors.client_companies(actor=request.profile)[:50],
        contract_count=contracts.count(),
        employee_count=selectors.employee_list(actor=request.profile).count(),
    )
    return render(request, "companies/home.html", context)


@profile_required(ProfileKind.COMPANY)
@require_GET
def information(request: HttpRequest) -> HttpResponse:
    return render(request, "companies/information.html", _context(request, company=request.profile.company))


@profile_required(*SPACE)
@require_GET
def client_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    company = access_company(actor=request.profile, public_id=public_id)
    contracts = selectors.space_contracts(actor=request.profile).filter(holder_company=company)
    return render(request, "companies/information.html", _context(request, company=company, contracts=contracts))


def _request_page(request: HttpRequest, kind, *, initial: dict, back_url: str) -> HttpResponse:
    """A request kind's form filled with what the page knows; sent to the request engine, validated by staff."""
    data = request.POST if request.method == "POST" else None
    form = kind.form(data=data, initial=initial, profile=request.profile)
    engine = SubmissionForm(data, request.FILES if data is not None else None, kind=kind)
    if data is not None and form.is_valid() and engine.is_valid():
        try:
            created = demarches_services.request_submit(
                actor=request.profile,
                kind_code=kind.code,
                payload=request.POST,
                attachments=engine.cleaned_data["attachments"],
                idempotency_key=engine.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_errors(error, form, engine)
        else:
            messages.success(request, _("Your request %(reference)s is sent.") % {"reference": created.reference})
            return redirect("demarches:detail", public_id=created.public_id)
    context = _context(request, kind=kind, form=form, engine=engine, back_url=back_url)
    return render(request, "companies/request_form.html", context, status=400 if data is not None else 200)


@profile_required(ProfileKind.COMPANY)
@require_http_methods(["GET", "POST"])
def information_change(request: HttpRequest) -> HttpResponse:
    """The company information form, filled with what the insurer holds."""
    company = request.profile.company
    initial = {name: getattr(company, name) for name in services.COMPANY_FIELDS}
    initial["country"], initial["phone"] = company.country.code, company.phone.as_e164 if company.phone else ""
    kind = kinds.get("company_information_change")
    return _request_page(request, kind, initial=initial, back_url=reverse("companies:information"))


EMPLOYEE_KINDS = ("employee_information_change", "employee_reference_salary", "employee_expatriation_country")


@profile_required(*SPACE)
@require_http_methods(["GET", "POST"])
@_refuses_writes
def employee_request(request: HttpRequest, public_id: UUID, kind_code: str) -> HttpResponse:
    """A change about one employee, the form already naming them (and their contract)."""
    affiliation = access_employee(actor=request.profile, public_id=public_id)
    if kind_code not in EMPLOYEE_KINDS:
        raise Http404
    require_writable(actor=request.profile, affiliation=affiliation)
    initial = {"person": str(affiliation.person.public_id), "contract": str(affiliation.contract.public_id)}
    back_url = reverse("companies:employee_detail", args=[affiliation.public_id])
    return _request_page(request, kinds.get(kind_code), initial=initial, back_url=back_url)


CONTRACT_KINDS = ("coverage_change", "payment_terms_change")


@profile_required(*SPACE)
@require_http_methods(["GET", "POST"])
@_refuses_writes
def contract_request(request: HttpRequest, public_id: UUID, kind_code: str) -> HttpResponse:
    """A change of guarantee or of payment terms, the form already naming the contract."""
    contract = access_contract(actor=request.profile, public_id=public_id)
    if kind_code not in CONTRACT_KINDS:
        raise Http404
    require_contract_writable(actor=request.profile, contract=contract)
    back_url = reverse("companies:contract_detail", args=[contract.public_id])
    return _request_page(
        request, kinds.get(kind_code), initial={"contract": str(contract.public_id)}, back_url=back_url
    )


# --- Contracts (E2) ---------------------------------------------------------------------------------------


def _options() -> Prefetch:
    return Prefetch("options", queryset=ContractOption.objects.order_by("effective_date", "code"))


@profile_required(*SPACE)
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = selectors.space_contracts(actor=request.profile).prefetch_related(_options())
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "companies/contract_list.html", _context(request, page=page))


@profile_required(*SPACE)
@require_GET
def contract_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contract = access_contract(actor=request.profile, public_id=public_id)
    context = _context(
        request,
        contract=contract,
        options=contract.options.order_by("effective_date", "code"),
        rows=pdf.guarantee_rows(contract.product),
        employee_count=selectors.employee_list(
            actor=request.profile, filters=selectors.EmployeeFilters(contract=str(contract.public_id))
        ).count(),
        writable=selectors.contract_is_writable(actor=request.profile, contract=contract),
    )
    return render(request, "companies/contract_detail.html", context)


# --- Employees (E3) ---------------------------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> forms.EmployeeFilterForm:
    contracts = selectors.space_contracts(actor=request.profile)
    return forms.EmployeeFilterForm(request.GET or None, contracts=contracts)


@profile_required(*SPACE)
@require_GET
def employee_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    rows = selectors.employee_list(actor=request.profile, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(request, form=form, page=page, people=selectors.people_count(rows))
    return render(request, "companies/employee_list.html", context)


def _export_row(affiliation) -> list[str]:
    person, contract = affiliation.person, affiliation.contract
    return [
        person.last_name,
        person.first_name,
        person.membership_number or "",
        affiliation.employee_number,
        contract.number,
        contract.holder_company.name if contract.holder_company else person.full_name,
        affiliation.country_of_expatriation.code or "",
        affiliation.start_date.isoformat(),
        affiliation.end_date.isoformat() if affiliation.end_date else "",
    ]


@profile_required(*SPACE)
@require_GET
def employee_export(request: HttpRequest) -> StreamingHttpResponse:
    """The list with the same filters, as CSV streamed row by row; the export is recorded as evidence."""
    form = _filter_form(request)
    filters = form.filters()
    rows = selectors.employee_list(actor=request.profile, filters=filters)
    services.employees_exported(actor=request.profile, count=rows.count(), filters=filters.__dict__)
    filename = f"employees-{timezone.localdate().isoformat()}.csv"
    lines = (_export_row(row) for row in rows.iterator(chunk_size=500))
    return csv_response(EXPORT_COLUMNS, lines, filename, delimiter=";")


@profile_required(*SPACE)
@require_GET
def employee_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    affiliation = access_employee(actor=request.profile, public_id=public_id)
    context = _context(
        request,
        affiliation=affiliation,
        person=affiliation.person,
        covers=selectors.employee_covers(actor=request.profile, affiliation=affiliation),
        dependants=selectors.employee_dependants(affiliation=affiliation),
        salary=selectors.reference_salary_current(affiliation=affiliation),
        writable=selectors.is_writable(actor=request.profile, affiliation=affiliation),
    )
    return render(request, "companies/employee_detail.html", context)


@profile_required(*SPACE)
@require_GET
def employee_certificate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    affiliation = access_employee(actor=request.profile, public_id=public_id)
    language = request.user.language
    content = pdf.certificate_pdf(affiliation=affiliation, language=language)
    name = pdf.document_filename(pdf.CERTIFICATE_NAME, affiliation.contract.number, language)
    return pdf.attachment_response(content, name)


@profile_required(*SPACE)
@require_http_methods(["GET", "POST"])
@_refuses_writes
def employee_end(request: HttpRequest, public_id: UUID) -> HttpResponse:
    affiliation = access_employee(actor=request.profile, public_id=public_id)
    require_writable(actor=request.profile, affiliation=affiliation)
    form = forms.EndAffiliationForm(request.POST or None, affiliation=affiliation)
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_leave(actor=request.profile, affiliation=affiliation, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The affiliation ends on %(date)s.") % {"date": form.cleaned_data["end_date"]})
            return redirect("companies:employee_detail", public_id=affiliation.public_id)
    status = 400 if form.is_bound else 200
    return render(
        request, "companies/employee_end.html", _context(request, affiliation=affiliation, form=form), status=status
    )


@profile_required(*SPACE)
@require_http_methods(["GET", "POST"])
@_refuses_writes
def employee_affiliate_page(request: HttpRequest) -> HttpResponse:
    require_space_writable(actor=request.profile)
    form = forms.AffiliateForm(request.POST or None, profile=request.profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            affiliation, created = employee_affiliate(
                actor=request.user,
                contract=data["contract"],
                employee=form.employee(),
                start_date=data["start_date"],
                employee_number=data["employee_number"],
                country_of_expatriation=data["country_of_expatriation"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            text = _("%(name)s is affiliated.") if created else _("%(name)s was already affiliated from this date.")
            messages.success(request, text % {"name": affiliation.person.full_name})
            return redirect("companies:employee_detail", public_id=affiliation.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "companies/employee_affiliate.html", _context(request, form=form), status=status)


# --- Bulk affiliation (E3, beyond) -----------------------------------------------------------------------


def _bulk_contracts(request: HttpRequest) -> dict:
    contracts = selectors.writable_contracts(actor=request.profile).filter(kind=ContractKind.COLLECTIVE)
    return {contract.number: contract for contract in contracts.select_related("product", "zone")}


@profile_required(*SPACE)
@require_http_methods(["GET", "POST"])
@_refuses_writes
def employee_import(request: HttpRequest) -> HttpResponse:
    """Upload → a line-by-line report → confirm: every line affiliated in one transaction, or none."""
    require_space_writable(actor=request.profile)
    upload, report, confirm = forms.BulkUploadForm(), None, None
    if request.method == "POST" and "digest" in request.POST:
        return _bulk_confirm(request)
    if request.method == "POST":
        upload = forms.BulkUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            content = upload.cleaned_data["file"].read(bulk.MAX_BYTES + 1)
            report = bulk.check(actor=request.user, content=content, contracts=_bulk_contracts(request))
            if report.ok:
                request.session[BULK_SESSION_KEY] = {
                    "digest": report.digest,
                    "content": content.decode("utf-8", "replace"),
                }
                confirm = forms.BulkConfirmForm(initial={"digest": report.digest})
    context = _context(request, upload=upload, report=report, confirm=confirm)
    status = 400 if report is not None and not report.ok or upload.errors else 200
    return render(request, "companies/employee_import.html", context, status=status)


def _bulk_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(BULK_SESSION_KEY) or {}
    form = forms.BulkConfirmForm(request.POST)
    if not form.is_valid() or pending.get("digest") != form.cleaned_data["digest"]:
        messages.info(request, _("This file was already imported, or its check has expired: send it again."))
        return redirect("companies:employee_import")
    content = pending["content"].encode("utf-8")
    report = bulk.check(actor=request.user, content=content, contracts=_bulk_contracts(request))
    if not report.ok:
        context = _context(request, upload=forms.BulkUploadForm(), report=report, confirm=None)
        return render(request, "companies/employee_import.html", context, status=400)
    result = services.employees_import(actor=request.profile, lines=report.lines)
    del request.session[BULK_SESSION_KEY]
    messages.success(
        request,
        _("%(created)d employees affiliated; %(already)d were already affiliated.")
        % {"created": result.created, "already": result.already},
    )
    return redirect("companies:employee_list")


@profile_required(*SPACE)
@require_GET
def employee_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("\ufeff" + bulk.template_csv(), content_type="text/csv; charset=utf-8")
    protect(response, filename="affiliations-model.csv")
    return response


# --- Downloads and help (E6) ------------------------------------------------------------------------------


@profile_required(*SPACE)
@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    context = _context(
        request,
        library=content_selectors.library_list(actor=request.profile),
        zones=content_selectors.help_zones(actor=request.profile),
        insurer=settings.INSURER,
        sales=help.sales_contacts(),
        travel_url=help.TRAVEL_ADVICE_URL,
        faq=content_selectors.faq_search()[: help.FAQ_ON_PAGE],
    )
    return render(request, "companies/downloads.html", context)


@profile_required(*SPACE)
@require_GET
def library_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    document = content_selectors.library_get(actor=request.profile, public_id=public_id)
    if document is None:
        raise Http404
    return library_response(document)
