"""The compulsory-scheme flow's rejected lines and the base tariffs in the access matrix (SECURITY.md, object-level
access): claims staff and administrators mark a rejected line handled and add a new version of an act's tariff in
the back office; no other profile or role reaches them."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from contracts.models import BaseTariff, CareCategory
from contracts.permissions import TARIFF_ROLES
from core.testing.objects import Target, register, roles
from ledger.models import FlowImport, FlowRejection, RejectionReason

CLAIMS_STAFF = roles("claims", "administrator")


def _rejection(profile) -> Target:
    flow = FlowImport.objects.create(file_name="noemie-matrix.csv", sha256=uuid.uuid4().hex * 2, line_count=1)
    rejection = FlowRejection.objects.create(
        flow_import=flow,
        statement_ref=f"MX-{uuid.uuid4().hex[:12]}",
        line_number=1,
        reason=RejectionReason.UNKNOWN_BENEFICIARY,
    )
    return Target({"public_id": rejection.public_id})


register(
    "ledger_backoffice:rejection_resolve",
    own=_rejection,
    other=_rejection,
    owners=CLAIMS_STAFF,
    allowed=CLAIMS_STAFF,
    sees_all=CLAIMS_STAFF,
    methods=("POST",),
    data={},
)


def _tariff(profile) -> Target:
    code = f"MX{uuid.uuid4().hex[:8].upper()}"
    category = CareCategory.objects.order_by("pk").first() or CareCategory.objects.create(
        code=f"MX_{code}", name_fr="Matrice", name_en="Matrix"
    )
    BaseTariff.objects.create(
        act_code=code,
        category=category,
        label_fr="Acte matrice",
        label_en="Matrix act",
        base=Decimal("30.00"),
        rate=Decimal("70"),
        valid_from=date(2024, 1, 1),
    )
    return Target({"act_code": code}, reveals=["Matrix act"])


TARIFF_STAFF = roles(*TARIFF_ROLES)
register(
    "ledger_backoffice:tariff_version",
    own=_tariff,
    other=_tariff,
    owners=TARIFF_STAFF,
    allowed=TARIFF_STAFF,
    sees_all=TARIFF_STAFF,
    methods=("GET", "POST"),
    data={"valid_from": "2026-01-01", "rate": "70", "flat_fee": "2.00", "base": "31.00"},
    missing={"act_code": "NO-SUCH-ACT"},
)
