"""One access function per object a URL names: missing and forbidden give the same 404 (DESIGN, SECURITY V8)."""

from __future__ import annotations

from django.http import Http404

from accounts.choices import ProfileKind
from claims import selectors
from claims.models import CareDocument, CareItem, Claim, ClaimsSuspension


def access_claim(*, actor, public_id, details: bool = True) -> Claim:
    claim = selectors.claim_get(actor=actor, public_id=public_id, details=details)
    if claim is None:
        raise Http404
    return claim


def access_awaiting_item(*, actor, public_id, item_id) -> CareItem:
    """A care item waiting for a document (``CareItem.awaits_document``) of a claim the acting member sent as
    subscriber; anything else — another member's, the beneficiary's own login, staff, an item not waiting — is 404."""
    claim = selectors.claim_get(actor=actor, public_id=public_id)
    if claim is None or actor.kind != ProfileKind.MEMBER or claim.member_id != actor.person_id:
        raise Http404
    item = next((item for item in claim.items.all() if item.public_id == item_id), None)
    if item is None or not item.awaits_document:
        raise Http404
    return item


def access_document(*, actor, public_id) -> CareDocument:
    document = selectors.document_get(actor=actor, public_id=public_id)
    if document is None:
        raise Http404
    return document


def access_suspension(*, actor, public_id) -> ClaimsSuspension:
    if not selectors.is_claims_staff(actor):
        raise Http404
    suspension = ClaimsSuspension.objects.filter(public_id=public_id).select_related("person").first()
    if suspension is None:
        raise Http404
    return suspension


def access_draft(*, actor, item_key: str | None = None, document_id=None):
    """The acting member's draft, or 404: a draft is never reachable by another profile. With ``item_key`` or
    ``document_id``, that item or document must be in it (someone else's answers like a missing one)."""
    draft = selectors.draft_get(profile=actor)
    if draft is None:
        raise Http404
    if item_key is not None and not any(raw.get("key") == item_key for raw in draft.data.get("items", [])):
        raise Http404
    if document_id is not None and not draft.documents.filter(public_id=document_id).exists():
        raise Http404
    return draft
