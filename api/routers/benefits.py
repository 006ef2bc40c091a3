"""Benefits paid, monthly statements and the third-party-payment card (SPEC M9, M10) for the mobile app.

Scoped like the web pages (``benefits.selectors``, over ``claims.selectors.claim_list``): a member sees what was paid
for the claims they sent and those where they are the beneficiary; every other profile sees none. A month without
anything of the caller's paid, and a caller covered by no health contract, answer 404 like a missing object.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from api.schemas import CALL_ERRORS, OBJECT_ERRORS, PDF_RESPONSE, paged
from benefits import pdf, selectors
from claims.models import CareItem

router = Router(tags=["benefits"])


class PaidItemOut(Schema):
    id: UUID = Field(alias="public_id")
    claim_id: UUID
    claim_reference: str
    beneficiary: str
    care_date: date
    category: str
    category_name: str = Field(description="In the caller's language.")
    spent: Decimal = Field(alias="amount_eur", description="EUR.")
    compulsory_paid: Decimal = Field(description="EUR paid by the compulsory scheme or the CFE.")
    reimbursed: Decimal = Field(description="EUR paid by us.")
    remaining: Decimal = Field(description="EUR left to the member.")
    paid_at: datetime
    account: str = Field(description="The account credited, masked (last four digits).")

    @staticmethod
    def resolve_claim_id(obj: CareItem) -> UUID:
        return obj.claim.public_id

    @staticmethod
    def resolve_claim_reference(obj: CareItem) -> str:
        return obj.claim.reference

    @staticmethod
    def resolve_beneficiary(obj: CareItem) -> str:
        return obj.claim.beneficiary.full_name

    @staticmethod
    def resolve_category(obj: CareItem) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: CareItem) -> str:
        return obj.category.name

    @staticmethod
    def resolve_reimbursed(obj: CareItem) -> Decimal:
        return obj.reimbursed_amount or Decimal("0.00")

    @staticmethod
    def resolve_remaining(obj: CareItem) -> Decimal:
        return obj.left_to_pay

    @staticmethod
    def resolve_paid_at(obj: CareItem) -> datetime:
        return obj.claim.paid_at

    @staticmethod
    def resolve_account(obj: CareItem) -> str:
        line = getattr(obj.claim, "payment_line", None)
        return f"•••• {line.iban_last4}" if line else ""


class CardBeneficiaryOut(Schema):
    name: str
    birth_date: date
    role: str

    @staticmethod
    def resolve_role(obj) -> str:
        return str(obj.role)  # a lazy label: worded in the request's language here


class CardDomainOut(Schema):
    code: str = Field(description="PHAR, MED, LABO, RADL, AUXM, HOSP, OPTI, DENT, AUDI, TRSP.")
    coverage: str = Field(description='"100 %" (of the base, scheme included), "Flat rate", "Actual cost".')

    @staticmethod
    def resolve_coverage(obj) -> str:
        return str(obj.coverage)


class CardOut(Schema):
    insurer_name: str
    organisation_number: str
    member_number: str
    holder_name: str
    contract_number: str
    product_name: str
    valid_from: date
    valid_to: date
    beneficiaries: list[CardBeneficiaryOut]
    domains: list[CardDomainOut]
    qr_payload: str = Field(description="What the card's QR code encodes.")


@router.get("/benefits", response={200: list[PaidItemOut], **CALL_ERRORS})
@paged()
def benefits(request: HttpRequest):
    """The care items paid to the caller (and their family), last paid first."""
    return selectors.paid_items(actor=request.auth.profile)


@router.get(
    "/benefits/statements/{int:year}-{int:month}.pdf", response={200: None, **OBJECT_ERRORS}, openapi_extra=PDF_RESPONSE
)
def benefit_statement(request: HttpRequest, year: int, month: int):
    """The benefit statement of a month (claims paid that month), in the caller's language."""
    profile = request.auth.profile
    found = selectors.statement_for(actor=profile, year=year, month=month)
    if found is None:
        raise Http404
    return pdf.statement_attachment(statement=found, person=profile.person, language=request.auth.user.language)


def _card(request: HttpRequest) -> selectors.Card:
    profile = request.auth.profile
    found = selectors.card_for(profile.person, pdf.today()) if profile and profile.person_id else None
    if found is None:
        raise Http404
    return found


@router.get("/card", response={200: CardOut, **OBJECT_ERRORS})
def card(request: HttpRequest):
    """The caller's third-party-payment card today: 404 when no health contract covers them."""
    return _card(request)


@router.get("/card.pdf", response={200: None, **OBJECT_ERRORS}, openapi_extra=PDF_RESPONSE)
def card_pdf(request: HttpRequest):
    """The card as PDF, in the caller's language."""
    return pdf.card_attachment(card=_card(request), language=request.auth.user.language)
