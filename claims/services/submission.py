"""Submission of a claim (SPEC C1-C4, C8): checked, stored, numbered and acknowledged once.

Stored files are written before the transaction and removed if it does not commit, so a refused or failed
submission leaves neither rows nor files, and nothing after the commit (the acknowledgement) can remove them.
The same idempotency key with the same content returns the first claim, also to a concurrent twin.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from claims import selectors, uploads
from claims.choices import Channel
from claims.eligibility import Assessment, ItemInput, Problem, assess
from claims.models import CareDocument, CareItem, Claim, ClaimSequence, ClaimsTermsVersion
from claims.services.notify import notify
from claims.signals import documents_stored
from core.validation import validate_row
from documents.transactional import StoredFiles


class ClaimRefused(ValidationError):
    """The claim cannot be submitted: ``problems`` says every reason, each naming its field."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__([p.message for p in self.problems], code=self.problems[0].code if self.problems else None)


@dataclass(frozen=True)
class Submitted:
    claim: Claim
    created: bool  # False: the same submission had already been received (double click, retry)


def terms_current() -> ClaimsTermsVersion | None:
    return ClaimsTermsVersion.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()


# --- Submission ---------------------------------------------------------------------------------


@dataclass
class NewDocument:
    """A document of the submission: already stored with a draft (``draft_document``) or checked from an upload."""

    draft_document: CareDocument | None = None
    checked: uploads.CheckedFile | None = None
    stored_name: str = ""
    is_duplicate: bool = False  # the same content was already submitted (or is twice in this claim)

    @property
    def sha256(self) -> str:
        return self.draft_document.sha256 if self.draft_document else self.checked.sha256


