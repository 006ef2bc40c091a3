"""The compulsory-scheme flow's rejected lines in the access matrix (SECURITY.md, object-level access): claims staff
and administrators mark them handled in the back office; no other profile or role reaches them."""

from __future__ import annotations

import uuid

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
