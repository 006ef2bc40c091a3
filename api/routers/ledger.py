"""The benefits ledger (issue 13): the member's reimbursement feed (online claims and the compulsory scheme's
automatic flow) with the ceilings, and the import of the scheme's statements by claims staff.

A member sees their own lines and their dependants'; a claims staff member imports a flow file from their session.
Every other profile sees an empty feed and gets 403 on the import.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from accounts.choices import ProfileKind
from accounts.selectors import request_profile
from api.errors import ApiError, ErrorCode
from api.schemas import CALL_ERRORS, paged
from claims.selectors import is_claims_staff
from ledger import selectors, services
from ledger.models import BenefitLine

router = Router(tags=["reimbursements"])


class LineOut(Schema):
    id: UUID = Field(alias="public_id")
    beneficiary: str
    care_date: date
    category: str
    category_name: str = Field(description="In the caller's language.")
    channel: str = Field(description="online, tp_invoice, scheme_flow, correction.")
    reference: str
    spent: Decimal = Field(alias="expense", description="EUR.")
    base: Decimal = Field(alias="base_amount", description="EUR, the compulsory scheme's base (BR).")
    compulsory_paid: Decimal = Field(description="EUR paid by the compulsory scheme or the CFE.")
    we_paid: Decimal = Field(alias="paid_amount", description="EUR paid by us.")
    left_to_pay: Decimal = Field(description="EUR left to the member.")
    already_paid_elsewhere: bool = Field(alias="is_duplicate")
    payment: str = Field(
        alias="payment_state",
        description="with_source (paid with its claim or invoice), queued (an automatic reimbursement waiting for "
        "the next transfer), paid, nothing.",
    )
    paid_at: datetime | None = Field(description="When the transfer of an automatic reimbursement was made.")

    @staticmethod
    def resolve_beneficiary(obj: BenefitLine) -> str:
        return obj.beneficiary.full_name

    @staticmethod
    def resolve_category(obj: BenefitLine) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: BenefitLine) -> str:
        return obj.category.name


class LedgerCeilingOut(Schema):
    beneficiary: str
    category: str
    ceiling: Decimal
    years: int
    used: Decimal
    left: Decimal
    renews_on: date

    @staticmethod
    def resolve_beneficiary(obj) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code


class FlowImportOut(Schema):
    id: UUID = Field(alias="public_id")
    lines: int = Field(alias="line_count")
    paid: int = Field(alias="paid_count")
    rejected: int = Field(alias="rejected_count")
    already_imported: int = Field(alias="skipped_count")
    total_paid: Decimal


def _people(request: HttpRequest) -> list:
    profile = request.auth.profile
    if not profile or profile.kind != ProfileKind.MEMBER or not profile.person_id:
        return []
    return selectors.feed_people(profile.person)


@router.get("/reimbursements", response={200: list[LineOut], **CALL_ERRORS})
@paged()
def reimbursements(request: HttpRequest):
    """Every reimbursement of the caller and their family, online and automatic, newest care first."""
    return selectors.feed(person_ids=[person.pk for person in _people(request)])


@router.get("/reimbursements/ceilings", response={200: list[LedgerCeilingOut], **CALL_ERRORS})
def ceilings(request: HttpRequest):
    """The yearly (or N-yearly) ceilings of the caller's family today, with what every channel used."""
    return selectors.ceiling_counters(_people(request), timezone.localdate())


@router.post("/scheme-flows", response={201: FlowImportOut, **CALL_ERRORS})
def scheme_flow_import(request: HttpRequest, file: UploadedFile = File(...)):  # noqa: B008 - ninja's idiom
    """Import a file of the compulsory scheme's statements (CSV or JSON, see the README): claims staff only, from
    their back-office session (staff hold no API token; the session passed their two-factor login). Idempotent:
    lines already imported are counted in ``already_imported`` and change nothing."""
    staff = request_profile(request) if request.auth.token is None else None
    if not is_claims_staff(staff):
        raise ApiError(403, ErrorCode.FORBIDDEN)
    result = services.flow_import(actor=request.auth.user, content=file.read(), file_name=file.name or "flow")
    return Status(201, result)
