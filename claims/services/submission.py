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
) -> Submitted:
    """Submit a claim once: the same ``idempotency_key`` and content again returns the first claim unchanged."""
    print_ = fingerprint(beneficiary_id, items, documents)
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
    now = timezone.now()
    beneficiary = assessment.beneficiary
    claim = Claim(
        reference=_next_reference(timezone.localtime(now).year),
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
    # Uniqueness is left to the database: a concurrent twin (same key) fails on insert and is answered as a replay.
    claim.full_clean(validate_unique=False, validate_constraints=False)
    claim.save()
    for position, (item, conversion, docs) in enumerate(
        zip(items, assessment.conversions, documents, strict=True), start=1
    ):
        care_item = _create_item(claim, position, item, conversion, assessment.categories[item.category])
        for doc in docs:
            _attach(care_item, doc)
    flagged = _flag_duplicates(claim)
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


def _create_item(claim: Claim, position: int, item: ItemInput, conversion, category) -> CareItem:
    care_item = CareItem(
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
    care_item.full_clean(exclude=["claim"])
    care_item.save()
    return care_item


def _attach(care_item: CareItem, doc: NewDocument) -> None:
    if doc.draft_document is not None:
        CareDocument.objects.filter(pk=doc.draft_document.pk).update(item=care_item, draft=None, draft_item="")
        return
    checked = doc.checked
    document = CareDocument(
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
    document.full_clean(exclude=["item", "draft"])
    document.save()


def _flag_duplicates(claim: Claim) -> int:
    """Flag on both claims the same document (SHA-256) or the same care item claimed before (SPEC C8)."""
    items = list(claim.items.all())
    same_items = Q()
    for item in items:
        same_items |= selectors.same_item_q(claim.beneficiary_id, item)
    twin_items = CareItem.objects.filter(same_items).exclude(claim=claim)
    twin_keys = set(twin_items.values_list("care_date", "category_id", "amount", "currency"))
    mine = [i.pk for i in items if (i.care_date, i.category_id, i.amount, i.currency) in twin_keys]
    hashes = CareDocument.objects.filter(item__claim=claim).values("sha256")
    twin_docs = CareDocument.objects.filter(sha256__in=hashes, item__isnull=False)
    counts = Counter(twin_docs.values_list("sha256", flat=True))
    doubled = {sha for sha, count in counts.items() if count > 1}
    if not mine and not doubled:
        return 0
    CareItem.objects.filter(Q(pk__in=mine) | Q(pk__in=twin_items.values("pk"))).update(is_duplicate=True)
    documents = CareDocument.objects.filter(sha256__in=doubled, item__isnull=False)
    documents.update(is_duplicate=True)
    claims = set(documents.values_list("item__claim_id", flat=True)) | set(
        twin_items.values_list("claim_id", flat=True)
    )
    Claim.objects.filter(pk__in=claims | {claim.pk}).update(has_duplicates=True)
    claim.has_duplicates = True
    return len(mine) + len(doubled)
