"""The health-professional space (SPEC H1, H2) for practice-management software: third-party-payment invoices and
payments (read-only), and the member rights check.

Scoped like the web pages (``professionals.selectors``): a professional sees its own invoices and payments; every
other profile sees none, and another professional's answers 404 like a missing one. The rights check answers
``covered: false`` alike for a wrong number, a wrong identity and closed rights; it is recorded and rate-limited
with the web page's counters (429 ``throttled``).
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from api.errors import ApiError, ErrorCode
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, InputSchema, paged
from core.middleware import client_ip
from professionals import selectors, services
from professionals.choices import InvoiceStatus
from professionals.forms import RightsCheckForm
from professionals.models import Invoice
from professionals.permissions import access_invoice, access_payment

router = Router(tags=["professionals"])


class PaymentRefOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    paid_on: date


class InvoiceOut(Schema):
    id: UUID = Field(alias="public_id")
    number: str
    service_date: date = Field(alias="care_date", description="The date the care was given.")
    domain: str = Field(description="The card's domain: PHAR, MED, LABO, RADL, AUXM, HOSP, OPTI, DENT, AUDI, TRSP.")
    card_number: str
    beneficiary: str
    total_amount: Decimal = Field(description="EUR invoiced in all.")
    compulsory_amount: Decimal = Field(description="EUR paid by the compulsory scheme.")
    claimed_amount: Decimal = Field(description="EUR claimed from us.")
    accepted_amount: Decimal | None = Field(description="EUR we accepted; null until decided.")
    status: str = Field(description="received, accepted, partially_accepted, rejected, paid.")
    status_label: str
    rejection_reason: str = Field(description="Why it was rejected or partly accepted; empty otherwise.")
    rejection_reason_label: str
    decision_note: str
    received_at: datetime
    decided_at: datetime | None
    payment: PaymentRefOut | None

    @staticmethod
    def resolve_beneficiary(obj: Invoice) -> str:
        return obj.beneficiary.full_name

    @staticmethod
    def resolve_status_label(obj: Invoice) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_rejection_reason_label(obj: Invoice) -> str:
        return obj.get_rejection_reason_display() if obj.rejection_reason else ""


class ProfessionalPaymentOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    paid_on: date
    amount: Decimal = Field(description="EUR transferred.")
    invoice_count: int


class PaymentDetailOut(ProfessionalPaymentOut):
    invoices: list[InvoiceOut]


class InvoiceFilterIn(Schema):
    status: InvoiceStatus | None = None
    service_from: date | None = Field(None, description="Invoices for care given on or after this date.")
    service_to: date | None = Field(None, description="Invoices for care given on or before this date.")


@router.get("/professional/invoices", response={200: list[InvoiceOut], **CALL_ERRORS})
@paged()
def professional_invoices(request: HttpRequest, filters: Query[InvoiceFilterIn]):
    """The third-party-payment invoices the caller sent, last received first; filter by status and care dates."""
    wanted = selectors.InvoiceFilters(
        status=filters.status.value if filters.status else "",
        care_from=filters.service_from,
        care_to=filters.service_to,
    )
    return selectors.invoice_list(actor=request.auth.profile, filters=wanted)


@router.get("/professional/invoices/{uuid:public_id}", response={200: InvoiceOut, **OBJECT_ERRORS})
def professional_invoice(request: HttpRequest, public_id: UUID):
    """One invoice of the caller."""
    return access_invoice(actor=request.auth.profile, public_id=public_id)


@router.get("/professional/payments", response={200: list[ProfessionalPaymentOut], **CALL_ERRORS})
@paged()
def professional_payments(request: HttpRequest):
    """The payments made to the caller, last first."""
    return selectors.payment_list(actor=request.auth.profile)


@router.get("/professional/payments/{uuid:public_id}", response={200: PaymentDetailOut, **OBJECT_ERRORS})
def professional_payment(request: HttpRequest, public_id: UUID):
    """One payment and the invoices it settles."""
    payment = access_payment(actor=request.auth.profile, public_id=public_id)
    invoices = list(selectors.payment_invoices(payment).select_related("payment"))
    fields = ("public_id", "reference", "paid_on", "amount", "invoice_count")
    return {**{name: getattr(payment, name) for name in fields}, "invoices": invoices}


# --- Rights check -------------------------------------------------------------------------------------


class RightsCheckIn(InputSchema):
    card_number: str = Field(max_length=25, description="The member number printed on the card.")
    last_name: str = Field(min_length=1, max_length=80)
    first_name: str = Field(min_length=1, max_length=80)
    birth_date: date
    service_date: date | None = Field(None, description="The date of the care to check; default: today.")

    @field_validator("card_number", "last_name", "first_name")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("This field cannot be blank.")
        return value


class RightsCoveredPersonOut(Schema):
    name: str
    birth_date: date
    role: str
    valid_from: date
    valid_to: date


class DomainOut(Schema):
    code: str
    coverage: str


class RightsGuaranteeOut(Schema):
    category: str
    domain: str
    cover: str
    ceilings: list[str]


class RightsOut(Schema):
    covered: bool
    service_date: date
    member_number: str | None = None
    contract_number: str | None = None
    product_name: str | None = None
    organisation_number: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    people: list[RightsCoveredPersonOut] = []
    domains: list[DomainOut] = []
    guarantees: list[RightsGuaranteeOut] = []


def _checked_query(payload: RightsCheckIn) -> services.RightsQuery:
    """The web form's rules (number format, real birth date, care-date window), errors as 422 with the field."""
    data = payload.dict()
    data["care_date"] = data.pop("service_date") or timezone.localdate()
    form = RightsCheckForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.as_data().items()))
        field = "service_date" if field == "care_date" else field
        raise ApiError(422, ErrorCode.INVALID, field=field, message=errors[0].messages[0])
    return services.RightsQuery(**form.cleaned_data)


def _rights_out(query: services.RightsQuery, answer: selectors.RightsAnswer | None) -> RightsOut:
    if answer is None:
        return RightsOut(covered=False, service_date=query.care_date)
    card = answer.card
    return RightsOut(
        covered=True,
        service_date=answer.care_date,
        member_number=card.member_number,
        contract_number=card.contract_number,
        product_name=card.product_name,
        organisation_number=card.organisation_number,
        valid_from=card.valid_from,
        valid_to=card.valid_to,
        people=[RightsCoveredPersonOut(**person.__dict__) for person in answer.covered],
        domains=[DomainOut(code=domain.code, coverage=str(domain.coverage)) for domain in answer.domains],
        guarantees=[
            RightsGuaranteeOut(
                category=row.category, domain=row.line.category.tp_domain, cover=row.cover, ceilings=row.ceilings
            )
            for row in answer.guarantees
        ],
    )


@router.post("/professional/rights-check", response={200: RightsOut, **CALL_ERRORS})
def professional_rights_check(request: HttpRequest, payload: RightsCheckIn):
    """Check a member's rights from the card's member number and the patient's identity (SPEC H2)."""
    profile = request.auth.profile
    if selectors.professional_of(profile) is None:
        raise ApiError(403, ErrorCode.FORBIDDEN)
    query = _checked_query(payload)
    try:
        answer = services.rights_check(actor=profile, ip=client_ip(request), query=query)
    except services.RightsThrottled as error:
        raise ApiError(429, ErrorCode.THROTTLED) from error
    except services.NoAgreement as error:
        raise ApiError(403, ErrorCode.FORBIDDEN) from error
    return _rights_out(query, answer)
