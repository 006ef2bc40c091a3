"""The claims in the access matrix (SECURITY.md, object-level access).

A member opens the claims they sent as subscriber and those where they are the beneficiary (the ``dependant``
actor: the holder's spouse with a login of their own); claims staff and administrators open every claim in the
back office; nobody else opens any. A draft's items and documents are reachable by their owner only.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.choices import ProfileKind
from claims.models import CareDocument, CareItem, Claim, ClaimDraft, ClaimsSuspension, ClaimsTermsVersion
from contracts.choices import AffiliationRole
from contracts.models import Affiliation, CareCategory
from contracts.tests import factories as cf
from core.testing.objects import Target, actors, kinds, register, roles
from people.tests.factories import person

MEMBERS = kinds(ProfileKind.MEMBER)
CLAIMS_STAFF = roles("claims", "administrator")
WEB_READERS = actors("member", "dependant", "other_member") | CLAIMS_STAFF
HOLDERS = actors("member", "other_member")


def _category() -> CareCategory:
    return CareCategory.objects.get_or_create(
        code="MATRIX_GP", defaults={"name_fr": "Généraliste", "name_en": "GP", "claimable_online": True}
    )[0]


def _claim(member, beneficiary, contract, user=None) -> tuple[Claim, CareDocument]:
    """A submitted claim with one item and one stored document, written directly (no guarantee table needed)."""
    from accounts.tests import factories as f

    user = user or f.user()
    now = timezone.now()
    reference = f"CLM-MX-{uuid.uuid4().hex[:10].upper()}"
    claim = Claim.objects.create(
        reference=reference,
        submitted_by=user,
        member=member,
        beneficiary=beneficiary,
        contract=contract,
        submitted_at=now,
        terms=ClaimsTermsVersion.objects.order_by("-published_at").first(),
        terms_accepted_at=now,
        idempotency_key=uuid.uuid4().hex,
        fingerprint="0" * 64,
        total_claimed=Decimal("42.00"),
    )
    item = CareItem.objects.create(
        claim=claim,
        position=1,
        care_date=timezone.localdate() - timedelta(days=3),
        category=_category(),
        practitioner="Dr Matrix",
        country="FR",
        amount=Decimal("42.00"),
        currency="EUR",
        exchange_rate=1,
        rate_date=timezone.localdate(),
        amount_eur=Decimal("42.00"),
        base_amount=Decimal("42.00"),
    )
    name = default_storage.save(f"claims/matrix/{uuid.uuid4().hex}", ContentFile(b"%PDF-1.4 matrix"))
    document = CareDocument.objects.create(
        item=item,
        stored_name=name,
        original_name=f"receipt-{uuid.uuid4().hex[:8]}.pdf",
        detected_type="pdf",
        content_type="application/pdf",
        size=15,
        original_size=15,
        sha256="1" * 64,
    )
    return claim, document


def _family_claim() -> tuple[Claim, CareDocument]:
    holder = person()
    contract = cf.individual_contract(holder)
    return _claim(holder, holder, contract)


def _own_claim(profile) -> tuple[Claim, CareDocument]:
    """For a member: a claim they sent, or (a dependant) one sent for them; for staff: anyone's claim."""
    if profile is None or profile.kind != ProfileKind.MEMBER:
        return _family_claim()
    affiliation = Affiliation.objects.filter(person=profile.person).select_related("principal", "contract").first()
    if affiliation.role == AffiliationRole.SUBSCRIBER:
        return _claim(profile.person, profile.person, affiliation.contract, profile.user)
    return _claim(affiliation.principal.person, profile.person, affiliation.contract)


def _target(claim: Claim, document: CareDocument, *, document_key: bool = False) -> Target:
    public_id = document.public_id if document_key else claim.public_id
    return Target({"public_id": public_id}, reveals=[claim.reference, document.original_name])


def claim_own(profile):
    claim, document = _own_claim(profile)
    return _target(claim, document)


def claim_other(profile):
    claim, document = _family_claim()
    return _target(claim, document)


def document_own(profile):
    claim, document = _own_claim(profile)
    return _target(claim, document, document_key=True)


def document_other(profile):
    claim, document = _family_claim()
    return _target(claim, document, document_key=True)


register(
    "claims:detail",
    own=claim_own,
    other=claim_other,
    owners=WEB_READERS,
    allowed=actors("member", "dependant", "other_member"),
)
register(
    "claims:document",
    own=document_own,
    other=document_other,
    owners=WEB_READERS,
    allowed=actors("member", "dependant", "other_member"),
)
register("/api/claims/{public_id}", own=claim_own, other=claim_other, owners=MEMBERS, allowed=MEMBERS)

