"""What the claims hold about a person, for the privacy app (SPEC G2, G3): claims made or received, care items, the
documents' names. Erasing deletes the supporting documents, the practitioners' names and the comments, and keeps
references and amounts: accounting records."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from claims.choices import ClaimStatus
from claims.models import CareDocument, CareItem, Claim, ClaimDraft
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register


def _claims(person):
    return Claim.objects.filter(Q(member=person) | Q(beneficiary=person))


def export(subject: Subject) -> list | None:
    if subject.person is None:
        return None
    items = CareItem.objects.select_related("category").prefetch_related("documents")
    claims = (
        _claims(subject.person)
        .select_related("beneficiary", "contract")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("submitted_at")
    )
    return [
        {
            "reference": claim.reference,
            "status": claim.status,
            "submitted_at": claim.submitted_at,
            "contract_number": claim.contract.number,
            "beneficiary": claim.beneficiary.full_name,
            "total_claimed_eur": claim.total_claimed,
            "total_reimbursed_eur": claim.total_reimbursed,
            "paid_at": claim.paid_at,
            "care_items": [
                {
                    "care_date": item.care_date,
                    "category": item.category.code,
                    "practitioner": item.practitioner,
                    "country": item.country.code,
                    "amount": item.amount,
                    "currency": item.currency,
                    "amount_eur": item.amount_eur,
                    "compulsory_scheme_paid_eur": item.compulsory_paid,
                    "reimbursed_eur": item.reimbursed_amount,
                    "decision": item.decision,
                    "refusal_reason": item.refusal_reason,
                    "documents": [document.original_name for document in item.documents.all()],
                }
                for item in claim.items.all()
            ],
        }
        for claim in claims
    ]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.user is not None:
        drafts = ClaimDraft.objects.filter(profile__user=subject.user)
        outcome.files_to_delete += list(
            CareDocument.objects.filter(draft__in=drafts).values_list("stored_name", flat=True)
        )
        outcome.add("claim_drafts", drafts.delete()[1].get("claims.ClaimDraft", 0))
    if subject.person is None or not _claims(subject.person).exists():
        return outcome
    if not full:
        outcome.kept.append(Kept("claims_in_force"))
        return outcome
    items = CareItem.objects.filter(claim__in=_claims(subject.person))
    documents = CareDocument.objects.filter(item__in=items)
    outcome.files_to_delete += list(documents.values_list("stored_name", flat=True))
    outcome.add("claim_documents", documents.delete()[0])
    # An encrypted column can only be compared with the empty string, which is stored as it is.
    outcome.add("care_items_cleared", items.exclude(practitioner="").update(practitioner="", staff_comment=""))
    _claims(subject.person).exclude(decision_note="").update(decision_note="")
    outcome.kept.append(Kept("claims_accounting"))
    return outcome


def open_matters(person) -> list[str]:
    return list(_claims(person).filter(status=ClaimStatus.IN_PROGRESS).values_list("reference", flat=True))


def audit_targets(subject: Subject) -> list[tuple[str, str]]:
    if subject.person is None:
        return []
    return [("claims.claim", str(pk)) for pk in _claims(subject.person).values_list("public_id", flat=True)]


register(
    PrivacyHook(
        name="claims", export=export, erase=erase, open_matters=open_matters, audit_targets=audit_targets, order=30
    )
)
