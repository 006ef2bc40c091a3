"""The claim a member fills in, saved server-side at each step (SPEC C1): closing the browser loses nothing.

The draft holds the beneficiary and the care items (encrypted JSON); each item's documents are checked and
stored when they are added, as ``CareDocument`` rows attached to the draft, and move to the claim on submission.
A refused file stores nothing; a removed one is deleted from the storage after the commit.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from claims import conf, uploads
from claims.eligibility import Beneficiary, ItemInput, beneficiary_get, item_problems
from claims.models import CareDocument, ClaimDraft
from claims.selectors import claim_by_key
from claims.services.submission import ClaimRefused, NewDocument, Submitted, claim_submit
from claims.signals import documents_stored
from contracts.models import CareCategory
from core.validation import validate_row
from documents.transactional import StoredFiles


def _audit(actor, draft: ClaimDraft, step: str, **data) -> None:
    record(actor=actor, action="claim_draft.updated", target=draft, data={"step": step, **data}, profile="member")


@transaction.atomic
def draft_start(*, actor, profile, beneficiary_id) -> ClaimDraft:
    """Create the member's draft (or change its beneficiary); the items already entered are kept."""
    if beneficiary_get(profile, beneficiary_id) is None:
        raise ValidationError({"beneficiary": _("Choose the person who received the care.")}, code="beneficiary")
    draft, _created = ClaimDraft.objects.select_for_update().get_or_create(profile=profile)
    data = draft.data
    data["beneficiary"] = str(beneficiary_id)
    data.setdefault("items", [])
    draft.data = data
    draft.full_clean()
    draft.save()
    _audit(actor, draft, "beneficiary")
    return draft


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _parse_amount(value) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except (InvalidOperation, TypeError):
        return None


def draft_items(draft: ClaimDraft, documents: list[CareDocument] | None = None) -> list[ItemInput]:
    """The draft's items with how many documents each holds now (``documents``: the draft's, already read)."""
    counts: dict[str, int] = {}
    keys = draft.documents.values_list("draft_item", flat=True) if documents is None else documents
    for key in keys:
        key = key if documents is None else key.draft_item
        counts[key] = counts.get(key, 0) + 1
    return [
        ItemInput(
            care_date=_parse_date(raw.get("care_date")),
            category=raw.get("category", ""),
            practitioner=raw.get("practitioner", ""),
            country=raw.get("country", ""),
            amount=_parse_amount(raw.get("amount")),
            currency=raw.get("currency", ""),
            documents=counts.get(raw.get("key", ""), 0),
            key=raw.get("key", ""),
        )
        for raw in draft.data.get("items", [])
    ]


def _document_rows(draft: ClaimDraft, key: str, checked: list[uploads.CheckedFile], names: list[str]) -> None:
    """The stored files' rows, validated in Python and inserted in one statement."""
    documents = [
        CareDocument(
            draft=draft,
            draft_item=key,
            stored_name=name,
            original_name=file.original_name,
            detected_type=file.detected_type,
            content_type=file.content_type,
            size=file.size,
            original_size=file.original_size,
            pages=file.pages,
            width=file.width,
            height=file.height,
            sha256=file.sha256,
            quality_warnings=file.warnings,
            blur_score=file.blur_score,
        )
        for file, name in zip(checked, names, strict=True)
    ]
    for document in documents:
        validate_row(document)
    CareDocument.objects.bulk_create(documents)
    documents_stored.send(sender=CareDocument, documents=documents)


def with_stored_files(files, write) -> None:
    """Check the files (all or none), store them, then run ``write(checked, names)`` in a transaction; if anything
    does not commit, the stored files are deleted: a refused or failed step leaves no orphan file."""
    checked = uploads.check_all(files)
    try:
        with StoredFiles(uploads.delete_stored) as stored:
            for file in checked:
                stored.add(uploads.store(file))
            with stored.atomic():
                write(checked, stored.names)
    finally:
        uploads.cleanup(checked)


def check_document_count(count: int) -> None:
    """Refuses an item with no document or more than ``CLAIM_MAX_DOCUMENTS_PER_ITEM`` (the draft's and a submitted
    item's missing document alike)."""
    limit = conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM")
    if count < 1:
        raise ValidationError({"documents": _("Attach at least one supporting document.")}, code="no_document")
    if count > limit:
        message = _("Attach %(limit)s documents at most to a care item.")
        raise ValidationError(
            {"documents": ValidationError(message, code="too_many_documents", params={"limit": limit})}
        )


def _check_item_count(data: dict) -> None:
    if len(data.get("items", [])) >= conf.get("CLAIM_MAX_ITEMS"):
        raise ValidationError(
            _("A claim holds %(limit)s care items at most: send the others in another claim."),
            code="too_many_items",
            params={"limit": conf.get("CLAIM_MAX_ITEMS")},
        )


