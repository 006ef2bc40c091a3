"""Library files and the content back office in the access matrix (SECURITY.md, object-level access)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.choices import ProfileKind
from content import services
from content.choices import FaqCategory, Feature, LibraryCategory
from content.models import MaintenanceWindow
from content.permissions import CONTENT_ROLES
from content.tests.builders import pdf_upload, realistic_product
from contracts.models import ExpatriationZone
from contracts.selectors import contract_list
from core.testing.objects import Target, kinds, register, roles

MEMBERS = kinds(ProfileKind.MEMBER)
API_KINDS = kinds(ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT, ProfileKind.PROFESSIONAL)
CONTENT_STAFF = roles(*CONTENT_ROLES)


def _unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


def _library_document(products=()) -> Target:
    title = _unique("Guide")
    document = services.library_document_create(
        actor=None,
        category=LibraryCategory.GUIDE,
        title_fr=title,
        title_en=title,
        file=pdf_upload(),
        products=products,
    )
    return Target({"public_id": document.public_id}, reveals=[title])


def library_own(profile) -> Target:
    """A document for the product of a contract the actor sees; for an actor without one, a general document."""
    contract = contract_list(actor=profile).first() if profile is not None else None
    return _library_document([contract.product] if contract else [])


def library_other(profile) -> Target:
    """A document restricted to a product nobody in the world holds."""
    return _library_document([realistic_product()])


register("my_documents:library_file", own=library_own, other=library_other, allowed=MEMBERS)
register("/api/library/{public_id}/file", own=library_own, other=library_other, allowed=API_KINDS)


# --- Content back office (B5): shared records, no owner; content staff see them all ----------------------


def _faq(profile) -> Target:
    question = _unique("Question")
    entry = services.faq_create(
        actor=None,
        category=FaqCategory.OTHER,
        question_fr=question,
        question_en=question,
        answer_fr="Réponse.",
        answer_en="Answer.",
    )
    return Target({"public_id": entry.public_id}, reveals=[question])


def _general_document(profile) -> Target:
    return _library_document()


def _zone(profile) -> Target:
    code = f"Z{uuid.uuid4().hex[:6]}"
    ExpatriationZone.objects.create(
        code=code, name_fr=code, name_en=code, emergency_phone="+33 1 84 88 41 10", assistance_phone="+33 1 84 88 41 20"
    )
    return Target({"code": code})


def _closure(profile) -> Target:
    """A closure in force, with a key too large to be mistaken for other numbers of the page."""
    message = _unique("Closed for the matrix")
    window = MaintenanceWindow.objects.create(
        pk=1_000_000 + uuid.uuid4().int % 1_000_000,
        feature=Feature.PAYMENTS,
        message_fr=message,
        message_en=message,
        starts_at=timezone.now() - timedelta(minutes=5),
    )
    return Target({"pk": window.pk})


STAFF_TOOLS = [
    ("content_backoffice:faq_edit", _faq, ("GET",)),
    ("content_backoffice:faq_delete", _faq, ("POST",)),
    ("content_backoffice:library_edit", _general_document, ("GET",)),
    ("content_backoffice:library_file", _general_document, ("GET",)),
    ("content_backoffice:library_publish", _general_document, ("POST",)),
    ("content_backoffice:library_unpublish", _general_document, ("POST",)),
    ("content_backoffice:zone_edit", _zone, ("GET",)),
    ("content_backoffice:maintenance_close", _closure, ("POST",)),
]
for key, builder, methods in STAFF_TOOLS:
    register(key, own=builder, other=builder, allowed=CONTENT_STAFF, sees_all=CONTENT_STAFF, methods=methods)
