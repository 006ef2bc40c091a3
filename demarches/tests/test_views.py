"""The pages members, companies and agents use: list, choice, form, follow-up, downloads."""

import uuid

import pytest
from django import forms
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from demarches import kind_forms, kinds, services
from demarches.choices import RequestStatus
from demarches.kinds import RequestKind
from demarches.models import Request, RequestMessage
from demarches.tests.conftest import PDF_BYTES, exe_as_pdf, member_client, pdf, png, stored_files
from demarches.tests.helpers import INFORMATION, in_status, submit

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"
INJECTION = "' OR 1=1 --"


def urls_of(request, attachment=None) -> list[str]:
    urls = [
        reverse("demarches:detail", args=[request.public_id]),
        reverse("demarches:reply", args=[request.public_id]),
    ]
    if attachment is not None:
        urls.append(reverse("demarches:attachment", args=[request.public_id, attachment.public_id]))
    return urls


def form_post(client, kind: str, data: dict, files=(), key: str = "retry-key-0001"):
    body = {**data, "submission-idempotency_key": key}
    if files:
        body["submission-attachments"] = list(files)
    return client.post(reverse("demarches:submit", args=[kind]), body)


# --- Listing -------------------------------------------------------------------------------------------


def test_the_list_shows_my_requests_only(family, other_family):
    mine = submit(family["profile"])
    theirs = submit(other_family["profile"])
    page = member_client(family["profile"]).get(reverse("demarches:list")).content.decode()
    assert mine.reference in page and theirs.reference not in page


def test_the_list_filters_by_status_and_refuses_an_unknown_one(family):
    waiting = in_status(submit(family["profile"]), RequestStatus.AWAITING_RETURN)
    other = submit(family["profile"])
    client = member_client(family["profile"])
    page = client.get(reverse("demarches:list"), {"status": "awaiting_return"}).content.decode()
    assert waiting.reference in page and other.reference not in page
    response = client.get(reverse("demarches:list"), {"status": SCRIPT})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    assert "<script>alert" not in response.content.decode()


def test_a_request_stays_with_the_profile_that_sent_it(family, employer):
    """One login, two profiles: the member's requests are not the company's."""
    company_profile = f.profile(ProfileKind.COMPANY, employer["profile"].company, account=family["profile"].user)
    as_member = submit(family["profile"])
    client = member_client(family["profile"])
    session = client.session
    session["profile"] = str(company_profile.public_id)
    session.save()
    assert as_member.reference not in client.get(reverse("demarches:list")).content.decode()
    assert client.get(reverse("demarches:detail", args=[as_member.public_id])).status_code == 404


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("demarches:list")).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_with_5_or_30_requests(family, django_assert_max_num_queries):
    client = member_client(family["profile"])
    client.get(reverse("demarches:list"))  # the first page of a session also records the terms check
    for _ in range(5):
        submit(
            family["profile"],
            "coverage_change",
            {"contract": family["contract"].number, "change": "increase", "details": "More"},
        )
    five = _list_queries(client)
    for _ in range(25):
        submit(
            family["profile"],
            "coverage_change",
            {"contract": family["contract"].number, "change": "increase", "details": "More"},
        )
    thirty = _list_queries(client)
    assert five == thirty
    with django_assert_max_num_queries(five):
        client.get(reverse("demarches:list"), {"page": 2})


# --- Choosing and sending ---------------------------------------------------------------------------------


def test_the_choice_shows_every_kind_open_to_the_profile(family, employer, typed_kind, monkeypatch):
    elsewhere = RequestKind(
        code="test_elsewhere",
        label="Own page kind",
        form=typed_kind["kind"].form,
        profiles=("member",),
        start_url_name="demarches:list",
    )
    monkeypatch.setitem(kinds._REGISTRY, elsewhere.code, elsewhere)

    class HiddenForm(forms.Form):
        record = forms.UUIDField(widget=forms.HiddenInput)

    for code, form, url_name in (("test_hidden", HiddenForm, ""), ("test_args", HiddenForm, "demarches:detail")):
        hidden = RequestKind(code=code, label=code, form=form, profiles=("member",), start_url_name=url_name)
        monkeypatch.setitem(kinds._REGISTRY, code, hidden)
    page = member_client(family["profile"]).get(reverse("demarches:new")).content.decode()
    for kind in kinds.for_profile("member"):
        assert (str(kind.label) in page) == (kind_forms.start_url(kind) is not None), kind.code
    assert reverse("demarches:submit", args=["test_address"]) in page
    assert reverse("demarches:submit", args=["test_elsewhere"]) not in page
    assert "test_hidden" not in page and "test_args" not in page, "started from their own pages only"
    for code in ("test_hidden", "test_args"):
        assert member_client(family["profile"]).get(reverse("demarches:submit", args=[code])).status_code == 404
    company_page = member_client(employer["profile"]).get(reverse("demarches:new")).content.decode()
    assert "Address change (test)" not in company_page and "Complaint" in company_page
    client = member_client(family["profile"])
    assert client.get(reverse("demarches:submit", args=["test_elsewhere"])).url == reverse("demarches:list")
    assert member_client(employer["profile"]).get(reverse("demarches:submit", args=["test_address"])).status_code == 404
    assert client.get(reverse("demarches:submit", args=["unknown"])).status_code == 404


