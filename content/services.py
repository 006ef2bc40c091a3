"""State changes of published content, each audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from audit.services import record
from content.models import FaqEntry, LibraryDocument, MaintenanceWindow, TermsAcceptance, TermsVersion
from content.selectors import TERMS_CACHE_KEY
from content.validators import validate_library_pdf
from contracts.models import ExpatriationZone, Product
from core.middleware import current_request_context
from demarches.models import Request
from demarches.services import request_submit


@transaction.atomic
def terms_publish(
    *,
    actor,
    version: str,
    title_fr: str,
    title_en: str,
    body_fr: str,
    body_en: str,
    published_at: datetime | None = None,
) -> TermsVersion:
    """Publish a new version of the terms: every user must accept it at next login."""
    terms = TermsVersion(
        version=version,
        title_fr=title_fr,
        title_en=title_en,
        body_fr=body_fr,
        body_en=body_en,
        published_at=published_at or timezone.now(),
        published_by=actor,
    )
    terms.full_clean()
    terms.save()
    transaction.on_commit(lambda: cache.delete(TERMS_CACHE_KEY))
    record(actor=actor, action="terms.published", target=terms, data={"version": version}, profile="staff")
    return terms


def terms_accept(*, actor, terms: TermsVersion) -> TermsAcceptance:
    """Record that ``actor`` accepted ``terms``; accepting twice keeps the first acceptance."""
    existing = TermsAcceptance.objects.filter(user=actor, terms=terms).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            acceptance = TermsAcceptance.objects.create(
                user=actor, terms=terms, accepted_at=timezone.now(), ip=current_request_context().ip
            )
            record(actor=actor, action="terms.accepted", target=terms, data={"version": terms.version})
    except IntegrityError:  # a double click accepted it concurrently
        return TermsAcceptance.objects.get(user=actor, terms=terms)
    return acceptance


@transaction.atomic
def maintenance_open(
    *,
    actor,
    feature: str,
    message_fr: str,
    message_en: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> MaintenanceWindow:
    window = MaintenanceWindow(
        feature=feature,
        message_fr=message_fr,
        message_en=message_en,
        starts_at=starts_at or timezone.now(),
        ends_at=ends_at,
        created_by=actor,
    )
    window.full_clean()
    window.save()
    record(actor=actor, action="maintenance.opened", target=window, data={"feature": feature}, profile="staff")
    return window


@transaction.atomic
def maintenance_close(*, actor, window: MaintenanceWindow) -> MaintenanceWindow:
    """End a closure now."""
    window.ends_at = max(timezone.now(), window.starts_at + timedelta(seconds=1))
    window.full_clean()
    window.save(update_fields=["ends_at", "updated_at"])
    record(actor=actor, action="maintenance.closed", target=window, data={"feature": window.feature}, profile="staff")
    return window


# --- FAQ (SPEC M7, B5) -------------------------------------------------------------------

FAQ_FIELDS = ("category", "question_fr", "question_en", "answer_fr", "answer_en", "position", "is_published")


def _faq_save(actor, entry: FaqEntry, values: Mapping[str, Any], action: str) -> FaqEntry:
    for field in FAQ_FIELDS:
        setattr(entry, field, values[field])
    entry.updated_by = actor
    entry.full_clean()
    entry.save()
    record(actor=actor, action=action, target=entry, data={"question": entry.question_fr}, profile="staff")
    return entry


@transaction.atomic
def faq_create(
    *,
    actor,
    category: str,
    question_fr: str,
    question_en: str,
    answer_fr: str,
    answer_en: str,
    position: int = 100,
    is_published: bool = True,
) -> FaqEntry:
    """Add a question to the FAQ, in both languages."""
    values = {
        "category": category,
        "question_fr": question_fr,
        "question_en": question_en,
        "answer_fr": answer_fr,
        "answer_en": answer_en,
        "position": position,
        "is_published": is_published,
    }
    return _faq_save(actor, FaqEntry(), values, "faq.created")


@transaction.atomic
def faq_update(
    *,
    actor,
    entry: FaqEntry,
    category: str,
    question_fr: str,
    question_en: str,
    answer_fr: str,
    answer_en: str,
    position: int,
    is_published: bool,
) -> FaqEntry:
    """Change a question, its answer, its section, its place or whether it is shown."""
    values = {
        "category": category,
        "question_fr": question_fr,
        "question_en": question_en,
        "answer_fr": answer_fr,
        "answer_en": answer_en,
        "position": position,
        "is_published": is_published,
    }
    return _faq_save(actor, entry, values, "faq.updated")


@transaction.atomic
def faq_delete(*, actor, entry: FaqEntry) -> None:
    """Remove a question for good (the audit trail keeps its French wording)."""
    record(actor=actor, action="faq.deleted", target=entry, data={"question": entry.question_fr}, profile="staff")
    entry.delete()


# --- Documentation library (SPEC M6, B5) ---------------------------------------------------

LIBRARY_FIELDS = ("category", "title_fr", "title_en", "description_fr", "description_en", "is_published")


def _store_pdf(document: LibraryDocument, file: UploadedFile) -> None:
    """Check the upload, then store it encrypted under a random name (nothing is stored if refused)."""
    try:
        info = validate_library_pdf(file)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    document.file.save("document.pdf", file, save=False)
    document.file_size, document.page_count = info.size, info.page_count


def _delete_file(name: str) -> None:
    if name:
        default_storage.delete(name)


def _library_save(
    actor, document: LibraryDocument, values: Mapping[str, Any], products: Iterable[Product], file, action: str
) -> LibraryDocument:
    """Validate the fields first, store the file, then write; a failed write removes the stored file."""
    for field in LIBRARY_FIELDS:
        setattr(document, field, values[field])
    document.updated_by = actor
    document.full_clean(exclude=["file", "file_size", "page_count"])
    old_name = document.file.name if file is not None else ""
    if file is not None:
        _store_pdf(document, file)
    try:
        with transaction.atomic():
            document.full_clean()
            document.save()
            document.products.set(list(products))
            data = {"title": document.title_fr, "products": sorted(p.code for p in document.products.all())}
            if file is not None:
                data |= {"size": document.file_size, "pages": document.page_count}
            record(actor=actor, action=action, target=document, data=data, profile="staff")
    except BaseException:
        if file is not None:
            _delete_file(document.file.name)
            document.file.name = old_name
        raise
    if old_name:
        transaction.on_commit(lambda: _delete_file(old_name))
    return document


def library_document_create(
    *,
    actor,
    category: str,
    title_fr: str,
    title_en: str,
    file: UploadedFile,
    description_fr: str = "",
    description_en: str = "",
    products: Iterable[Product] = (),
    is_published: bool = True,
) -> LibraryDocument:
    """Add a PDF to the library; with no product it is for every member."""
    values = {
        "category": category,
        "title_fr": title_fr,
        "title_en": title_en,
        "description_fr": description_fr,
        "description_en": description_en,
        "is_published": is_published,
    }
    if file is None:
        raise ValidationError({"file": _("Choose the PDF file to upload.")})
    return _library_save(actor, LibraryDocument(), values, products, file, "library.created")


def library_document_update(
    *,
    actor,
    document: LibraryDocument,
    category: str,
    title_fr: str,
    title_en: str,
    description_fr: str,
    description_en: str,
    products: Iterable[Product],
    is_published: bool,
    file: UploadedFile | None = None,
) -> LibraryDocument:
    """Change a document's description, audience or visibility; with ``file``, replace the PDF itself."""
    values = {
        "category": category,
        "title_fr": title_fr,
        "title_en": title_en,
        "description_fr": description_fr,
        "description_en": description_en,
        "is_published": is_published,
    }
    action = "library.replaced" if file is not None else "library.updated"
    return _library_save(actor, document, values, products, file, action)


