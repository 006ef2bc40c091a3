"""Content services and selectors: FAQ search text, library storage (no orphan file), zone numbers."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from content import selectors, services
from content.choices import FaqCategory, LibraryCategory
from content.models import FaqEntry, LibraryDocument, fold
from content.tests.builders import household, pdf_upload, zones

pytestmark = pytest.mark.django_db


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_fold_drops_case_accents_and_extra_spaces():
    assert fold("  Réglé   À  l'ÉTÉ  ") == "regle a l'ete"
    assert fold("Œuvre ﬁnale") == "œuvre finale"


def test_the_search_text_follows_every_change():
    entry = services.faq_create(
        actor=None,
        category=FaqCategory.CLAIMS,
        question_fr="Délai",
        question_en="Delay",
        answer_fr="Une semaine.",
        answer_en="A week.",
    )
    services.faq_update(
        actor=None,
        entry=entry,
        category=FaqCategory.CLAIMS,
        question_fr="Délai de paiement",
        question_en="Payment delay",
        answer_fr="Deux jours.",
        answer_en="Two days.",
        position=1,
        is_published=True,
    )

    assert list(selectors.faq_search(query="deux JOURS")) == [entry]
    assert list(selectors.faq_search(query="semaine")) == []
    assert FaqEntry.objects.get().search_text == "delai de paiement payment delay deux jours. two days."


def test_sections_come_in_their_order():
    for category in (FaqCategory.OTHER, FaqCategory.ACCOUNT, FaqCategory.EXPATRIATION):
        services.faq_create(
            actor=None, category=category, question_fr="q", question_en="q", answer_fr="a", answer_en="a"
        )

    assert [entry.category for entry in selectors.faq_search()] == ["account", "expatriation", "other"]


def test_a_failed_write_leaves_no_stored_file():
    with mock.patch("content.services.record", side_effect=RuntimeError("database gone")), pytest.raises(RuntimeError):
        services.library_document_create(
            actor=None, category=LibraryCategory.GUIDE, title_fr="Guide", title_en="Guide", file=pdf_upload()
        )

    assert not LibraryDocument.objects.exists() and stored_files() == []


def test_a_failed_replacement_keeps_the_old_file():
    document = services.library_document_create(
        actor=None, category=LibraryCategory.GUIDE, title_fr="Guide", title_en="Guide", file=pdf_upload()
    )
    old_name = document.file.name

    with mock.patch("content.services.record", side_effect=RuntimeError("database gone")), pytest.raises(RuntimeError):
        services.library_document_update(
            actor=None,
            document=document,
            category=LibraryCategory.GUIDE,
            title_fr="Guide",
            title_en="Guide",
            description_fr="",
            description_en="",
            products=[],
            is_published=True,
            file=pdf_upload(pages=2),
        )

    document.refresh_from_db()
    assert document.file.name == old_name and [path.name for path in stored_files()] == [old_name.split("/")[-1]]


def test_invalid_fields_are_refused_before_anything_is_stored():
    with pytest.raises(ValidationError) as refused:
        services.library_document_create(actor=None, category="nope", title_fr="", title_en="Guide", file=pdf_upload())

    assert set(refused.value.message_dict) == {"category", "title_fr"}
    assert stored_files() == []


def test_zone_numbers_are_normalised_and_audited():
    zone = zones()["Z1"]

    services.zone_numbers_update(
        actor=None, zone=zone, emergency_phone="+32 2 555 12 12", assistance_phone="+33184884121"
    )

    zone.refresh_from_db()
    assert (zone.emergency_phone, zone.assistance_phone) == ("+32 2 555 12 12", "+33 1 84 88 41 21")
    assert AuditEvent.objects.filter(action="zone.numbers_updated").count() == 1


def test_a_national_number_is_refused():
    zone = zones()["Z1"]

    with pytest.raises(ValidationError) as refused:
        services.zone_numbers_update(
            actor=None, zone=zone, emergency_phone="01 84 88 41 10", assistance_phone="+33184884120"
        )

    assert set(refused.value.message_dict) == {"emergency_phone"}


def test_the_library_of_a_visitor_holds_only_general_documents():
    family = household()
    services.library_document_create(
        actor=None, category=LibraryCategory.GUIDE, title_fr="Général", title_en="General", file=pdf_upload()
    )
    services.library_document_create(
        actor=None,
        category=LibraryCategory.GUIDE,
        title_fr="Produit",
        title_en="Product",
        file=pdf_upload(),
        products=[family.contract.product],
    )

    assert [document.title_en for document in selectors.library_list(actor=None)] == ["General"]
    assert len(selectors.library_list(actor=family.profile)) == 2
