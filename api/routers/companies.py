"""The company and agent spaces over the API (SPEC E1, E3, E7, E8 over X5): company information, employees (an
agent's insured), their certificates, affiliation and end of affiliation.

Scoped by ``companies.selectors`` exactly as the web pages: anything outside the company's contracts or the
agent's mandates answers the 404 of a missing object. Contracts themselves are under ``/contracts``.
Changes on an ended contract or mandate (grace period, SPEC E8) answer 403 with the reason.
"""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accounts.choices import ProfileKind
from api.errors import ApiError, ErrorCode
from api.schemas import OBJECT_ERRORS, PDF_RESPONSE, InputSchema, paged
from companies import selectors, services
from companies.affiliations import employee_affiliate
from companies.forms import AffiliateForm, EndAffiliationForm
from companies.permissions import WriteRefused, access_employee, require_space_writable, require_writable
from contracts import pdf

router = Router(tags=["companies"])


class CompanyOut(Schema):
    id: UUID = Field(alias="public_id")
    membership_number: str
    name: str
    siret: str
    email: str
    phone: str
    address_lines: list[str]
    read_only: bool = Field(description="Every contract or mandate has ended: consultation only (SPEC E8).")

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone.as_e164 if obj.phone else ""


class EmployeeOut(Schema):
    """An employee's cover (an ``Affiliation`` from ``companies.selectors``, its person and contract joined)."""

    id: UUID = Field(alias="public_id", description="The employee's cover (affiliation) under one contract.")
    person_id: UUID = Field(alias="person.public_id")
    membership_number: str | None = Field(alias="person.membership_number")
    last_name: str = Field(alias="person.last_name")
    first_name: str = Field(alias="person.first_name")
    birth_date: date = Field(alias="person.birth_date")
    employee_number: str
    contract_id: UUID = Field(alias="contract.public_id")
    contract_number: str = Field(alias="contract.number")
    company: str | None
    country_of_expatriation: str
    start_date: date
    end_date: date | None
    writable: bool = Field(False, description="Changes are open: the cover and the contract run, mandate in force.")

    @staticmethod
    def resolve_company(obj) -> str | None:
        return obj.contract.holder_company.name if obj.contract.holder_company else None

    @staticmethod
    def resolve_country_of_expatriation(obj) -> str:
        return obj.country_of_expatriation.code or ""

    @staticmethod
    def resolve_writable(obj) -> bool:
        return getattr(obj, "writable", False)


class EmployeeFilters(Schema):
    q: str = Field("", max_length=80, description="Surname, first name, membership or employee number.")
    contract: UUID | None = Field(None, description="Only this contract.")
    status: str = Field("current", pattern="^(current|ended|all)$")
    sort: str = Field("name", pattern="^(name|first_name|contract|country|start)$")
    order: str = Field("asc", pattern="^(asc|desc)$")


class AffiliateIn(InputSchema):
    contract: UUID
    last_name: str
    first_name: str
    birth_date: date
    start_date: date
    civility: str = ""
    sex: str = ""
    nir: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    postal_code: str = ""
    city: str = ""
    employee_number: str = ""
    country_of_expatriation: str = ""


class EndIn(InputSchema):
    end_date: date
    reason: str = Field(description="resignation, dismissal, contractual, fixed_term_end, retirement, transfer, …")


def _space(request: HttpRequest):
    """The company or agent the caller acts for; any other profile gets the 404 every company endpoint documents."""
    profile = request.auth.profile
    if profile is None or profile.kind not in selectors.SPACE_KINDS:
        raise Http404
    return profile


def _employee(affiliation, *, writable: bool):
    affiliation.writable = writable
    return affiliation


def _valid(form) -> dict:
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _refused(error: WriteRefused) -> ApiError:
    return ApiError(403, ErrorCode.FORBIDDEN, message=error.message)


