"""Reading of bills end to end: upload first (web and API), scoped by profile, background task, encrypted text,
supporting documents read once stored, erasure, and hostile files refused by the task."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from api.tests.conftest import bearer, token_for
from claims.models import CareDocument
from claims.tests.conftest import log_in, pdf_bytes
from claims.tests.test_services import submit
from privacy.hooks import Subject
from reading import corpus, extraction, privacy_hooks
from reading.models import Reading
from reading.tests.test_parser import FEUILLE

pytestmark = pytest.mark.django_db


def bill_pdf(text: str = FEUILLE) -> bytes:
    return corpus.render_pdf(corpus.Bill("feuille_de_soins", text.splitlines()))


def file_of(data: bytes, name: str = "bill.pdf", content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_member_uploads_a_bill_and_gets_the_item_fields_read_in_the_background(
    member_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = member_client.post("/space/bills/", {"file": file_of(bill_pdf())})
    assert response.status_code == 202
    assert response.json()["status"] == "pending"  # the request never waits for the reading
    reading = Reading.objects.get()
    assert reading.status == "pending" and reading.stored_name.startswith("reading/")
    for callback in callbacks:
        callback()
    answer = member_client.get(response.json()["url"]).json()
    assert answer["status"] == "done"
    assert answer["form"]["care_date"] == "2026-03-14"
    assert answer["form"]["amount"] == "30.00" and answer["form"]["currency"] == "EUR"
    assert answer["form"]["category"] == "GP_CONSULTATION"
    assert "10101234564" in answer["form"]["practitioner"]
    assert answer["fields"]["rpps"]["confidence"] > 0.9
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, fields_json FROM reading_reading")
        text, fields = cursor.fetchone()
    assert "FEUILLE" not in text and "10101234564" not in fields  # encrypted at rest


def test_another_profile_gets_404_for_a_reading_it_does_not_own(
    member_client, other_family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        url = member_client.post("/space/bills/", {"file": file_of(bill_pdf())}).json()["url"]
    other = log_in(Client(), other_family["user"])
    assert other.get(url).status_code == 404


def test_a_file_that_is_not_a_bill_is_refused_at_upload(member_client):
    response = member_client.post("/space/bills/", {"file": file_of(b"MZ\x90\x00 not a bill", "x.exe")})
    assert response.status_code == 400 and response.json()["error"]
    assert not Reading.objects.exists()


def test_the_api_returns_an_extraction_id_then_the_extraction(family, other_family, django_capture_on_commit_callbacks):
    client, headers = Client(), bearer(token_for(family["profile"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/bills", {"file": file_of(bill_pdf())}, **headers)
    assert response.status_code == 202, response.content
    public_id = response.json()["id"]
    answer = client.get(f"/api/bills/{public_id}", **headers).json()
    assert answer["status"] == "done" and answer["method"] == "pdf_text"
    assert answer["fields"]["total"]["value"] == "30.00"
    assert answer["fields"]["form"]["care_date"] == "2026-03-14"
    other = client.get(f"/api/bills/{public_id}", **bearer(token_for(other_family["profile"])))
    assert other.status_code == 404
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "/api/bills" in paths and "/api/bills/{public_id}" in paths


def test_every_supporting_document_is_read_once_stored_and_goes_with_its_document(
    family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(family)
    document = CareDocument.objects.get()
    reading = Reading.objects.get(document=document)
    assert reading.status == "done"  # a blank PDF: nothing to read, but read
    document.delete()
    assert not Reading.objects.exists()


def test_erasure_deletes_the_bills_uploaded_first_and_their_files(
    member_client, family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/space/bills/", {"file": file_of(bill_pdf())})
    name = Reading.objects.get().stored_name
    outcome = privacy_hooks.erase(Subject(user=family["user"]), full=False)
    assert outcome.erased == {"bills_read": 1} and outcome.files_to_delete == [name]
    assert not Reading.objects.exists()


# --- Hostile files: refused by the task without harming the worker -----------------------------------------


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG whose header declares 1.6 gigapixels."""
    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "kind", "code"),
    [
        (bomb_png(), "png", "bomb"),
        (pdf_bytes(pages=6), "pdf", "pages"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer <<>>\n%%EOF", "pdf", "broken"),
        (b"\x89PNG\r\n\x1a\n broken", "png", "broken"),
    ],
)
def test_hostile_files_are_refused_with_a_code(data, kind, code):
    with pytest.raises(extraction.Unreadable) as refused:
        extraction.extract(data, kind=kind)
    assert refused.value.code == code