def _check_new_item(profile, draft: ClaimDraft, item: ItemInput, files: int, beneficiary: Beneficiary | None) -> None:
    data = draft.data
    if beneficiary is None or str(beneficiary.affiliation.public_id) != str(data.get("beneficiary")):
        beneficiary = beneficiary_get(profile, data.get("beneficiary"))
    if beneficiary is None:
        raise ValidationError(_("Choose the person who received the care first."), code="beneficiary")
    _check_item_count(data)
    line = beneficiary.lines.get(item.category)  # a covered category comes with its line: no query
    categories = (
        {item.category: line.category} if line else {c.code: c for c in CareCategory.objects.filter(code=item.category)}
    )
    problems, _conversion = item_problems(item, 0, beneficiary, categories, timezone.localdate())
    if problems:
        raise ClaimRefused(problems)
    check_document_count(files)


def draft_add_item(*, actor, profile, draft: ClaimDraft, item: ItemInput, files, beneficiary=None) -> str:
    """Add a care item with its documents, after checking both; returns the item's key in the draft.

    ``beneficiary``: the draft's, when the caller already found it (the form page does)."""
    files = list(files)
    _check_new_item(profile, draft, item, len(files), beneficiary)
    key = secrets.token_hex(4)

    def write(checked, names) -> None:
        locked = ClaimDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.data.get("beneficiary") == draft.data.get("beneficiary"):
            _check_item_count(locked.data)  # only the count may have changed meanwhile (another tab)
        else:
            _check_new_item(profile, locked, item, len(files), None)
        _document_rows(locked, key, checked, names)
        data = locked.data
        data.setdefault("items", []).append(
            {
                "key": key,
                "care_date": item.care_date.isoformat(),
                "category": item.category,
                "practitioner": item.practitioner.strip(),
                "country": item.country,
                "amount": str(item.amount),
                "currency": item.currency.upper(),
            }
        )
        locked.data = data
        locked.save()
        _audit(actor, locked, "item_added", documents=len(files))

    with_stored_files(files, write)
    return key


def _item_exists(draft: ClaimDraft, key: str) -> bool:
    return any(raw.get("key") == key for raw in draft.data.get("items", []))


def draft_add_documents(*, actor, draft: ClaimDraft, key: str, files) -> None:
    """Add documents to an item of the draft (5 at most per item)."""
    files = list(files)

    def check(current: ClaimDraft) -> None:
        if not _item_exists(current, key):
            raise ValidationError(_("This care item is no longer in your claim."), code="item")
        if not files:
            check_document_count(0)
        check_document_count(current.documents.filter(draft_item=key).count() + len(files))

    check(draft)

    def write(checked, names) -> None:
        locked = ClaimDraft.objects.select_for_update().get(pk=draft.pk)
        check(locked)
        _document_rows(locked, key, checked, names)
        locked.save()  # updated_at: the draft was worked on
        _audit(actor, locked, "documents_added", documents=len(files))

    with_stored_files(files, write)


def _delete_later(names: list[str]) -> None:
    if names:
        transaction.on_commit(lambda: uploads.delete_stored(names))


@transaction.atomic
def draft_remove_item(*, actor, draft: ClaimDraft, key: str) -> None:
    draft = ClaimDraft.objects.select_for_update().get(pk=draft.pk)
    data = draft.data
    data["items"] = [raw for raw in data.get("items", []) if raw.get("key") != key]
    documents = draft.documents.filter(draft_item=key)
    _delete_later(list(documents.values_list("stored_name", flat=True)))
    documents.delete()
    draft.data = data
    draft.save()
    _audit(actor, draft, "item_removed")


@transaction.atomic
def draft_remove_document(*, actor, draft: ClaimDraft, public_id) -> None:
    document = draft.documents.filter(public_id=public_id).first()
    if document is None:
        raise ValidationError(_("This document is no longer in your claim."), code="document")
    _delete_later([document.stored_name])
    document.delete()
    draft.save()
    _audit(actor, draft, "document_removed")


@transaction.atomic
def draft_discard(*, actor, draft: ClaimDraft) -> None:
    """Abandon the draft: its items and stored documents are deleted."""
    _delete_later(list(draft.documents.values_list("stored_name", flat=True)))
    _audit(actor, draft, "discarded")
    draft.delete()


def draft_submit(*, actor, profile, draft: ClaimDraft, idempotency_key, accept_terms: bool, ip=None) -> Submitted:
    """Submit the draft as a claim (its documents move to the claim's items; the draft is deleted)."""
    if str(idempotency_key) != str(draft.idempotency_key):
        raise ValidationError(_("This summary is out of date: check it again and submit."), code="stale")
    stored = list(draft.documents.order_by("pk"))
    items = draft_items(draft, stored)
    by_key: dict[str, list[NewDocument]] = {}
    for document in stored:
        by_key.setdefault(document.draft_item, []).append(NewDocument(draft_document=document))
    documents = [by_key.get(item.key, []) for item in items]
    try:
        return claim_submit(
            actor=actor,
            profile=profile,
            beneficiary_id=draft.data.get("beneficiary"),
            items=items,
            documents=documents,
            idempotency_key=str(idempotency_key),
            accept_terms=accept_terms,
            ip=ip,
            draft=draft,
        )
    except ValidationError:
        # A twin submission of this draft (double click) committed while this one read it: the draft's documents
        # moved to that claim, so this one looks different, but it is the same submission: answer the first claim.
        twin = claim_by_key(user=actor, idempotency_key=str(idempotency_key))
        if twin is None:
            raise
        return Submitted(twin, created=False)
