"""The estimate before care (issue 14): what the compulsory scheme, we and the member would pay for an act.

The same computation as the member's page (``ledger.estimates``, the guarantee engine of the claims). A member
estimates for the people they may claim for; anyone else's beneficiary, or a made-up id, answers 404; every other
profile too. Nothing is stored and no audit event is written: it reads.
"""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from api.errors import ApiError, ErrorCode
from api.schemas import OBJECT_ERRORS
from contracts.choices import PractitionerSector
from ledger import estimates
from ledger.forms import MAX_FEE

router = Router(tags=["estimates"])


class EstimateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    beneficiary: UUID = Field(description="The id of a person the caller may claim for (see /api/claims/eligibility).")
    category: str = Field(min_length=1, max_length=32, description="A care category code (see the guarantees).")
    expense: Decimal = Field(gt=0, le=MAX_FEE, max_digits=9, decimal_places=2, description="The announced fee, EUR.")
    care_date: date
    base: Decimal | None = Field(
        None, ge=0, le=MAX_FEE, max_digits=9, decimal_places=2, description="The base if known, EUR."
    )
    act_code: str = Field("", max_length=16, description="An act code of the base tariffs (default: the category's).")
    sector: PractitionerSector | None = Field(
        None,
        description="The doctor's sector, required for the categories whose guarantee pays doctors not adhering to "
        "OPTAM less (their `rate_non_optam` in the contract's guarantees), ignored for the others: sector_1, optam "
        "(secteur 2 adhering to OPTAM or OPTAM-CO), non_optam (secteur 2 not adhering), unknown (counts the lower "
        "cover).",
    )


class EstimateOut(Schema):
    beneficiary: str
    category: str
    category_name: str = Field(description="In the caller's language.")
    care_date: date
    spent: Decimal = Field(description="EUR.")
    base: Decimal | None = Field(description="EUR, the compulsory scheme's base used (BR).")
    compulsory: Decimal = Field(description="EUR the compulsory scheme would pay.")
    flat_fee: Decimal = Field(description="EUR of flat fee the law leaves to the member, inside left_to_pay.")
    we_pay: Decimal = Field(description="EUR we would pay.")
    left_to_pay: Decimal = Field(description="EUR left to the member.")
    sector: str | None = Field(description="The doctor's sector the estimate used; null when it changes nothing.")
    sector_note: str = Field(description="What the sector changed, in the caller's language (empty without).")
    is_estimate: bool = Field(True, description="Always true: the real amounts follow the bill and statements.")
    assumptions: list[str] = Field(description="What the estimate assumed, in the caller's language.")


@router.post("/estimates", response={200: EstimateOut, **OBJECT_ERRORS})
def estimate(request: HttpRequest, payload: EstimateIn):
    """Estimate an act before care with the guarantee in force on its date and the ceilings already used."""
    beneficiary = estimates.beneficiary_get(actor=request.auth.profile, public_id=payload.beneficiary)
    if beneficiary is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, field="beneficiary")
    found = estimates.estimate(
        beneficiary=beneficiary,
        category_code=payload.category,
        expense=payload.expense,
        care_date=payload.care_date,
        base=payload.base,
        act_code=payload.act_code,
        sector=payload.sector.value if payload.sector else "",
    )
    split = found.split
    return {
        "beneficiary": str(beneficiary.affiliation.public_id),
        "category": found.category.code,
        "category_name": found.category.name,
        "care_date": found.care_date,
        "spent": split.expense,
        "base": split.base,
        "compulsory": split.compulsory,
        "flat_fee": split.flat_fee,
        "we_pay": split.insurer,
        "left_to_pay": split.left_to_pay,
        "sector": found.sector or None,
        "sector_note": estimates.sector_text(found),
        "assumptions": estimates.assumptions(found),
    }