def test_an_ocr_that_runs_too_long_is_killed():
    image = corpus.render_image(corpus.make_bill("pharmacy", random.Random(3)))  # noqa: S311
    with pytest.raises(extraction.Unreadable) as refused:
        extraction.ocr_image(image, timeout=0.01)
    assert refused.value.code == "timeout"


def test_a_refused_file_ends_the_reading_as_failed(family):
    from reading import services

    reading = Reading.objects.create(profile=family["profile"], stored_name="reading/none", kind="png")
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    reading.stored_name = default_storage.save("reading/bomb", ContentFile(bomb_png()))
    reading.save()
    services.reading_run(reading_id=reading.pk)
    reading.refresh_from_db()
    assert reading.status == "failed" and reading.error == "bomb"


def test_staff_see_per_item_what_was_typed_beside_what_was_read(
    family, claims_staff, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from django.urls import reverse

    from claims.tests.conftest import item, make_claim

    typed = item(amount=Decimal("45.00"), practitioner="Dr Claire Martin 10101234564")
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(family, [typed], files=[[file_of(bill_pdf())]])
    page = claims_staff["client"].get(reverse("claims_backoffice:review", args=[claim.public_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "typed-vs-read" in html
    assert "2 differences" in html  # the date and the amount; the RPPS typed is the one read
    assert html.count('<tr class="mismatch">') == 2 and "30.00" in html and "2026-03-14" in html
    from datetime import date

    matching = item(care_date=date(2026, 3, 14), amount=Decimal("30.00"), practitioner="Dr Martin 10101234564")
    with django_capture_on_commit_callbacks(execute=True):
        make_claim(family, [matching], files=[[file_of(bill_pdf() + b"\n")]])
    queue = claims_staff["client"].get(reverse("claims_backoffice:queue")).content.decode()
    assert queue.count("Typed ≠ read") == 1  # the claim that disagrees with its bill, not the other


def test_an_identifier_the_directory_knows_gives_its_name_and_specialty(
    member_client, django_capture_on_commit_callbacks
):
    from providers.choices import ProfessionalKind, Specialty
    from providers.models import HealthProfessional

    HealthProfessional.objects.create(
        kind=ProfessionalKind.PRACTITIONER, name="Dr Claire Martin-Leroy", specialty=Specialty.GENERAL_PRACTICE,
        rpps="10101234564",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        url = member_client.post("/space/bills/", {"file": file_of(bill_pdf())}).json()["url"]
    answer = member_client.get(url).json()
    assert answer["fields"]["practitioner"] == {"value": "Dr Claire Martin-Leroy", "confidence": 0.99}
    assert answer["form"]["practitioner"].startswith("Dr Claire Martin-Leroy")


def test_readings_committed_while_the_task_queue_is_down_are_read_later_once(
    family, queue_down, django_capture_on_commit_callbacks
):
    """Issue 10 for the reading: the claim commits, the queue refuses the reading task; the readings wait in a
    handoff, not pending forever, and ``tasks_requeue`` has them read once."""
    from django.core.management import call_command

    from audit.models import AuditEvent

    with django_capture_on_commit_callbacks(execute=True):
        submit(family)
    reading = Reading.objects.get()
    assert reading.status == "pending"
    queue_down.undo()
    call_command("tasks_requeue", minutes=0)
    call_command("tasks_requeue", minutes=0)
    reading.refresh_from_db()
    assert reading.status == "done"
    assert AuditEvent.objects.filter(action="reading.finished").count() == 1
    assert AuditEvent.objects.filter(action="task.requeued", data__task="reading.tasks.read_bills").count() == 1