BACKOFFICE_POSTS = {
    "assess": {"item1-base_amount": "42.00", "item1-compulsory_paid": "0", "item1-decision": "accepted"},
    "decide": {"note": ""},
    "reject": {"reason": "other", "note": ""},
    "originals": {"note": "Send the original invoice."},
    "suspend": {"reason": "fraud", "explanation": "Edited receipts."},
}
register(
    "claims_backoffice:review",
    own=claim_own,
    other=claim_other,
    owners=WEB_READERS,
    allowed=CLAIMS_STAFF,
    sees_all=CLAIMS_STAFF,
)
for name, data in BACKOFFICE_POSTS.items():
    register(
        f"claims_backoffice:{name}",
        own=claim_own,
        other=claim_other,
        owners=WEB_READERS,
        allowed=CLAIMS_STAFF,
        sees_all=CLAIMS_STAFF,
        methods=("POST",),
        data=data,
    )

register(
    "claims_backoffice:document",
    own=document_own,
    other=document_other,
    owners=WEB_READERS,
    allowed=CLAIMS_STAFF,
    sees_all=CLAIMS_STAFF,
)


def _suspension(profile_person=None):
    from accounts.tests import factories as f

    subject = profile_person or person()
    suspension = ClaimsSuspension.objects.create(
        person=subject,
        reason="fraud",
        explanation="Matrix suspension",
        starts_at=timezone.now(),
        suspended_by=f.user(is_staff=True),
    )
    return Target({"public_id": suspension.public_id}, reveals=[str(subject)])


register(
    "claims_backoffice:restore",
    own=lambda profile: _suspension(),
    other=lambda profile: _suspension(),
    owners=CLAIMS_STAFF,
    allowed=CLAIMS_STAFF,
    sees_all=CLAIMS_STAFF,
    methods=("POST",),
)


# --- The draft of a member: its items (by key) and its documents ---------------------------------


def _draft_with_item(profile):
    """The profile's draft holding one item with one document: (item key, document)."""
    from claims.tests.conftest import pdf_bytes

    draft, _created = ClaimDraft.objects.get_or_create(profile=profile)
    key = uuid.uuid4().hex[:8]
    data = draft.data
    data.setdefault("items", []).append(
        {
            "key": key,
            "care_date": timezone.localdate().isoformat(),
            "category": "MATRIX_GP",
            "practitioner": "Dr Draft",
            "country": "FR",
            "amount": "10.00",
            "currency": "EUR",
        }
    )
    draft.data = data
    draft.save()
    name = default_storage.save(f"claims/matrix/{uuid.uuid4().hex}", ContentFile(pdf_bytes(1)))
    document = CareDocument.objects.create(
        draft=draft,
        draft_item=key,
        stored_name=name,
        original_name=f"draft-{uuid.uuid4().hex[:8]}.pdf",
        detected_type="pdf",
        content_type="application/pdf",
        size=10,
        original_size=10,
        sha256="2" * 64,
    )
    return key, document


def _someone_elses_draft():
    from accounts.tests import factories as f

    holder = person()
    cf.individual_contract(holder)
    return _draft_with_item(f.profile(ProfileKind.MEMBER, holder))


def _item_target(pair):
    key, document = pair
    return Target({"key": key}, reveals=[document.original_name])


def _document_target(pair):
    _key, document = pair
    return Target({"public_id": document.public_id}, reveals=[document.original_name])


for name in ("claims:item_documents", "claims:item_remove"):
    register(
        name,
        own=lambda profile: _item_target(_draft_with_item(profile)),
        other=lambda profile: _item_target(_someone_elses_draft()),
        owners=HOLDERS,
        allowed=HOLDERS,
        methods=("POST",),
        missing={"key": "nokey123"},
    )
register(
    "claims:draft_document_remove",
    own=lambda profile: _document_target(_draft_with_item(profile)),
    other=lambda profile: _document_target(_someone_elses_draft()),
    owners=HOLDERS,
    allowed=HOLDERS,
    methods=("POST",),
)


# --- A submitted item waiting for a document (issue 14): its claim's subscriber only ---------------


def _awaiting(pair) -> Target:
    claim, document = pair
    care = document.item
    care.decision, care.refusal_reason = "refused", "missing_documents"
    care.save(update_fields=["decision", "refusal_reason"])
    return Target({"public_id": claim.public_id, "item_id": care.public_id}, reveals=[document.original_name])


def _missing_document(profile, target) -> dict:
    """The two addresses' body: a real PDF, so that the owner's request succeeds (an empty form is a 400)."""
    from claims.tests.conftest import pdf_upload

    return {"documents": pdf_upload()}


register(
    "claims:claim_item_documents",
    own=lambda profile: _awaiting(_own_claim(profile)),
    other=lambda profile: _awaiting(_family_claim()),
    owners=WEB_READERS,
    allowed=HOLDERS,
    methods=("POST",),
    data=_missing_document,
)
register(
    "/api/claims/{public_id}/items/{item_id}/documents",
    own=lambda profile: _awaiting(_own_claim(profile)),
    other=lambda profile: _awaiting(_family_claim()),
    owners=MEMBERS,
    allowed=HOLDERS,
    data=_missing_document,
)
