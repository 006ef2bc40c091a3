"""State changes of claims: each public function is keyword-only with the acting login, atomic, audited."""

from claims.services.decisions import (
    care_item_assess,
    claim_assess,
    claim_decide,
    claim_mark_paid,
    claim_reject,
    claim_request_originals,
    compute,
)
from claims.services.drafts import (
    draft_add_documents,
    draft_add_item,
    draft_discard,
    draft_remove_document,
    draft_remove_item,
    draft_start,
    draft_submit,
)
from claims.services.item_documents import claim_item_documents_add
from claims.services.submission import (
    ClaimRefused,
    NewDocument,
    Submitted,
    claim_precheck,
    claim_submit,
    terms_current,
)
from claims.services.suspensions import claims_restore, claims_suspend

__all__ = [
    "ClaimRefused",
    "NewDocument",
    "Submitted",
    "care_item_assess",
    "claim_assess",
    "claim_decide",
    "claim_item_documents_add",
    "claim_mark_paid",
    "claim_reject",
    "claim_request_originals",
    "claim_precheck",
    "claim_submit",
    "claims_restore",
    "claims_suspend",
    "compute",
    "draft_add_documents",
    "draft_add_item",
    "draft_discard",
    "draft_remove_document",
    "draft_remove_item",
    "draft_start",
    "draft_submit",
    "terms_current",
]
