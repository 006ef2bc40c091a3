"""SPEC B5: the content back office — FAQ, library, zones' numbers, terms, maintenance — audited, both languages."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from content import services
from content.choices import FaqCategory, Feature, LibraryCategory
from content.models import FaqEntry, LibraryDocument, MaintenanceWindow, TermsVersion
from content.tests.builders import household, member_client, pdf_upload, realistic_product, zones
from content.validators import LIBRARY_MAX_BYTES
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db

FAQ_DATA = {
    "category": FaqCategory.DOCUMENTS,
    "question_fr": "Où trouver mon attestation ?",
    "question_en": "Where is my certificate?",
    "answer_fr": "Dans Mes documents.",
    "answer_en": "Under My documents.",
    "position": 10,
    "is_published": "on",
}


def staff_client(*roles: StaffRole) -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    login_verified(client, f.staff(*roles).user)
    return client


@pytest.fixture
def editor() -> Client:
    return staff_client(StaffRole.CONTENT)


CONTENT_ACTIONS = ("faq.", "library.", "zone.", "terms.", "maintenance.")


def actions() -> list[str]:
    """The content changes recorded (logging in leaves events of its own)."""
    recorded = AuditEvent.objects.order_by("id").values_list("action", flat=True)
    return [action for action in recorded if action.startswith(CONTENT_ACTIONS)]


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def library_data(**fields) -> dict:
    return {
        "category": LibraryCategory.GUIDE,
        "title_fr": "Guide de l'expatrié",
        "title_en": "Expatriate's guide",
        "description_fr": "",
        "description_en": "",
        "is_published": "on",
        **fields,
    }


# --- Access ------------------------------------------------------------------------------------


def test_only_content_staff_and_administrators_get_in():
    url = reverse("content_backoffice:faq_list")
    family = household()

    assert staff_client(StaffRole.CONTENT).get(url).status_code == 200
    assert staff_client(StaffRole.ADMINISTRATOR).get(url).status_code == 200
    assert staff_client(StaffRole.CLAIMS).get(url).status_code == 404
    assert member_client(family.profile).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_every_tool_is_closed_to_other_staff():
    zones()
    entry = services.faq_create(actor=None, **{**FAQ_DATA, "is_published": True})
    client = staff_client(StaffRole.REQUESTS)
    urls = [
        reverse("content_backoffice:index"),
        reverse("content_backoffice:faq_create"),
        reverse("content_backoffice:faq_edit", args=[entry.public_id]),
        reverse("content_backoffice:library_list"),
        reverse("content_backoffice:library_create"),
        reverse("content_backoffice:zone_list"),
        reverse("content_backoffice:zone_edit", args=["Z1"]),
        reverse("content_backoffice:terms"),
        reverse("content_backoffice:maintenance"),
    ]

    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("content_backoffice:faq_delete", args=[entry.public_id])).status_code == 404
    assert FaqEntry.objects.count() == 1


def test_the_back_office_home_lists_the_content_tools(editor):
    page = editor.get(reverse("backoffice:home")).content.decode()

    for name in ("faq_list", "library_list", "zone_list", "terms", "maintenance"):
        assert reverse(f"content_backoffice:{name}") in page


# --- FAQ --------------------------------------------------------------------------------------------


def test_faq_create_edit_delete_are_audited(editor):
    response = editor.post(reverse("content_backoffice:faq_create"), FAQ_DATA)
    entry = FaqEntry.objects.get()

    assert response.status_code == 302 and entry.question_en == "Where is my certificate?"
    editor.post(reverse("content_backoffice:faq_edit", args=[entry.public_id]), {**FAQ_DATA, "answer_en": "Here."})
    entry.refresh_from_db()
    assert entry.answer_en == "Here." and "my certificate" in entry.search_text
    editor.post(reverse("content_backoffice:faq_delete", args=[entry.public_id]))
    assert not FaqEntry.objects.exists()
    assert actions() == ["faq.created", "faq.updated", "faq.deleted"]


def test_faq_needs_both_languages(editor):
    response = editor.post(reverse("content_backoffice:faq_create"), {**FAQ_DATA, "question_en": "", "answer_fr": ""})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"question_en", "answer_fr"}
    assert not FaqEntry.objects.exists() and actions() == []


# --- Library ------------------------------------------------------------------------------------------


def test_upload_a_pdf_restricted_to_a_product(editor):
    product = realistic_product()

    response = editor.post(
        reverse("content_backoffice:library_create"),
        library_data(products=[product.pk], file=pdf_upload("guide.pdf", pages=3)),
    )

    assert response.status_code == 302
    document = LibraryDocument.objects.get()
    assert list(document.products.all()) == [product]
    assert (document.page_count, document.is_published) == (3, True)
    assert len(stored_files()) == 1 and not stored_files()[0].read_bytes().startswith(b"%PDF")
    assert actions() == ["library.created"]
    event = AuditEvent.objects.get(action="library.created")
    assert event.data["products"] == [product.code]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("guide.pdf", b"GIF89a fake image", content_type="application/pdf"), "not a PDF"),
        (SimpleUploadedFile("guide.pdf", b"%PDF-1.7\nbroken", content_type="application/pdf"), "cannot be read"),
        (SimpleUploadedFile("guide.pdf", b"", content_type="application/pdf"), "empty"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_and_nothing_is_stored(editor, upload, message):
    response = editor.post(reverse("content_backoffice:library_create"), library_data(file=upload))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["file"] and message in errors["file"][0]
    assert not LibraryDocument.objects.exists() and stored_files() == [] and actions() == []


def test_a_file_over_10_mb_is_refused(editor):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * LIBRARY_MAX_BYTES, content_type="application/pdf")

    response = editor.post(reverse("content_backoffice:library_create"), library_data(file=big))

    assert response.status_code == 400 and "too large" in response.context["form"].errors["file"][0]
    assert stored_files() == []


def test_the_service_refuses_a_non_pdf_too():
    with pytest.raises(services.ValidationError) as refused:
        services.library_document_create(
            actor=None,
            category=LibraryCategory.GUIDE,
            title_fr="x",
            title_en="x",
            file=SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"),
        )

    assert "file" in refused.value.message_dict and stored_files() == []


def test_missing_titles_and_file_are_field_errors(editor):
    response = editor.post(reverse("content_backoffice:library_create"), library_data(title_en="", category="nope"))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title_en", "category", "file"}
    assert stored_files() == []


def test_replace_the_file_then_withdraw_the_document(editor, django_capture_on_commit_callbacks):
    family = household()
    document = services.library_document_create(
        actor=None, category=LibraryCategory.FACTSHEET, title_fr="Fiche", title_en="Factsheet", file=pdf_upload()
    )
    old_name = document.file.name
    data = library_data(category=LibraryCategory.FACTSHEET, title_fr="Fiche", title_en="Factsheet 2026")

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("content_backoffice:library_edit", args=[document.public_id]), {**data, "file": pdf_upload(pages=4)}
        )
    document.refresh_from_db()

    assert document.file.name != old_name and document.page_count == 4 and document.title_en == "Factsheet 2026"
    assert [path.name for path in stored_files()] == [document.file.name.split("/")[-1]]
    member = member_client(family.profile)
    assert member.get(reverse("my_documents:library_file", args=[document.public_id])).status_code == 200
    editor.post(reverse("content_backoffice:library_unpublish", args=[document.public_id]))
    assert member.get(reverse("my_documents:library_file", args=[document.public_id])).status_code == 404
    editor.post(reverse("content_backoffice:library_publish", args=[document.public_id]))
    assert member.get(reverse("my_documents:library_file", args=[document.public_id])).status_code == 200
    assert actions()[-3:] == ["library.replaced", "library.unpublished", "library.published"]


def test_edit_without_a_new_file_keeps_the_file(editor):
    document = services.library_document_create(
        actor=None, category=LibraryCategory.NOTICE, title_fr="Notice", title_en="Notice", file=pdf_upload()
    )

    response = editor.post(
        reverse("content_backoffice:library_edit", args=[document.public_id]),
        library_data(category=LibraryCategory.NOTICE, title_fr="Notice", title_en="Notice", is_published=""),
    )

    document.refresh_from_db()
    assert response.status_code == 302 and not document.is_published
    assert len(stored_files()) == 1 and actions()[-1] == "library.updated"


def test_staff_can_preview_the_file(editor):
    document = services.library_document_create(
        actor=None, category=LibraryCategory.NOTICE, title_fr="Notice", title_en="Notice", file=pdf_upload()
    )

    response = editor.get(reverse("content_backoffice:library_file", args=[document.public_id]))

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


# --- Zones ---------------------------------------------------------------------------------------------


def test_change_a_zones_numbers(editor):
    zones()

    response = editor.post(
        reverse("content_backoffice:zone_edit", args=["Z2"]),
        {"emergency_phone": "+66 2 123 4567", "assistance_phone": "+33184884299"},
    )

    assert response.status_code == 302
    help_page = Client().get(reverse("help:index")).content.decode()
    assert "+66 2 123 4567" in help_page and "+33 1 84 88 42 99" in help_page
    event = AuditEvent.objects.get(action="zone.numbers_updated")
    assert event.data["before"]["assistance_phone"] == "+33 1 84 88 42 20"


def test_a_bad_number_is_a_field_error_and_changes_nothing(editor):
    zone = zones()["Z1"]

    response = editor.post(
        reverse("content_backoffice:zone_edit", args=["Z1"]), {"emergency_phone": "call me", "assistance_phone": ""}
    )

    zone.refresh_from_db()
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"emergency_phone", "assistance_phone"}
    assert zone.emergency_phone == "+33 1 84 88 41 10" and actions() == []


def test_an_unknown_zone_is_a_404(editor):
    assert editor.get(reverse("content_backoffice:zone_edit", args=["Z9"])).status_code == 404


# --- Terms and maintenance ---------------------------------------------------------------------------------


def test_publish_new_terms(editor):
    data = {"version": "2026-01", "title_fr": "CGU", "title_en": "Terms", "body_fr": "Texte.", "body_en": "Text."}

    response = editor.post(reverse("content_backoffice:terms"), data)

    assert response.status_code == 302
    terms = TermsVersion.objects.get()
    assert terms.version == "2026-01" and terms.published_by.profiles.get().kind == ProfileKind.STAFF
    assert actions() == ["terms.published"]


def test_terms_need_both_languages_and_a_new_version(editor):
    services.terms_publish(actor=None, version="v1", title_fr="a", title_en="a", body_fr="a", body_en="a")
    data = {"version": "v1", "title_fr": "CGU", "title_en": "", "body_fr": "Texte.", "body_en": "Text."}

    response = editor.post(reverse("content_backoffice:terms"), data)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"version", "title_en"}
    assert TermsVersion.objects.count() == 1


def test_close_a_feature_then_reopen_it(editor):
    family = household()
    data = {"feature": Feature.DOCUMENTS, "message_fr": "Fermé.", "message_en": "Closed for an upgrade.", "ends_at": ""}

    assert editor.post(reverse("content_backoffice:maintenance"), data).status_code == 302
    window = MaintenanceWindow.objects.get()
    MaintenanceWindow.objects.filter(pk=window.pk).update(starts_at=timezone.now() - timezone.timedelta(minutes=5))
    member = member_client(family.profile)
    assert member.get(reverse("my_documents:index")).status_code == 503

    assert editor.post(reverse("content_backoffice:maintenance_close", args=[window.pk])).status_code == 302
    window.refresh_from_db()
    assert window.ends_at is not None and window.ends_at <= timezone.now()
    assert member.get(reverse("my_documents:index")).status_code == 200
    assert actions() == ["maintenance.opened", "maintenance.closed"]


def test_bad_maintenance_input_is_refused(editor):
    past = (timezone.localtime() - timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"feature": "everything", "message_fr": "", "message_en": "Closed.", "ends_at": past}

    response = editor.post(reverse("content_backoffice:maintenance"), data)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"feature", "message_fr", "ends_at"}
    assert not MaintenanceWindow.objects.exists()


def test_a_closed_window_cannot_be_closed_twice(editor):
    started = timezone.now() - timezone.timedelta(minutes=5)
    window = services.maintenance_open(
        actor=None, feature=Feature.CLAIMS, message_fr="a", message_en="b", starts_at=started
    )
    services.maintenance_close(actor=None, window=window)

    assert editor.post(reverse("content_backoffice:maintenance_close", args=[window.pk])).status_code == 404