@transaction.atomic
def library_document_set_published(*, actor, document: LibraryDocument, published: bool) -> LibraryDocument:
    """Show a document to members again, or withdraw it without deleting it."""
    document.is_published = published
    document.updated_by = actor
    document.save(update_fields=["is_published", "updated_by", "updated_at"])
    action = "library.published" if published else "library.unpublished"
    record(actor=actor, action=action, target=document, data={"title": document.title_fr}, profile="staff")
    return document


# --- Expatriation zones' help lines (SPEC M7, B5) -------------------------------------------


def normalise_phone(value: str) -> str:
    """An international number (+ and country code), written the international way; else a ValidationError."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number in international format, starting with + and the country code."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _zone_numbers(**values: str) -> dict[str, str]:
    numbers, errors = {}, {}
    for field, value in values.items():
        try:
            numbers[field] = normalise_phone(value)
        except ValidationError as error:
            errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)
    return numbers


@transaction.atomic
def zone_numbers_update(
    *, actor, zone: ExpatriationZone, emergency_phone: str, assistance_phone: str
) -> ExpatriationZone:
    """Change a zone's emergency and 24/7 assistance numbers (shown on the help page and certificates)."""
    numbers = _zone_numbers(emergency_phone=emergency_phone, assistance_phone=assistance_phone)
    before = {"emergency_phone": zone.emergency_phone, "assistance_phone": zone.assistance_phone}
    zone.emergency_phone, zone.assistance_phone = numbers["emergency_phone"], numbers["assistance_phone"]
    zone.full_clean()
    zone.save(update_fields=["emergency_phone", "assistance_phone", "updated_at"])
    data = {"code": zone.code, "before": before, "after": numbers}
    record(actor=actor, action="zone.numbers_updated", target=zone, data=data, profile="staff")
    return zone


# --- Contact form (SPEC M7): a request of the "contact" kind ----------------------------------

CONTACT_KIND = "contact"


def contact_submit(*, actor: Profile, payload: Mapping[str, Any], idempotency_key: str | None = None) -> Request:
    """Send a message to the management centre: a request of the "contact" kind, tracked like any request.

    The request engine validates, stores, audits and acknowledges it; submitting twice with the same key
    gives back the first request.
    """
    return request_submit(actor=actor, kind_code=CONTACT_KIND, payload=dict(payload), idempotency_key=idempotency_key)
