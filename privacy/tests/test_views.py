"""The privacy pages: the member's requests and copy, the DPO's queue and decisions (SPEC G2, B7)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from privacy.choices import RequestStatus, RightKind
from privacy.models import PrivacyRequest
from privacy.tests import factories as pf
from privacy.tests.conftest import log_in
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db


def form_data(fam, **extra) -> dict:
    data = {
        "kind": RightKind.PORTABILITY,
        "method": "iban_digits",
        "membership_number": fam.holder.membership_number,
        "iban_last4": pf.IBAN[-4:],
        "idempotency_key": "key-1",
    }
    return {**data, **extra}


def test_the_home_page_links_to_my_personal_data(member_client):
    response = member_client.get("/space/")
    assert reverse("privacy:index") in response.content.decode()


def test_a_member_files_a_portability_request(member_client, fam):
    response = member_client.post(reverse("privacy:index"), form_data(fam))
    request = PrivacyRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("privacy:detail", args=[request.public_id])
    page = member_client.get(response.url).content.decode()
    assert request.reference in page and "In progress" in page


def test_wrong_digits_show_one_message_and_store_nothing(member_client, fam):
    wrong = member_client.post(reverse("privacy:index"), form_data(fam, iban_last4="0000"))
    unknown = member_client.post(reverse("privacy:index"), form_data(fam, membership_number="00000000"))
    assert wrong.status_code == unknown.status_code == 400
    assert "We could not confirm your identity" in wrong.content.decode()
    assert "We could not confirm your identity" in unknown.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_bad_input_gets_field_errors_not_a_500(member_client, fam):
    response = member_client.post(reverse("privacy:index"), {"kind": "nonsense", "method": "iban_digits"})
    assert response.status_code == 400
    assert not PrivacyRequest.objects.exists()


def test_the_member_downloads_the_copy_once_ready_and_it_is_audited(member_client, fam):
    request = pf.privacy_request(fam.profile, kind=RightKind.PORTABILITY, status=RequestStatus.ANSWERED)
    assert member_client.get(reverse("privacy:export_json", args=[request.public_id])).status_code == 404
    from privacy.tests.objects import _with_copy

    _with_copy(request)
    response = member_client.get(reverse("privacy:export_json", args=[request.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(b"".join(response)) == {}
    assert AuditEvent.objects.filter(action="privacy_request.export_downloaded").count() == 1
    request.export_expires_at = timezone.now() - timedelta(minutes=1)
    request.save()
    assert member_client.get(reverse("privacy:export_json", args=[request.public_id])).status_code == 404


def test_a_company_correspondent_also_has_the_page(db):
    from people.tests.factories import company

    profile = f.profile(ProfileKind.COMPANY, company())
    client = log_in(Client(), profile.user)
    assert client.get(reverse("privacy:index")).status_code == 200


# --- Back office ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [StaffRole.CLAIMS, StaffRole.REQUESTS, StaffRole.ACCOUNT_VALIDATION])
def test_other_staff_roles_do_not_open_the_privacy_back_office(db, role):
    client, _staff = logged_in_staff(role)
    for name in ("queue", "accesses", "evidence", "audience"):
        assert client.get(reverse(f"privacy_backoffice:{name}")).status_code == 404


def test_the_queue_puts_the_overdue_first_and_highlights_it(dpo, fam):
    client, _staff = dpo
    today = timezone.localdate()
    late = pf.privacy_request(fam.profile, received_on=today - timedelta(days=40))
    fresh = pf.privacy_request(fam.profile, received_on=today)
    pf.privacy_request(fam.profile, status=RequestStatus.ANSWERED)
    page = client.get(reverse("privacy_backoffice:queue")).content.decode()
    assert page.index(late.reference) < page.index(fresh.reference)
    late_by = (today - late.due_on).days  # one month from receipt: 9 to 12 days, depending on the month
    assert "privacy-overdue" in page and f"overdue by {late_by} days" in page
    overdue_only = client.get(reverse("privacy_backoffice:queue"), {"overdue": "on"}).content.decode()
    assert late.reference in overdue_only and fresh.reference not in overdue_only


def test_the_queue_takes_as_many_queries_for_5_and_30_requests(dpo):
    client, _staff = dpo

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy_backoffice:queue")).status_code == 200
        return len(queries)

    for _ in range(5):
        pf.privacy_request(pf.family().profile)
    count()
    few = count()
    for _ in range(25):
        pf.privacy_request(pf.family().profile)
    assert count() == few


def test_the_dpo_answers_a_portability_request_and_the_copy_is_ready(dpo, fam, django_capture_on_commit_callbacks):
    client, _staff = dpo
    request = pf.privacy_request(fam.profile, kind=RightKind.PORTABILITY)
    detail = client.get(reverse("privacy_backoffice:request", args=[request.public_id]))
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(action="personal_data.viewed", target_id=str(request.public_id)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy_backoffice:answer", args=[request.public_id]), {"answer": "Done."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert request.export_available


def test_an_empty_answer_is_a_field_error(dpo, fam):
    client, _staff = dpo
    request = pf.privacy_request(fam.profile)
    response = client.post(reverse("privacy_backoffice:answer", args=[request.public_id]), {"answer": ""})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_the_erasure_report_explains_what_was_kept(dpo, fam):
    client, _staff = dpo
    request = pf.privacy_request(fam.profile, kind=RightKind.ERASURE)
    client.post(reverse("privacy_backoffice:answer", args=[request.public_id]), {"answer": "Partly erased."})
    page = client.get(reverse("privacy_backoffice:request", args=[request.public_id])).content.decode()
    assert "Kept, and why" in page and "GDPR art. 6(1)(b)" in page
    member_page = log_in(Client(), fam.profile.user).get(reverse("privacy:detail", args=[request.public_id]))
    assert "Kept, and why" in member_page.content.decode()


def test_assign_extend_and_refuse_from_the_detail_page(dpo, fam):
    client, staff = dpo
    request = pf.privacy_request(fam.profile)
    client.post(reverse("privacy_backoffice:assign", args=[request.public_id]), {"assignee": "me"})
    client.post(reverse("privacy_backoffice:extend", args=[request.public_id]), {"reason": "Archives to search"})
    request.refresh_from_db()
    assert request.assigned_to == staff.user and request.status == RequestStatus.EXTENDED
    client.post(
        reverse("privacy_backoffice:refuse", args=[request.public_id]),
        {"refusal_reason": "unfounded", "answer": "Fifth identical request this month."},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED


def test_administrators_open_every_privacy_back_office_page(db):
    client, _staff = logged_in_staff(StaffRole.ADMINISTRATOR)
    for name in ("queue", "accesses", "evidence", "audience"):
        assert client.get(reverse(f"privacy_backoffice:{name}")).status_code == 200


def test_the_member_page_speaks_french(db):
    fam = pf.family(language="fr")
    client = log_in(Client(), fam.profile.user, language="fr")
    page = client.get(reverse("privacy:index")).content.decode()
    assert "Mes données personnelles" in page and "Portabilité (copie lisible par machine)" in page


def test_the_evidence_list_queries_do_not_grow(dpo, fam):
    from django.db import transaction

    from audit.services import record

    client, _staff = dpo

    def events(n: int) -> None:
        for _ in range(n):
            with transaction.atomic():
                record(actor=fam.profile.user, action="test.checked", target=fam.holder)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy_backoffice:evidence")).status_code == 200
        return len(queries)

    events(5)
    count()
    few = count()
    events(25)
    assert count() == few
