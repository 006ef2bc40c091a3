"""The document a submitted care item was refused for, added by the member from the claim's page (issue 14).

An item refused because a supporting document is missing or illegible (``choices.AWAITING_DOCUMENT``), on a claim
not paid yet, takes new documents through the draft's checks (size, type by content, virus scan, neutralisation,
readability), stored encrypted. The item goes back to *to be examined* and a decided claim back to *in progress*:
the back office's queue (in progress, oldest first) shows it again. What the first decision froze on the other
items stays (``claim_decide`` computes only the items without an amount; the ledger already holds the others).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from claims.choices import ClaimAction, ClaimStatus, ItemDecision, allowed
from claims.models import CareDocument, CareItem, Claim
from claims.selectors import DOCUMENT_ADDED
from claims.services.drafts import check_document_count, with_stored_files
from claims.services.submission import NewDocument, document_row
from claims.signals import documents_stored
from core.validation import validate_row

REOPENED = ["status", "decided_at", "decided_by", "rejection_reason", "updated_at"]
BACK_TO_REVIEW = ["decision", "refusal_reason", "reimbursed_amount", "explanation", "updated_at"]


def _check(item: CareItem, documents: int, files: int) -> None:
    if not item.awaits_document:
        raise ValidationError(_("This care item is not waiting for a document any more."), code="not_awaiting")
    if not files:
        check_document_count(0)
    check_document_count(documents + files)


def claim_item_documents_add(*, actor, item: CareItem, files) -> CareItem:
    """Add the missing document(s) to ``item`` (its claim's member acting) and put it back to review."""
    files = list(files)
    _check(item, len(item.documents.all()), len(files))
    done: list[CareItem] = []

    def write(checked, names) -> None:
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=item.claim_id)
        locked = CareItem.objects.get(pk=item.pk)
        locked.claim = claim
        _check(locked, locked.documents.count(), len(files))
        rows = [
            document_row(locked, NewDocument(checked=file, stored_name=name))
            for file, name in zip(checked, names, strict=True)
        ]
        seen = set(
            CareDocument.objects.filter(sha256__in=[row.sha256 for row in rows], item__isnull=False).values_list(
                "sha256", flat=True
            )
        )
        for row in rows:
            row.is_duplicate = row.sha256 in seen
            validate_row(row)
        CareDocument.objects.bulk_create(rows)
        documents_stored.send(sender=CareDocument, documents=rows)
        now = timezone.now()
        reason = locked.refusal_reason
        locked.decision, locked.refusal_reason = ItemDecision.PENDING, ""
        locked.reimbursed_amount, locked.explanation, locked.updated_at = None, {}, now
        locked.save(update_fields=BACK_TO_REVIEW)
        before = claim.status
        if claim.is_decided:
            if not allowed(claim.status, ClaimAction.REOPEN, ClaimStatus.IN_PROGRESS):
                raise ValidationError(_("This claim can no longer be changed this way."), code="transition")
            claim.status, claim.decided_at, claim.decided_by, claim.rejection_reason = (
                ClaimStatus.IN_PROGRESS,
                None,
                None,
                "",
            )
            claim.updated_at = now
            claim.save(update_fields=REOPENED)
        data = {
            "reference": claim.reference,
            "item": locked.position,
            "refusal_reason": reason,
            "documents": len(rows),
            "from": before,
            "to": claim.status,
        }
        record(actor=actor, action=DOCUMENT_ADDED, target=claim, data=data, profile="member")
        done.append(locked)

    with_stored_files(files, write)
    return done[0]