@router.get("/company", response={200: CompanyOut, **OBJECT_ERRORS})
def company_information(request: HttpRequest):
    """The company's information (SPEC E1); changes go through a request (kind ``company_information_change``)."""
    profile = _space(request)
    if profile.kind != ProfileKind.COMPANY:
        raise Http404
    company = profile.company
    company.read_only = selectors.space_state(actor=profile).read_only
    return company


@router.get("/company/clients", response={200: list[CompanyOut], **OBJECT_ERRORS})
@paged(page_size=25)
def company_clients(request: HttpRequest):
    """The companies holding a contract the caller sees: its own, or an agent's clients (SPEC E7)."""
    profile = _space(request)
    read_only = selectors.space_state(actor=profile).read_only
    companies = list(selectors.client_companies(actor=profile))
    for company in companies:
        company.read_only = read_only
    return companies


@router.get("/company/employees", response={200: list[EmployeeOut], **OBJECT_ERRORS})
@paged(page_size=25)
def employee_list(request: HttpRequest, filters: Query[EmployeeFilters]):
    """Employees (an agent: every insured holder), one row per contract, filtered and sorted as on the website."""
    profile = _space(request)
    wanted = selectors.EmployeeFilters(
        query=filters.q,
        contract=str(filters.contract or ""),
        status=filters.status,
        sort=filters.sort,
        descending=filters.order == "desc",
    )
    return selectors.employee_list(actor=profile, filters=wanted)


@router.get("/company/employees/{public_id}", response={200: EmployeeOut, **OBJECT_ERRORS})
def employee_detail(request: HttpRequest, public_id: UUID):
    profile = _space(request)
    affiliation = access_employee(actor=profile, public_id=public_id)
    return _employee(affiliation, writable=selectors.is_writable(actor=profile, affiliation=affiliation))


@router.get(
    "/company/employees/{public_id}/certificate.pdf",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=PDF_RESPONSE,
    url_name="company_employee_certificate",
)
def employee_certificate(request: HttpRequest, public_id: UUID):
    """The employee's insurance certificate under this cover, with the dependants covered today."""
    profile = _space(request)
    affiliation = access_employee(actor=profile, public_id=public_id)
    language = request.auth.user.language
    content = pdf.certificate_pdf(affiliation=affiliation, language=language)
    return pdf.attachment_response(
        content, pdf.document_filename(pdf.CERTIFICATE_NAME, affiliation.contract.number, language)
    )


@router.post("/company/employees", response={201: EmployeeOut, 200: EmployeeOut, **OBJECT_ERRORS})
def employee_affiliate_endpoint(request: HttpRequest, payload: AffiliateIn):
    """Affiliate an employee to a collective contract, recording them if new. The same employee from the same
    date again answers 200 with the first affiliation (idempotent)."""
    profile = _space(request)
    try:
        require_space_writable(actor=profile)
    except WriteRefused as error:
        raise _refused(error) from error
    form = AffiliateForm(data={k: "" if v is None else str(v) for k, v in payload.dict().items()}, profile=profile)
    data = _valid(form)
    affiliation, created = employee_affiliate(
        actor=request.auth.user,
        contract=data["contract"],
        employee=form.employee(),
        start_date=data["start_date"],
        employee_number=data["employee_number"],
        country_of_expatriation=data["country_of_expatriation"],
    )
    return Status(201 if created else 200, _employee(affiliation, writable=True))


@router.post("/company/employees/{public_id}/end", response={200: EmployeeOut, **OBJECT_ERRORS})
def employee_end(request: HttpRequest, public_id: UUID, payload: EndIn):
    """End the employee's cover under this contract (their dependants' too), with the reason of the departure."""
    profile = _space(request)
    affiliation = access_employee(actor=profile, public_id=public_id)
    try:
        require_writable(actor=profile, affiliation=affiliation)
    except WriteRefused as error:
        raise _refused(error) from error
    form = EndAffiliationForm(data={"end_date": payload.end_date, "reason": payload.reason}, affiliation=affiliation)
    affiliation = services.employee_leave(actor=profile, affiliation=affiliation, **_valid(form))
    return _employee(affiliation, writable=False)
