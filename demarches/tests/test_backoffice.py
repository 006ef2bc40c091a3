"""B2: the back-office queue and processing page, for staff with the requests role only."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from demarches import services
from demarches.choices import RequestStatus
from demarches.models import Request, RequestEvent, RequestMessage
from demarches.tests.conftest import member_client, pdf, png
from demarches.tests.helpers import in_status, submit
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"
INJECTION = "' OR 1=1 --"
ACTIONS = ("assign", "ask_return", "resume", "validate", "reject", "message")


def bo(name: str, request=None, *extra) -> str:
    return reverse(f"demarches_backoffice:{name}", args=[request.public_id, *extra] if request else [])


def page_of(client, request) -> str:
    return client.get(bo("detail", request)).content.decode()


# --- Who may open it ---------------------------------------------------------------------------------------------


def test_only_request_staff_open_the_pages(family, other_staff_client, client):
    request = submit(family["profile"], attachments=[pdf()])
    attachment = request.attachments.get()
    gets = [bo("queue"), bo("detail", request), bo("attachment", request, attachment.public_id)]
    for url in gets:
        assert other_staff_client.get(url).status_code == 404, url
        assert member_client(family["profile"]).get(url).status_code == 404, url
        assert client.get(url).status_code == 302, url
    for action in ACTIONS:
        url = bo(action, request)
        assert other_staff_client.post(url, {"reason": "x", "comment": "x", "body": "x", "to": "me"}).status_code == 404
        assert member_client(family["profile"]).post(url, {"reason": "x", "to": "me"}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS and request.assigned_to is None
    assert not RequestMessage.objects.exists()


def test_administrators_process_requests_too(family):
    request = submit(family["profile"])
    admin = Client()
    login_verified(admin, f.staff(StaffRole.ADMINISTRATOR).user)
    assert admin.get(bo("detail", request)).status_code == 200


def test_a_missing_request_is_not_found(staff_client):
    missing = Request(public_id=uuid.uuid4())
    assert staff_client.get(bo("detail", missing)).status_code == 404
    assert staff_client.post(bo("reject", missing), {"reason": "x"}).status_code == 404


def test_the_back_office_home_lists_the_queue(family, staff_client, other_staff_client):
    submit(family["profile"])
    assert "Requests to process" in staff_client.get(reverse("backoffice:home")).content.decode()
    assert "Requests to process" not in other_staff_client.get(reverse("backoffice:home")).content.decode()


# --- The queue ------------------------------------------------------------------------------------------------------


def test_the_queue_filters(family, employer, processor, staff_client):
    info = submit(family["profile"])
    complaint = submit(employer["profile"], "complaint", {"subject": "S", "facts": "F", "expectation": "E"})
    waiting = in_status(submit(family["profile"], "other", {"subject": "S", "message": "M"}), "awaiting_return")
    closed = in_status(submit(family["profile"]), RequestStatus.VALIDATED)
    services.request_assign(actor=processor.user, request=info, assignee=processor.user)
    Request.objects.filter(pk=complaint.pk).update(
        submitted_at=timezone.now() - timedelta(days=40), acknowledge_by=timezone.localdate() - timedelta(days=1)
    )

    def shown(**params):
        page = staff_client.get(bo("queue"), params).content.decode()
        return {r.reference for r in (info, complaint, waiting, closed) if r.reference in page}

    assert shown() == {info.reference, complaint.reference, waiting.reference}
    assert shown(status="") == {info.reference, complaint.reference, waiting.reference, closed.reference}
    assert shown(status="validated") == {closed.reference}
    assert shown(kind="complaint") == {complaint.reference}
    assert shown(older_than=30) == {complaint.reference}
    assert shown(assignment="me") == {info.reference}
    assert shown(assignment="unassigned") == {complaint.reference, waiting.reference}
    assert shown(overdue="on") == {complaint.reference}
    for params in ({"older_than": "-1"}, {"older_than": SCRIPT}, {"kind": INJECTION}, {"status": LONG}):
        response = staff_client.get(bo("queue"), params)
        assert response.status_code == 200 and response.context["form"].errors
    event = AuditEvent.objects.filter(action="personal_data.viewed", data__reason="request_queue").last()
    assert event is not None and event.actor_id == processor.user.pk


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(bo("queue")).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_with_5_or_30_requests(
    family, employer, broker, staff_client, processor, django_assert_max_num_queries
):
    authors = [family["profile"], employer["profile"], broker["profile"]]
    contract = {"contract": broker["contract"].number, "change": "increase", "details": "More"}

    def make(n):
        for i in range(n):
            author = authors[i % 3]
            request = (
                submit(author, "coverage_change", contract)
                if author != family["profile"]
                else submit(author, "complaint", {"subject": "S", "facts": "F", "expectation": "E"})
            )
            services.request_assign(actor=processor.user, request=request, assignee=processor.user)

    make(5)
    staff_client.get(bo("queue"))
    five = _queue_queries(staff_client)
    make(25)
    assert _queue_queries(staff_client) == five
    with django_assert_max_num_queries(five):
        staff_client.get(bo("queue"), {"page": 2})


# --- The processing page -----------------------------------------------------------------------------------------


def test_the_page_shows_data_with_labels_subject_history_thread_and_notes(family, processor, staff_client):
    request = submit(
        family["profile"],
        "coverage_change",
        {"contract": family["contract"].number, "change": "add_option", "details": "Optics"},
        attachments=[pdf()],
    )
    services.request_message_add(actor_user=processor.user, request=request, body="Called the member.", internal=True)
    page = page_of(staff_client, request)
    assert "Change wished" in page and "Add an option" in page and "Optics" in page
    assert family["contract"].number in page and family["profile"].person.last_name.upper() in page
    assert "Called the member." in page and "Internal note" in page and "certificate.pdf" in page
    event = AuditEvent.objects.filter(action="personal_data.viewed", target_id=str(request.public_id)).last()
    assert event is not None and event.data["reason"] == "request_processing"


def test_assign_to_me_and_release(family, processor, staff_client):
    request = submit(family["profile"])
    assert staff_client.post(bo("assign", request), {"to": "me"}).status_code == 302
    assert Request.objects.get().assigned_to == processor.user
    staff_client.post(bo("assign", request), {"to": ""})
    assert Request.objects.get().assigned_to is None


def test_ask_for_a_return_then_resume(family, staff_client, django_capture_on_commit_callbacks):
    request = submit(family["profile"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(bo("ask_return", request), {"comment": "Send your marriage certificate."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_RETURN and len(mail.outbox) == 1
    assert request.messages.get().body == "Send your marriage certificate."
    staff_client.post(bo("resume", request))
    assert Request.objects.get().status == RequestStatus.IN_PROGRESS


def test_validate_runs_the_applier_and_shows_its_refusal(family, staff_client, typed_kind):
    request = submit(family["profile"], "test_address", {"city": "Atlantis"})
    typed_kind["state"]["refuse"] = True
    response = staff_client.post(bo("validate", request), {"comment": ""})
    assert response.status_code == 400 and "This city is unknown to the register." in response.content.decode()
    assert Request.objects.get().status == RequestStatus.IN_PROGRESS
    typed_kind["state"]["refuse"] = False
    assert staff_client.post(bo("validate", request), {"comment": "Changed."}).status_code == 302
    assert Request.objects.get().status == RequestStatus.VALIDATED and len(typed_kind["calls"]) == 2


def test_reject_with_a_reason(family, staff_client):
    request = submit(family["profile"])
    assert staff_client.post(bo("reject", request), {"reason": "Not covered by your contract."}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED and request.events.last().comment == "Not covered by your contract."
    response = staff_client.post(bo("reject", request), {"reason": "Again."})
    assert response.status_code == 400 and RequestEvent.objects.filter(request=request).count() == 2


def test_post_a_message_or_a_note_with_documents(family, staff_client, django_capture_on_commit_callbacks):
    request = submit(family["profile"])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(bo("message", request), {"body": "Internal.", "internal": "on", "attachments": [png()]})
        staff_client.post(bo("message", request), {"body": "For you.", "attachments": [pdf()]})
    assert [(m.body, m.internal) for m in RequestMessage.objects.order_by("pk")] == [
        ("Internal.", True),
        ("For you.", False),
    ]
    assert len(mail.outbox) == 1
    note_file = RequestMessage.objects.get(internal=True).attachments.get()
    response = staff_client.get(bo("attachment", request, note_file.public_id))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="personal_data.viewed", target_id=str(note_file.public_id)).exists()


@pytest.mark.parametrize(
    ("action", "field", "values"),
    [
        ("ask_return", "comment", ("", LONG, SCRIPT)),
        ("validate", "comment", (LONG, SCRIPT)),
        ("reject", "reason", ("", LONG, SCRIPT)),
        ("message", "body", ("", LONG, SCRIPT)),
    ],
)
def test_bad_input_on_staff_forms_changes_nothing(family, staff_client, action, field, values):
    request = submit(family["profile"])
    for value in values:
        response = staff_client.post(bo(action, request), {field: value})
        assert response.status_code == 400
        form_name = {
            "ask_return": "ask_form",
            "validate": "validate_form",
            "reject": "reject_form",
            "message": "message_form",
        }[action]
        assert field in response.context[form_name].errors
        assert "<script>alert" not in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS and not RequestMessage.objects.exists()
    assert RequestEvent.objects.filter(request=request).count() == 1