def fingerprint(beneficiary_id, items: list[ItemInput], documents: list[list[NewDocument]]) -> str:
    """What the submission says, hashed: the same idempotency key with other content is refused."""
    content = {
        "beneficiary": str(beneficiary_id),
        "items": [
            [str(i.care_date), i.category, i.practitioner.strip(), i.country, str(i.amount), i.currency.upper()]
            for i in items
        ],
        "documents": [sorted(d.sha256 for d in docs) for docs in documents],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _replayed(*, actor, idempotency_key: str, print_: str) -> Submitted | None:
    existing = selectors.claim_by_key(user=actor, idempotency_key=idempotency_key)
    if existing is None:
        return None
    if existing.fingerprint != print_:
        raise ValidationError(
            _("This idempotency key was already used for another claim: use a new key for a new claim."),
            code="idempotency_conflict",
        )
    return Submitted(existing, created=False)


def claim_submit(
    *,
    actor,
    profile,
    beneficiary_id,
    items: list[ItemInput],
    documents: list[list[NewDocument]],
    idempotency_key: str,
    accept_terms: bool,
    terms_version: str | None = None,
    channel: str = Channel.WEB,
    ip: str | None = None,
    draft=None,
    assessment: Assessment | None = None,
) -> Submitted:
    """Submit a claim once: the same ``idempotency_key`` and content again returns the first claim unchanged.

    ``assessment`` is ``claim_precheck``'s, when the caller already assessed these items (the API does, before
    checking the files): eligibility is assessed once per submission."""
    print_ = fingerprint(beneficiary_id, items, documents)
    if assessment is None:
        replay = _replayed(actor=actor, idempotency_key=idempotency_key, print_=print_)
        if replay is not None:
            return replay
        for item, docs in zip(items, documents, strict=True):
            item.documents = len(docs)
        assessment = assess(profile, beneficiary_id, items)
    terms = terms_current()
    problems = list(assessment.problems) + _terms_problems(terms, accept_terms, terms_version)
    if problems:
        raise ClaimRefused(problems)
    with StoredFiles(uploads.delete_stored) as stored:
        _store_new_files(documents, stored)
        try:
            with stored.atomic():
                claim = _create(
                    actor=actor,
                    profile=profile,
                    assessment=assessment,
                    items=items,
                    documents=documents,
                    key=idempotency_key,
                    print_=print_,
                    terms=terms,
                    channel=channel,
                    ip=ip,
                    draft=draft,
                )
        except IntegrityError:
            stored.discard()
            replay = _replayed(actor=actor, idempotency_key=idempotency_key, print_=print_)
            if replay is None:
                raise
            return replay
    return Submitted(claim, created=True)


def claim_precheck(
    *, actor, profile, beneficiary_id, items: list[ItemInput], idempotency_key: str
) -> Assessment | None:
    """Before the files are checked: None when this key already made a claim (``claim_submit`` answers the replay),
    else the assessment of the items (each ``documents`` set), to refuse early and to hand to ``claim_submit``."""
    if selectors.claim_by_key(user=actor, idempotency_key=idempotency_key) is not None:
        return None
    return assess(profile, beneficiary_id, items)


def _terms_problems(terms, accept_terms: bool, terms_version: str | None) -> list[Problem]:
    if terms is None:
        return [Problem("terms_missing", str(_("The claims service terms are not published yet: try again later.")))]
    if not accept_terms:
        return [Problem("terms", str(_("Accept the claims service terms to submit.")), "accept_terms")]
    if terms_version and terms_version != terms.version:
        return [
            Problem(
                "terms_version", str(_("The terms have changed: read and accept the current version.")), "terms_version"
            )
        ]
    return []


def _store_new_files(documents: list[list[NewDocument]], stored: StoredFiles) -> None:
    for doc in (d for docs in documents for d in docs if d.checked is not None):
        doc.stored_name = stored.add(uploads.store(doc.checked))


def _next_reference(year: int) -> str:
    return f"CLM-{year}-{ClaimSequence.take_next(year):07d}"


def _create(*, actor, profile, assessment: Assessment, items, documents, key, print_, terms, channel, ip, draft):
    """The claim, its items and documents in a few statements whatever their number: validated in Python, items
    and documents inserted in bulk, duplicates found in one query before the insert (so the new rows are
    written flagged), uniqueness (a concurrent twin) left to the database."""
    now = timezone.now()
    beneficiary = assessment.beneficiary
    claim = Claim(
        submitted_by=actor,
        member=profile.person,
        beneficiary=beneficiary.person,
        contract=beneficiary.contract,
        channel=channel,
        submitted_at=now,
        terms=terms,
        terms_accepted_at=now,
        terms_ip=ip,
        idempotency_key=str(key),
        fingerprint=print_,
        total_claimed=assessment.total_eur,
    )
    care_items = [
        _care_item(claim, position, item, conversion, assessment.categories[item.category])
        for position, (item, conversion) in enumerate(zip(items, assessment.conversions, strict=True), start=1)
    ]
    flagged = _flag_duplicates(claim, care_items, documents)
    claim.reference = _next_reference(timezone.localtime(now).year)
    validate_row(claim)
    # A concurrent twin (same key) fails on this insert and is answered as a replay.
    claim.save()
    for care_item in care_items:
        care_item.claim = claim
        validate_row(care_item)
    CareItem.objects.bulk_create(care_items)
    _attach(care_items, documents)
    if draft is not None:
        draft.delete()
    record(
        actor=actor,
        action="claim.submitted",
        target=claim,
        profile="member",
        data={
            "reference": claim.reference,
            "items": len(items),
            "total_eur": claim.total_claimed,
            "terms_version": terms.version,
            "channel": channel,
            "duplicates": flagged,
        },
    )
    notify(claim, "claim_submitted")
    return claim


def _care_item(claim: Claim, position: int, item: ItemInput, conversion, category) -> CareItem:
    return CareItem(
        claim=claim,
        position=position,
        care_date=item.care_date,
        category=category,
        practitioner=item.practitioner.strip(),
        country=item.country,
        amount=item.amount,
        currency=conversion.currency,
        exchange_rate=conversion.rate,
        rate_date=conversion.rate_date,
        amount_eur=conversion.amount_eur,
    )


def _attach(care_items: list[CareItem], documents: list[list[NewDocument]]) -> None:
    """The documents onto their items: the draft's move (one update), the uploaded ones are inserted (one insert)."""
    moved, new = [], []
    for care_item, docs in zip(care_items, documents, strict=True):
        for doc in docs:
            if doc.draft_document is not None:
                document = doc.draft_document
                document.item, document.draft, document.draft_item = care_item, None, ""
                moved.append(document)
            else:
                document = document_row(care_item, doc)
                new.append(document)
            document.is_duplicate = doc.is_duplicate
    if moved:
        CareDocument.objects.bulk_update(moved, ["item", "draft", "draft_item", "is_duplicate"])
    for document in new:
        validate_row(document)
    if new:
        CareDocument.objects.bulk_create(new)
        documents_stored.send(sender=CareDocument, documents=new)


def document_row(care_item: CareItem, doc: NewDocument) -> CareDocument:
    """The unsaved row of a checked and stored file of ``care_item`` (a submission's, or a missing document added)."""
    checked = doc.checked
    return CareDocument(
        item=care_item,
        stored_name=doc.stored_name,
        original_name=checked.original_name,
        detected_type=checked.detected_type,
        content_type=checked.content_type,
        size=checked.size,
        original_size=checked.original_size,
        pages=checked.pages,
        width=checked.width,
        height=checked.height,
        sha256=checked.sha256,
        quality_warnings=checked.warnings,
        blur_score=checked.blur_score,
    )


def _item_key(item) -> tuple:
    return (item.care_date, item.category_id, item.amount, item.currency)


def _flag_duplicates(claim: Claim, care_items: list[CareItem], documents: list[list[NewDocument]]) -> int:
    """Flag on both claims the same document (SHA-256) or the same care item claimed before (SPEC C8), and the
    items whose care another channel already paid (the ledger: the scheme's flow, an invoice).

    One query finds the submitted items of the same care (same beneficiary, date, category, amount, currency)
    and those holding a document of the same content, one the ledger's lines of the same care; the new rows are
    flagged before they are written, the earlier ones updated only when there is something to flag."""
    hashes = Counter(doc.sha256 for docs in documents for doc in docs)
    same = Q(pk__in=[])
    for care_item in care_items:
        same |= selectors.same_item_q(claim.beneficiary_id, care_item)
    # A UNION, not one OR across the join: each half is found through its own index (documents by content, items
    # by date and amount). The OR made PostgreSQL scan every item and document: 0.84 s a claim with 2 M items.
    columns = ("pk", "claim_id", "claim__beneficiary_id", "care_date", "category_id", "amount", "currency")
    by_content = CareItem.objects.filter(documents__sha256__in=list(hashes)).order_by()
    by_care = CareItem.objects.filter(same).order_by()
    rows = by_content.values_list(*columns, "documents__sha256").union(
        by_care.values_list(*columns, "documents__sha256")
    )
    mine = {_item_key(care_item) for care_item in care_items}
    twin_items, twin_claims, earlier_keys, earlier_hashes = set(), set(), set(), set()
    for pk, claim_id, beneficiary_id, *key, sha256 in rows:
        if beneficiary_id == claim.beneficiary_id and tuple(key) in mine:
            twin_items.add(pk)
            twin_claims.add(claim_id)
            earlier_keys.add(tuple(key))
        if sha256 in hashes:
            earlier_hashes.add(sha256)
            twin_claims.add(claim_id)
    elsewhere = {id(care_item) for care_item, _line in _paid_elsewhere(claim, care_items)}
    for care_item in care_items:
        care_item.is_duplicate = _item_key(care_item) in earlier_keys or id(care_item) in elsewhere
    doubled = earlier_hashes | {sha256 for sha256, count in hashes.items() if count > 1}
    for doc in (d for docs in documents for d in docs):
        doc.is_duplicate = doc.sha256 in doubled
    # Earlier rows are flagged claims first, then items, then documents (the order a decision locks a claim and its
    # items in), each set locked in id order and only where the flag is not set yet: two submissions of the same
    # photos at once wait for each other instead of deadlocking (PostgreSQL).
    if twin_claims:
        _flag(Claim.objects.filter(pk__in=twin_claims, has_duplicates=False), "has_duplicates")
    if twin_items:
        _flag(CareItem.objects.filter(pk__in=twin_items, is_duplicate=False), "is_duplicate")
    if earlier_hashes:
        _flag(
            CareDocument.objects.filter(sha256__in=earlier_hashes, item__isnull=False, is_duplicate=False),
            "is_duplicate",
        )
    claim.has_duplicates = bool(twin_items or doubled or elsewhere)
    return sum(care_item.is_duplicate for care_item in care_items) + len(doubled)


def _flag(rows, field: str) -> None:
    """``UPDATE … SET field = true WHERE id IN (SELECT id … ORDER BY id FOR UPDATE)``: one statement, rows locked in
    id order."""
    locked = rows.order_by("pk").select_for_update().values("pk")
    rows.model.objects.filter(pk__in=locked).update(**{field: True})


def _paid_elsewhere(claim: Claim, care_items: list[CareItem]) -> list[tuple]:
    """The items whose care (beneficiary, date, category, amount in euros) the benefits ledger already holds from
    another channel: the compulsory scheme's automatic flow, a third-party-payment invoice, a staff correction
    (issue 13). One query for the whole claim; the decision pays such an item nothing, the flag tells it now."""
    from ledger import claims_hooks

    return claims_hooks.paid_elsewhere(claim.beneficiary_id, care_items)
