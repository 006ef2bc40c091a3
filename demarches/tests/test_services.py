"""Submitting, answering and processing requests through the services."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from demarches import selectors, services
from demarches.choices import RequestStatus
from demarches.deadlines import add_working_days, complaint_deadlines
from demarches.models import Request, RequestAttachment, RequestMessage
from demarches.tests.conftest import (
    EXE_BYTES,
    PDF_BYTES,
    big_pdf,
    empty_file,
    exe_as_pdf,
    heic,
    jpeg,
    pdf,
    png,
    stored_files,
)
from demarches.tests.helpers import INFORMATION, in_status, submit

pytestmark = pytest.mark.django_db


def nothing_written(settings, audit_before: int) -> bool:
    return (
        not Request.objects.exists()
        and not RequestAttachment.objects.exists()
        and stored_files(settings) == []
        and AuditEvent.objects.count() == audit_before
    )


# --- Each generic kind ------------------------------------------------------------------------------------


def test_information_request_of_a_member(family):
    request = submit(family["profile"], payload={**INFORMATION, "contract": str(family["contract"].public_id)})
    assert request.reference.startswith(f"DEM-{timezone.localdate().year}-") and len(request.reference) == 15
    assert request.status == RequestStatus.IN_PROGRESS and request.closed_at is None
    assert request.payload == {**INFORMATION, "contract": str(family["contract"].public_id)}
    assert request.subject_person == family["profile"].person and request.subject_contract == family["contract"]
    assert request.author == family["profile"].user and request.author_profile == family["profile"]
    assert request.acknowledge_by is None and request.answer_by is None
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", RequestStatus.IN_PROGRESS, request.author)
    audit = AuditEvent.objects.get(action="request.submitted")
    assert audit.target_id == str(request.public_id) and audit.data["kind"] == "information"
    assert "question" not in str(audit.data), "the trail keeps a hash of the data, not the data"


def test_references_follow_each_other(family):
    first, second = submit(family["profile"]), submit(family["profile"])
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_coverage_change_by_contract_number_or_id(family):
    payload = {"contract": family["contract"].number, "change": "add_option", "details": "Optics option."}
    request = submit(family["profile"], "coverage_change", payload)
    assert request.subject_contract == family["contract"]
    assert request.payload["contract"] == str(family["contract"].public_id)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    request = submit(family["profile"], "coverage_change", {**payload, "wished_date": tomorrow})
    assert request.payload["wished_date"] == tomorrow


def test_coverage_change_needs_a_contract_of_ones_own(family, other_family):
    payload = {"contract": str(other_family["contract"].public_id), "change": "increase", "details": "More."}
    with pytest.raises(ValidationError) as error:
        submit(family["profile"], "coverage_change", payload)
    assert "contract" in error.value.message_dict
    assert not Request.objects.exists()


def test_situation_update_birth_needs_a_document(family, settings):
    payload = {"change": "birth", "event_date": "2025-06-01", "details": "Hugo, born 1 June 2025."}
    with pytest.raises(ValidationError) as error:
        submit(family["profile"], "situation_update", payload)
    assert list(error.value.message_dict) == ["attachments"]
    request = submit(family["profile"], "situation_update", payload, attachments=[pdf()])
    assert request.attachments.get().content_type == "application/pdf"


def test_situation_update_for_a_move_needs_no_document_and_names_the_dependant(family):
    payload = {"change": "move", "event_date": "2025-06-01", "details": "12 rue Neuve, Lyon", "person": ""}
    assert submit(family["profile"], "situation_update", payload).subject_person == family["profile"].person
    child = family["child"]
    request = submit(family["profile"], "situation_update", {**payload, "person": str(child.public_id)})
    assert request.subject_person == child


def test_situation_update_expatriation_needs_the_country(family):
    payload = {"change": "expatriation_country", "event_date": "2025-06-01", "details": "Moving to Japan."}
    with pytest.raises(ValidationError) as error:
        submit(family["profile"], "situation_update", payload)
    assert "country" in error.value.message_dict
    assert submit(family["profile"], "situation_update", {**payload, "country": "JP"}).payload["country"] == "JP"


def test_complaint_gets_its_deadlines(family):
    payload = {"subject": "Late refund", "facts": "Sent in May.", "expectation": "Pay me."}
    request = submit(family["profile"], "complaint", payload)
    received = timezone.localtime(request.submitted_at).date()
    assert (request.acknowledge_by, request.answer_by) == complaint_deadlines(received)
    assert request.is_complaint and request.acknowledged_at is None


def test_other_request(family):
    assert submit(family["profile"], "other", {"subject": "Card", "message": "New card please."}).kind == "other"


def test_company_and_agent_send_the_same_kinds(employer, broker):
    employee = employer["employee"]
    payload = {
        "change": "move",
        "event_date": "2025-06-01",
        "details": "New address",
        "person": employee.membership_number,
    }
    by_company = submit(employer["profile"], "situation_update", payload)
    assert by_company.subject_person == employee and by_company.subject_company == employer["profile"].company
    by_agent = submit(
        broker["profile"],
        "coverage_change",
        {"contract": broker["contract"].number, "change": "increase", "details": "For all employees."},
    )
    assert by_agent.subject_contract == broker["contract"] and by_agent.subject_company is None
    with pytest.raises(ValidationError) as error:
        submit(employer["profile"], "situation_update", {**payload, "person": ""})
    assert "person" in error.value.message_dict


def test_a_kind_not_open_to_the_profile_is_refused(family, typed_kind, employer):
    for profile, code in ((employer["profile"], "test_address"), (family["profile"], "nope"), (family["profile"], "")):
        with pytest.raises(ValidationError) as error:
            submit(profile, code, {"city": "Lyon"})
        assert list(error.value.message_dict) == ["kind"]
    professional = f.profile(ProfileKind.STAFF)
    with pytest.raises(ValidationError):
        submit(professional, "information")


def test_explicit_subjects_must_be_in_scope(family, other_family, employer):
    with pytest.raises(ValidationError) as error:
        submit(
            family["profile"],
            subject_contract=other_family["contract"],
            subject_person=other_family["profile"].person,
            subject_company=employer["profile"].company,
        )
    assert set(error.value.message_dict) == {"subject_contract", "subject_person", "subject_company"}
    assert not Request.objects.exists()


# --- Idempotency -----------------------------------------------------------------------------------------


def test_the_same_key_twice_gives_one_request(family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(family["profile"], idempotency_key="key-0123456789")
        again = submit(family["profile"], idempotency_key="key-0123456789", attachments=[pdf()])
    assert first.pk == again.pk and Request.objects.count() == 1 and not RequestAttachment.objects.exists()
    assert len(mail.outbox) == 1
    assert submit(family["profile"], idempotency_key="key-9876543210").pk != first.pk


def test_a_key_is_per_author(family, other_family):
    mine = submit(family["profile"], idempotency_key="shared-key-0001")
    theirs = submit(other_family["profile"], idempotency_key="shared-key-0001")
    assert mine.pk != theirs.pk


def test_a_key_reused_for_another_kind_or_malformed_is_refused(family):
    submit(family["profile"], idempotency_key="key-0123456789")
    with pytest.raises(ValidationError) as error:
        submit(family["profile"], "other", {"subject": "x", "message": "y"}, idempotency_key="key-0123456789")
    assert "idempotency_key" in error.value.message_dict
    for bad in ("short", "x" * 65, "<script>", "' OR 1=1 --"):
        with pytest.raises(ValidationError) as error:
            submit(family["profile"], idempotency_key=bad)
        assert "idempotency_key" in error.value.message_dict
    assert Request.objects.count() == 1


# --- Attachments ---------------------------------------------------------------------------------------------


def test_pdf_png_jpeg_and_heic_are_accepted_and_stored_encrypted(family, settings):
    request = submit(family["profile"], attachments=[pdf(), png(), jpeg(), heic()])
    attachments = list(request.attachments.order_by("pk"))
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png", "image/jpeg", "image/jpeg"]
    assert [a.original_name for a in attachments] == ["certificate.pdf", "photo.png", "photo.jpg", "IMG_0001.HEIC"]
    first = attachments[0]
    assert first.sha256 == __import__("hashlib").sha256(PDF_BYTES).hexdigest() and first.size == len(PDF_BYTES)
    assert "certificate" not in first.file.name and first.file.name.startswith("demarches/")
    with default_storage.open(first.file.name) as stored:
        assert stored.read() == PDF_BYTES
    raw = (settings.MEDIA_ROOT / first.file.name).read_bytes()
    assert PDF_BYTES not in raw, "stored bytes are encrypted"


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([exe_as_pdf], "not a PDF"),
        ([empty_file], "empty"),
        ([big_pdf], "10 MB"),
        ([pdf] * 6, "at most 5"),
        ([pdf, exe_as_pdf], "not a PDF"),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(family, settings, files, words):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        submit(family["profile"], attachments=[make() for make in files])
    assert list(error.value.message_dict) == ["attachments"]
    assert words in " ".join(error.value.message_dict["attachments"])
    assert nothing_written(settings, audit_before)


def test_files_stored_before_a_failure_are_removed(family, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database lost")

    monkeypatch.setattr(services, "_audit_submitted", broken)
    with pytest.raises(RuntimeError):
        submit(family["profile"], attachments=[pdf(), png()])
    assert not Request.objects.exists() and stored_files(settings) == []


def test_exe_bytes_are_not_an_image_either():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from demarches.uploads import check_file

    with pytest.raises(ValidationError, match="not a PDF, JPEG, PNG or HEIC"):
        check_file(SimpleUploadedFile("x.png", EXE_BYTES))
    with pytest.raises(ValidationError, match="cannot be read as a picture"):
        check_file(SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40))  # a truncated PNG


# --- Typed kinds and their appliers -------------------------------------------------------------------------


def test_validation_calls_the_applier_in_the_same_step(family, processor, typed_kind):
    request = submit(family["profile"], "test_address", {"city": "Lyon"})
    services.request_validate(actor=processor.user, request=request, comment="Done.")
    assert typed_kind["calls"] == [(request.reference, processor.user.pk, RequestStatus.IN_PROGRESS)]
    request.refresh_from_db()
    assert request.status == RequestStatus.VALIDATED and request.closed_at is not None
    assert AuditEvent.objects.filter(action="request.validated", target_id=str(request.public_id)).exists()


def test_an_applier_refusal_leaves_the_request_in_progress(family, processor, typed_kind):
    typed_kind["state"]["refuse"] = True
    request = submit(family["profile"], "test_address", {"city": "Atlantis"})
    mail.outbox.clear()
    with pytest.raises(ValidationError) as error:
        services.request_validate(actor=processor.user, request=request)
    assert "city" in error.value.message_dict and len(typed_kind["calls"]) == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS and request.closed_at is None
    assert request.events.count() == 1 and mail.outbox == []
    assert not AuditEvent.objects.filter(action="request.validated").exists()


# --- Emails in the author's language ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_email_at_every_status_change_in_the_authors_language(
    family, processor, language, french, django_capture_on_commit_callbacks
):
    family["profile"].user.language = language
    family["profile"].user.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(family["profile"])
        services.request_set_status(
            actor=processor.user, request=request, status=RequestStatus.AWAITING_RETURN, comment="Send your RIB."
        )
        services.request_message_add(actor_user=family["profile"].user, request=request, body="Here it is.")
        services.request_reject(actor=processor.user, request=request, reason="Not covered.")
    subjects = [message.subject for message in mail.outbox]
    ref = request.reference
    expected = {
        "fr": [
            f"Votre demande {ref} est bien reçue",
            f"Votre demande {ref} : En attente de votre retour",
            f"Votre demande {ref} : En cours",
            f"Votre demande {ref} : Rejetée",
        ],
        "en": [
            f"Your request {ref} is received",
            f"Your request {ref}: Awaiting your return",
            f"Your request {ref}: In progress",
            f"Your request {ref}: Rejected",
        ],
    }
    assert subjects == expected[language]
    assert all(message.to == [family["profile"].user.email] for message in mail.outbox)
    assert "Not covered" not in mail.outbox[-1].body, "the answer stays in the portal"
    assert f"/requests/{request.public_id}/" in mail.outbox[-1].body


def test_validated_complaint_email_names_the_mediator(family, processor, django_capture_on_commit_callbacks):
    family["profile"].user.language = "en"
    family["profile"].user.save()
    complaint = submit(family["profile"], "complaint", {"subject": "S", "facts": "F", "expectation": "E"})
    with django_capture_on_commit_callbacks(execute=True):
        services.request_validate(actor=processor.user, request=complaint, comment="We agree.")
    assert mail.outbox[-1].subject.endswith("Validated") and "Médiation de l'Assurance" in mail.outbox[-1].body


def test_staff_messages_are_emailed_but_internal_notes_are_not(family, processor, django_capture_on_commit_callbacks):
    request = submit(family["profile"])
    with django_capture_on_commit_callbacks(execute=True):
        services.request_message_add(
            actor_user=processor.user, request=request, body="Checked with the CFE.", internal=True
        )
        assert mail.outbox == []
        services.request_message_add(
            actor_user=processor.user, request=request, body="We are on it.", attachments=[pdf()]
        )
    assert len(mail.outbox) == 1 and request.reference in mail.outbox[0].subject
    assert "We are on it" not in mail.outbox[0].body
    visible = selectors.request_thread(request=request, include_internal=False)
    assert [m.body for m in visible] == ["We are on it."]
    assert selectors.request_thread(request=request, include_internal=True).count() == 2


# --- Messages ------------------------------------------------------------------------------------------------------


def test_the_authors_answer_puts_the_request_back_in_progress(family, processor):
    request = submit(family["profile"])
    services.request_set_status(
        actor=processor.user, request=request, status=RequestStatus.AWAITING_RETURN, comment="Send the certificate."
    )
    assert request.messages.get().body == "Send the certificate."
    services.request_message_add(
        actor_user=family["profile"].user, request=request, body="Attached.", attachments=[png()]
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    event = request.events.last()
    assert (event.from_status, event.to_status, event.actor, event.by_staff) == (
        RequestStatus.AWAITING_RETURN,
        RequestStatus.IN_PROGRESS,
        family["profile"].user,
        False,
    )
    assert RequestMessage.objects.get(body="Attached.").attachments.get().content_type == "image/png"


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_000, "<script>alert(1)</script>", "<b>bold</b>"])
def test_a_bad_message_is_refused(family, body):
    request = submit(family["profile"])
    with pytest.raises(ValidationError) as error:
        services.request_message_add(actor_user=family["profile"].user, request=request, body=body)
    assert "body" in error.value.message_dict and not RequestMessage.objects.exists()


def test_sql_like_text_is_just_text(family):
    request = submit(family["profile"])
    text = "' OR 1=1 --; DROP TABLE demarches_request;"
    services.request_message_add(actor_user=family["profile"].user, request=request, body=text)
    assert RequestMessage.objects.get().body == text and Request.objects.count() == 1


def test_authors_write_no_notes_and_nothing_on_closed_requests(family, other_family, processor):
    request = submit(family["profile"])
    with pytest.raises(ValidationError):
        services.request_message_add(actor_user=family["profile"].user, request=request, body="x", internal=True)
    with pytest.raises(PermissionDenied):
        services.request_message_add(actor_user=other_family["profile"].user, request=request, body="x")
    in_status(request, RequestStatus.REJECTED)
    with pytest.raises(ValidationError) as error:
        services.request_message_add(actor_user=family["profile"].user, request=request, body="Why?")
    assert "body" in error.value.message_dict
    services.request_message_add(actor_user=processor.user, request=request, body="Closed, see the reason.")


# --- Assignment and staff rights ---------------------------------------------------------------------------------


def test_assign_and_release(family, processor):
    request = submit(family["profile"])
    services.request_assign(actor=processor.user, request=request, assignee=processor.user)
    assert Request.objects.get().assigned_to == processor.user == request.assigned_to
    services.request_assign(actor=processor.user, request=request, assignee=None)
    assert Request.objects.get().assigned_to is None
    assert AuditEvent.objects.filter(action="request.assigned").count() == 2
    with pytest.raises(ValidationError):
        services.request_assign(actor=processor.user, request=request, assignee=family["profile"].user)


def test_only_request_staff_process(family):
    request = submit(family["profile"])
    claims_staff = f.staff(StaffRole.CLAIMS).user
    for actor in (claims_staff, family["profile"].user):
        with pytest.raises(PermissionDenied):
            services.request_set_status(actor=actor, request=request, status=RequestStatus.AWAITING_RETURN, comment="x")
        with pytest.raises(PermissionDenied):
            services.request_validate(actor=actor, request=request)
        with pytest.raises(PermissionDenied):
            services.request_reject(actor=actor, request=request, reason="x")
        with pytest.raises(PermissionDenied):
            services.request_assign(actor=actor, request=request, assignee=None)
    admin = f.staff(StaffRole.ADMINISTRATOR).user
    services.request_reject(actor=admin, request=request, reason="Duplicate.")
    assert Request.objects.get().status == RequestStatus.REJECTED


@pytest.mark.parametrize("reason", ["", "  ", "x" * 10_000, "<script>x</script>"])
def test_a_rejection_needs_a_plain_reason(family, processor, reason):
    request = submit(family["profile"])
    with pytest.raises(ValidationError) as error:
        services.request_reject(actor=processor.user, request=request, reason=reason)
    assert "reason" in error.value.message_dict and Request.objects.get().status == RequestStatus.IN_PROGRESS


def test_asking_for_a_return_needs_a_comment(family, processor):
    request = submit(family["profile"])
    with pytest.raises(ValidationError) as error:
        services.request_set_status(actor=processor.user, request=request, status=RequestStatus.AWAITING_RETURN)
    assert "comment" in error.value.message_dict


# --- Complaint deadlines ---------------------------------------------------------------------------------------


def test_working_days_skip_weekends_and_french_public_holidays():
    # Friday 1 May, Friday 8 May, Thursday 14 May (Ascension 2026) are holidays.
    assert add_working_days(date(2026, 4, 30), 10) == date(2026, 5, 19)
    assert complaint_deadlines(date(2026, 4, 30)) == (date(2026, 5, 19), date(2026, 6, 30))
    assert complaint_deadlines(date(2026, 12, 31))[1] == date(2027, 2, 28)


def test_a_complaint_is_acknowledged_by_the_first_staff_message_and_overdue_ones_are_found(family, processor):
    complaint = submit(family["profile"], "complaint", {"subject": "S", "facts": "F", "expectation": "E"})
    late = Request.objects.filter(selectors.overdue_complaints_q(today=complaint.acknowledge_by + timedelta(days=1)))
    assert list(late) == [complaint]
    services.request_message_add(actor_user=processor.user, request=complaint, body="Note.", internal=True)
    assert Request.objects.get().acknowledged_at is None
    services.request_message_add(actor_user=processor.user, request=complaint, body="We received your complaint.")
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is not None
    assert not late.all().exists()
    assert list(Request.objects.filter(selectors.overdue_complaints_q(today=complaint.answer_by + timedelta(days=1))))
