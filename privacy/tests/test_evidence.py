"""The DPO's evidence pages: staff accesses (SPEC G4), the audit trail's search, exports and verification (B6),
and the audience counters that identify no one (G5)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.choices import StaffRole
from audit import triggers
from audit.chain import seal
from audit.models import AuditEvent
from audit.services import record_access
from audit.tests import tampering
from privacy import audience
from privacy.models import PageViewCount
from privacy.tests import factories as pf
from privacy.tests.conftest import log_in
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db


def staff_reads(fam, staff_user, times: int = 1) -> None:
    for _ in range(times):
        with transaction.atomic():
            record_access(actor=staff_user, target=fam.holder, reason="account_support", profile="staff")


def test_the_access_review_lists_who_saw_whose_data_and_why(dpo, fam):
    client, _staff = dpo
    _claims_client, claims_staff = logged_in_staff(StaffRole.CLAIMS)
    staff_reads(fam, claims_staff.user)
    other = pf.family(last_name="Autre")
    staff_reads(other, claims_staff.user)
    page = client.get(reverse("privacy_backoffice:accesses"), {"person": fam.holder.membership_number})
    text = page.content.decode()
    assert page.status_code == 200
    assert claims_staff.user.username in text and "account_support" in text
    assert fam.holder.last_name.upper() in text and "AUTRE" not in text


def test_the_access_review_filters_by_staff_and_period(dpo, fam):
    client, _staff = dpo
    _c, reader = logged_in_staff(StaffRole.CLAIMS)
    staff_reads(fam, reader.user)
    by_other = client.get(reverse("privacy_backoffice:accesses"), {"staff": "nobody"}).content.decode()
    assert "No access matches." in by_other
    bad_period = client.get(reverse("privacy_backoffice:accesses"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad_period.status_code == 200


def test_the_access_review_queries_do_not_grow(dpo, fam):
    client, _staff = dpo
    _c, reader = logged_in_staff(StaffRole.CLAIMS)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy_backoffice:accesses")).status_code == 200
        return len(queries)

    staff_reads(fam, reader.user, 5)
    count()
    few = count()
    for _ in range(25):
        staff_reads(pf.family(), reader.user)
    assert count() == few


def test_the_access_log_csv_is_audited(dpo, fam):
    client, staff = dpo
    _c, reader = logged_in_staff(StaffRole.CLAIMS)
    staff_reads(fam, reader.user)
    response = client.get(reverse("privacy_backoffice:accesses_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["event", "occurred_at", "staff"]
    assert any(row[2] == reader.user.username for row in rows[1:])
    assert AuditEvent.objects.filter(action="audit.access_log_exported", actor_id=staff.user.pk).exists()


def test_the_evidence_search_event_and_verification(dpo, fam):
    client, _staff = dpo
    staff_reads(fam, fam.profile.user)
    seal(wait=30)
    event = AuditEvent.objects.select_related("seal").filter(target_type="people.person").last()
    found = client.get(reverse("privacy_backoffice:evidence"), {"target_type": "people.person"}).content.decode()
    assert f"#{event.id}" in found or f">{event.id}<" in found
    detail = client.get(reverse("privacy_backoffice:event", args=[event.id])).content.decode()
    assert event.hash in detail and event.prev_hash in detail and "recomputed hash matches" in detail
    verified = client.post(reverse("privacy_backoffice:verify")).content.decode()
    assert "Audit trail intact" in verified


def test_the_verification_names_the_first_bad_event(dpo, fam):
    client, _staff = dpo
    staff_reads(fam, fam.profile.user, 3)
    seal(wait=30)  # tampering shows once sealed; before, the append-only triggers are the guard
    bad = AuditEvent.objects.order_by("id")[1]
    tampering.owner_powers()  # skips when the suite runs as the application role, which cannot
    triggers.drop(connection)  # as a database superuser could; the test's rollback restores them
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'forged' WHERE id = %s", [bad.id])
    page = client.post(reverse("privacy_backoffice:verify")).content.decode()
    assert f"broken at event {bad.id}" in page


def test_the_evidence_exports_carry_hashes_and_are_audited(dpo, fam):
    client, staff = dpo
    staff_reads(fam, fam.profile.user, 2)
    response = client.get(reverse("privacy_backoffice:evidence_csv"), {"action": "personal_data"})
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["prev_hash", "hash"] and len(rows) == 3
    pdf = client.get(reverse("privacy_backoffice:evidence_pdf"), {"action": "personal_data"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf))).pages)
    assert "Audit trail intact" in text
    exported = AuditEvent.objects.get(action="audit.evidence_pdf_exported")
    assert exported.data["count"] == 2 and len(exported.data["sha256"]) == 64
    assert exported.data["sha256"] in text.replace("\n", "")


# --- Audience (G5) ----------------------------------------------------------------------------------------------


def test_page_views_are_counted_by_pattern_name_and_nothing_identifying_is_kept(member_client, fam):
    request = pf.privacy_request(fam.profile)
    member_client.get(reverse("privacy:index"))
    member_client.get(reverse("privacy:detail", args=[request.public_id]))
    member_client.get(reverse("privacy:detail", args=[request.public_id]))
    response = member_client.get(reverse("privacy:index"))
    assert "audience" not in " ".join(response.cookies.keys())
    audience.flush()
    rows = list(PageViewCount.objects.values())
    assert {(row["route"], row["views"]) for row in rows} == {("privacy:index", 2), ("privacy:detail", 2)}
    assert {key for row in rows for key in row} == {"id", "day", "route", "views"}
    stored = " ".join(str(value) for row in rows for value in row.values())
    for secret in (str(request.public_id), "127.0.0.1", fam.profile.user.username, fam.profile.user.email):
        assert secret not in stored


def test_flushing_twice_counts_once_and_the_page_shows_the_counts(dpo, member_client):
    member_client.get(reverse("privacy:index"))
    audience.flush()
    audience.flush()
    assert PageViewCount.objects.get(route="privacy:index").views == 1
    client, _staff = dpo
    page = client.get(reverse("privacy_backoffice:audience")).content.decode()
    assert "privacy:index" in page


def test_api_calls_and_errors_are_not_counted(db):
    Client().get("/no-such-page/")
    Client().get("/api/openapi.json")
    audience.flush()
    assert not PageViewCount.objects.exists()


def test_a_member_cannot_reach_the_evidence_pages(member_client):
    assert member_client.get(reverse("privacy_backoffice:evidence")).status_code in (302, 404)
    assert log_in(Client(), pf.family().profile.user).get(reverse("privacy_backoffice:accesses")).status_code == 404
