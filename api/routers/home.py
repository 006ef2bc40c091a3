"""The member's home in one call (issue 11: a mobile home endpoint): what the home page of the website shows, from
the same selector (``members.selectors.home_summary``), so that the app and the site never disagree."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from api.schemas import OBJECT_ERRORS
from members import selectors

router = Router(tags=["member"])


class ReimbursementOut(Schema):
    claim_id: UUID | None = Field(description="The online claim; null for an act sent by the compulsory scheme.")
    reference: str = Field(description="The claim's reference, or the scheme's statement line.")
    channel: str = Field(description="online, tp_invoice, scheme_flow, correction (the benefits ledger's channel).")
    beneficiary: str
    care_date: date | None = Field(description="The first date of care of the accepted items.")
    decided_at: datetime | None
    paid_at: datetime | None = Field(description="Null while the transfer is on its way.")
    status: str = Field(
        description="A claim's status (validated or partially_validated); for another channel, its payment: "
        "queued, paid, nothing, with_source."
    )
    status_label: str = Field(description="In the caller's language: the claim's status, or the channel.")
    spent: Decimal = Field(description="EUR the member paid for the accepted care.")
    compulsory: Decimal = Field(description="EUR paid by the compulsory scheme (or the CFE).")
    reimbursed: Decimal = Field(description="EUR we paid.")
    left_to_pay: Decimal = Field(description="EUR left to the member: spent - compulsory - reimbursed.")


class ClaimInProgressOut(Schema):
    claim_id: UUID
    reference: str
    beneficiary: str
    submitted_at: datetime
    total_claimed: Decimal = Field(description="EUR.")
    next_step: str = Field(description="What happens next, in the caller's language.")


class AwaitedOut(Schema):
    kind: str = Field(
        description="contributions (overdue, to pay), contributions_debit (overdue, taken again by direct debit), "
        "originals, missing_document (an item refused for a missing or illegible document: add it on the claim's "
        "page), document (the same on a claim already paid: send it in a new claim) or request."
    )
    text: str = Field(description="What we wait for, in the caller's language.")
    url: str = Field(description="The website's page where the member does it.")


class ContributionsOut(Schema):
    overdue: Decimal = Field(description="EUR due before today and not paid.")
    overdue_count: int
    oldest_overdue: date | None
    upcoming: Decimal = Field(description="EUR called but not due yet: not counted as overdue.")
    upcoming_count: int
    next_due: date | None
    by_direct_debit: bool = Field(description="Every open call is taken by direct debit: nothing to pay by card.")
    overdue_by_direct_debit: bool = Field(description="Every overdue call is taken by direct debit again.")


class CeilingOut(Schema):
    beneficiary: str
    category: str = Field(description="In the caller's language.")
    ceiling: Decimal = Field(description="EUR per period.")
    left: Decimal = Field(description="EUR left in the current period after the last reimbursement.")
    period_years: int


class HomeOut(Schema):
    reimbursements: list[ReimbursementOut] = Field(
        description="The last reimbursements of every channel (the benefits ledger), last decided first."
    )
    claims_in_progress: list[ClaimInProgressOut]
    awaited: list[AwaitedOut] = Field(description="What we wait for from the member, most urgent first.")
    contributions: ContributionsOut
    ceilings: list[CeilingOut] = Field(description="Period ceilings with less than a quarter left.")


@router.get("/home", response={200: HomeOut, **OBJECT_ERRORS})
def home(request: HttpRequest):
    """What the member's home shows: last reimbursements (spent, compulsory scheme, we paid, left to pay), claims in
    progress with their next step, what we wait for, overdue and upcoming contributions, ceilings running out.
    A member profile only; any other gets 404."""
    profile = request.auth.profile
    if selectors.member_person(profile) is None:
        raise Http404
    return selectors.home_summary(profile)