def test_the_form_page_has_the_kinds_fields_files_and_a_retry_key(family):
    response = member_client(family["profile"]).get(reverse("demarches:submit", args=["situation_update"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="event_date"' in page and 'name="change"' in page and 'name="person"' in page
    assert 'type="file"' in page and "multiple" in page and 'name="submission-attachments"' in page
    assert 'name="submission-idempotency_key"' in page and "birth certificate" in page
    assert family["child"].first_name in page, "the member's dependants are offered"


def test_sending_a_request_with_documents(family, settings, django_capture_on_commit_callbacks):
    data = {"change": "birth", "event_date": "2025-06-01", "details": "Hugo", "person": ""}
    client = member_client(family["profile"])
    with django_capture_on_commit_callbacks(execute=True):
        response = form_post(client, "situation_update", data, files=[pdf(), png()])
    request = Request.objects.get()
    assert response.status_code == 302 and response.url == reverse("demarches:detail", args=[request.public_id])
    assert request.attachments.count() == 2 and len(mail.outbox) == 1
    again = form_post(client, "situation_update", data, files=[pdf(), png()])
    assert again.status_code == 302 and Request.objects.count() == 1, "a double click sends one request"
    assert len(stored_files(settings)) == 2


def test_a_missing_required_document_is_said_on_the_file_field(family, settings):
    data = {"change": "marriage_pacs", "event_date": "2025-06-01", "details": "Married", "person": ""}
    response = form_post(member_client(family["profile"]), "situation_update", data)
    assert response.status_code == 400 and "attachments" in response.context["engine"].errors
    assert not Request.objects.exists()
    response = form_post(member_client(family["profile"]), "information", INFORMATION, files=[exe_as_pdf()])
    assert response.status_code == 400 and "attachments" in response.context["engine"].errors
    assert not Request.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        *[("information", "topic", v) for v in ("", LONG, SCRIPT)],
        *[("information", "question", v) for v in ("", LONG, SCRIPT)],
        *[("information", "contract", v) for v in (LONG, SCRIPT, INJECTION, "5c331b96-316e-4d50-9aa2-b95cccdd251d")],
        *[("coverage_change", "contract", v) for v in ("", INJECTION)],
        *[("coverage_change", "change", v) for v in ("", LONG, SCRIPT, INJECTION)],
        *[("coverage_change", "wished_date", v) for v in (LONG, SCRIPT, INJECTION, "2001-02-30", "2000-01-01")],
        *[("situation_update", "event_date", v) for v in ("", LONG, SCRIPT, INJECTION, "1900-01-01")],
        *[("situation_update", "person", v) for v in (LONG, SCRIPT, INJECTION)],
        *[("situation_update", "country", v) for v in (LONG, SCRIPT, INJECTION)],
        *[("complaint", "facts", v) for v in ("", LONG, SCRIPT)],
        *[("other", "subject", v) for v in ("", LONG, SCRIPT)],
        *[("submission", "submission-idempotency_key", v) for v in ("", LONG, SCRIPT, INJECTION)],
    ],
)
def test_bad_input_gets_a_field_error_and_writes_nothing(family, kind, field, value):
    valid = {
        "information": INFORMATION,
        "coverage_change": {"contract": family["contract"].number, "change": "increase", "details": "More"},
        "situation_update": {
            "change": "move",
            "event_date": "2025-06-01",
            "details": "Lyon",
            "person": "",
            "country": "JP",
        },
        "complaint": {"subject": "S", "facts": "F", "expectation": "E"},
        "other": {"subject": "S", "message": "M"},
        "submission": INFORMATION,
    }
    real_kind = "information" if kind == "submission" else kind
    body = {**valid[kind], "submission-idempotency_key": "retry-key-0001", field: value}
    response = member_client(family["profile"]).post(reverse("demarches:submit", args=[real_kind]), body)
    assert response.status_code == 400
    form = response.context["engine"] if field.startswith("submission-") else response.context["form"]
    assert field.removeprefix("submission-") in form.errors, form.errors
    assert not Request.objects.exists() and mail.outbox == []
    assert "<script>alert" not in response.content.decode()


# --- Following a request --------------------------------------------------------------------------------------


def test_the_detail_shows_status_history_thread_and_documents_but_no_internal_note(family, processor):
    request = submit(family["profile"], attachments=[pdf()])
    services.request_message_add(
        actor_user=processor.user, request=request, body="Staff only", internal=True, attachments=[png()]
    )
    services.request_set_status(
        actor=processor.user,
        request=request,
        status=RequestStatus.AWAITING_RETURN,
        comment='Send your RIB & "IBAN" < 3 days',
    )
    page = member_client(family["profile"]).get(reverse("demarches:detail", args=[request.public_id])).content.decode()
    assert "Awaiting your return" in page and "Send your RIB &amp; &quot;IBAN&quot; &lt; 3 days" in page
    assert "Staff only" not in page and "photo.png" not in page and "certificate.pdf" in page
    assert processor.user.username not in page, "staff names are not shown to users"
    assert "Am I covered in Japan?" in page and "Your question" in page


def test_the_complaint_page_shows_the_commitments_then_the_mediator(family, processor):
    complaint = submit(family["profile"], "complaint", {"subject": "S", "facts": "F", "expectation": "E"})
    client = member_client(family["profile"])
    url = reverse("demarches:detail", args=[complaint.public_id])
    assert "We acknowledge your complaint by" in client.get(url).content.decode()
    services.request_reject(actor=processor.user, request=complaint, reason="Not founded.")
    page = client.get(url).content.decode()
    assert "mediator" in page and "Médiation de l&#x27;Assurance" in page and "Not founded." in page
    assert "Write to us" not in page


def test_replying_answers_a_request_awaiting_return(family, processor):
    request = submit(family["profile"])
    services.request_set_status(
        actor=processor.user, request=request, status=RequestStatus.AWAITING_RETURN, comment="Send it."
    )
    client = member_client(family["profile"])
    url = reverse("demarches:reply", args=[request.public_id])
    for bad in ("", LONG, SCRIPT):
        response = client.post(url, {"body": bad})
        assert response.status_code == 400 and "body" in response.context["reply_form"].errors
    assert RequestMessage.objects.count() == 1
    response = client.post(url, {"body": "Here.", "attachments": [pdf()]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS and request.attachments.count() == 1


def test_documents_download_as_attachments_with_nosniff(family, processor):
    request = submit(family["profile"], attachments=[pdf("my <bill>.pdf")])
    attachment = request.attachments.get()
    response = member_client(family["profile"]).get(urls_of(request, attachment)[2])
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    note = services.request_message_add(
        actor_user=processor.user, request=request, body="n", internal=True, attachments=[png()]
    )
    hidden = note.attachments.get()
    url = reverse("demarches:attachment", args=[request.public_id, hidden.public_id])
    assert member_client(family["profile"]).get(url).status_code == 404


# --- Access -------------------------------------------------------------------------------------------------------


def test_another_users_request_is_not_found_on_every_url(family, other_family, employer):
    request = submit(family["profile"], attachments=[pdf()])
    attachment = request.attachments.get()
    missing = Request(public_id=uuid.uuid4())
    for profile in (other_family["profile"], employer["profile"]):
        client = member_client(profile)
        detail, reply, download = urls_of(request, attachment)
        assert client.get(detail).status_code == client.get(download).status_code == 404
        assert client.post(reply, {"body": "Hi"}).status_code == 404
        assert client.get(reply).status_code == 405, "the same answer as for one's own request"
        for url in urls_of(missing)[:1]:
            assert client.get(url).status_code == 404
    assert RequestMessage.objects.count() == 0


def test_staff_and_anonymous_do_not_use_the_member_pages(family, staff_client, client):
    request = submit(family["profile"])
    for url in (reverse("demarches:list"), reverse("demarches:new"), urls_of(request)[0]):
        assert staff_client.get(url).status_code == 404
        assert client.get(url).status_code == 302
