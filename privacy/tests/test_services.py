"""Rights requests: identity check, deadlines, the state machine, the export and erasure (SPEC G2, B7)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.choices import StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from audit.services import verify_chain
from core.testing.documents import pdf_bytes
from people.models import BankAccount, Person
from privacy import services
from privacy.choices import TRANSITIONS, IdentityMethod, RefusalReason, RequestStatus, RightKind
from privacy.models import PrivacyRequest
from privacy.tests import factories as pf

pytestmark = pytest.mark.django_db


def filing(fam, **extra) -> services.Filing:
    data = {
        "kind": RightKind.PORTABILITY,
        "method": IdentityMethod.IBAN_DIGITS,
        "membership_number": fam.holder.membership_number,
        "iban_last4": pf.IBAN[-4:],
    }
    return services.Filing(**{**data, **extra})


def submit(fam, **extra) -> PrivacyRequest:
    return services.request_submit(actor=fam.profile.user, profile=fam.profile, filing=filing(fam, **extra))


# --- Deadlines ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (date(2026, 3, 10), date(2026, 4, 10), date(2026, 6, 10)),
        (date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)),
        (date(2028, 1, 31), date(2028, 2, 29), date(2028, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15), date(2027, 3, 15)),
    ],
)
def test_the_deadline_is_one_month_and_three_when_extended(received, due, extended):
    assert services.due_date(received) == due
    assert services.extended_due_date(received) == extended


def test_the_transition_table_closes_only_on_answered_and_refused():
    finals = {status for status, targets in TRANSITIONS.items() if not targets}
    assert finals == {RequestStatus.ANSWERED, RequestStatus.REFUSED}
    assert RequestStatus.IDENTITY_TO_CHECK in TRANSITIONS[RequestStatus.RECEIVED]
    assert RequestStatus.ANSWERED not in TRANSITIONS[RequestStatus.IDENTITY_TO_CHECK]


# --- Identity ---------------------------------------------------------------------------------------------------


def test_the_right_digits_file_the_request_in_progress_with_its_deadline(fam):
    request = submit(fam)
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.identity_verified_at is not None
    assert request.due_on == services.due_date(request.received_on)
    assert [e.to_status for e in request.events.all()] == [RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS]
    assert AuditEvent.objects.filter(action="privacy_request.submitted", target_id=str(request.public_id)).exists()
    assert len(mail.outbox) == 0  # sent on commit


def test_the_email_goes_at_commit_in_the_users_language(fam, django_capture_on_commit_callbacks):
    fam.profile.user.language = "fr"
    fam.profile.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(fam)
    assert len(mail.outbox) == 1
    assert request.reference in mail.outbox[0].subject
    assert "reçue" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "wrong",
    [
        {"iban_last4": "0000"},
        {"membership_number": "99999999"},
        {"membership_number": ""},
    ],
)
def test_wrong_details_get_one_and_the_same_refusal_and_nothing_is_stored(fam, wrong):
    with pytest.raises(services.IdentityRefusedError) as refused:
        submit(fam, **wrong)
    assert refused.value.messages == [str(services.IDENTITY_REFUSED)]
    assert not PrivacyRequest.objects.exists()
    assert AuditEvent.objects.filter(action="privacy_request.identity_failed").count() == 1


def test_a_member_without_a_bank_account_gets_the_same_refusal(db):
    fam = pf.family(iban=None)
    with pytest.raises(services.IdentityRefusedError) as refused:
        submit(fam)
    assert refused.value.messages == [str(services.IDENTITY_REFUSED)]


def test_an_ended_bank_account_does_not_confirm(db):
    fam = pf.family(iban=None)
    BankAccount.objects.create(
        person=fam.holder,
        holder_name="x",
        iban=pf.IBAN,
        iban_last4=pf.IBAN[-4:],
        valid_from=date(2020, 1, 1),
        valid_to=date(2021, 1, 1),
    )
    with pytest.raises(services.IdentityRefusedError):
        submit(fam)


def test_after_five_failures_even_the_right_digits_are_refused(fam):
    for _ in range(services.IDENTITY_MAX_FAILURES):
        with pytest.raises(services.IdentityRefusedError):
            submit(fam, iban_last4="1111")
    with pytest.raises(services.IdentityRefusedError) as refused:
        submit(fam)
    assert refused.value.code == "throttled"
    assert not PrivacyRequest.objects.exists()


def test_a_success_resets_the_failure_count(fam):
    for _ in range(services.IDENTITY_MAX_FAILURES - 1):
        with pytest.raises(services.IdentityRefusedError):
            submit(fam, iban_last4="1111")
    submit(fam)
    with pytest.raises(services.IdentityRefusedError) as refused:
        submit(fam, iban_last4="1111")
    assert refused.value.code == "identity"


def test_submitting_twice_with_the_same_key_files_one_request(fam):
    first = submit(fam, idempotency_key="same-key")
    second = submit(fam, idempotency_key="same-key")
    assert first.pk == second.pk
    assert PrivacyRequest.objects.count() == 1


def test_an_identity_document_is_stored_encrypted_and_waits_for_staff(fam, settings):
    document = SimpleUploadedFile("id.pdf", pdf_bytes("identity card"), content_type="application/pdf")
    request = submit(fam, method=IdentityMethod.DOCUMENT, document=document, membership_number="", iban_last4="")
    assert request.status == RequestStatus.IDENTITY_TO_CHECK
    raw = (settings.MEDIA_ROOT / request.identity_document_name).read_bytes()
    assert b"identity card" not in raw
    with default_storage.open(request.identity_document_name) as handle:
        stored = handle.read()
    assert stored == pdf_bytes("identity card")  # rewritten by pikepdf: the same page, nothing else


def test_a_document_that_is_not_a_pdf_or_picture_is_refused(fam):
    document = SimpleUploadedFile("id.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        submit(fam, method=IdentityMethod.DOCUMENT, document=document)
    assert "identity_document" in refused.value.message_dict
    assert not PrivacyRequest.objects.exists()


# --- Back-office decisions --------------------------------------------------------------------------------------


@pytest.fixture
def staff_user(db):
    return f.staff(StaffRole.DPO).user


def test_staff_confirm_or_reject_the_identity_document(fam, staff_user):
    def document():
        return SimpleUploadedFile("id.png", pf.png_bytes(), content_type="image/png")

    request = submit(fam, method=IdentityMethod.DOCUMENT, document=document())
    confirmed = services.request_identity_decide(actor=staff_user, request=request, confirmed=True)
    assert confirmed.status == RequestStatus.IN_PROGRESS
    other = submit(pf.family(), method=IdentityMethod.DOCUMENT, document=document())
    refused = services.request_identity_decide(actor=staff_user, request=other, confirmed=False, note="Blurred")
    assert refused.status == RequestStatus.REFUSED
    assert refused.refusal_reason == RefusalReason.IDENTITY_NOT_CONFIRMED
    assert refused.closed_at is not None
    assert refused.identity_document_name == ""


def test_the_extension_adds_two_months_once_with_its_reason(fam, staff_user):
    request = submit(fam)
    extended = services.request_extend(actor=staff_user, request=request, reason="Many records to gather")
    assert extended.status == RequestStatus.EXTENDED
    assert extended.due_on == services.extended_due_date(extended.received_on)
    assert AuditEvent.objects.filter(action="privacy_request.extended").get().data["reason"] == (
        "Many records to gather"
    )
    with pytest.raises(ValidationError):
        services.request_extend(actor=staff_user, request=extended, reason="Again")


def test_an_extension_needs_a_reason(fam, staff_user):
    request = submit(fam)
    with pytest.raises(ValidationError):
        services.request_extend(actor=staff_user, request=request, reason="  ")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_a_closed_request_moves_no_more(fam, staff_user):
    request = submit(fam, kind=RightKind.OPPOSITION)
    services.request_answer(actor=staff_user, request=request, answer="Done: no more profiling.")
    with pytest.raises(ValidationError):
        services.request_refuse(actor=staff_user, request=request, reason=RefusalReason.OTHER, answer="No")
    with pytest.raises(ValidationError):
        services.request_answer(actor=staff_user, request=request, answer="Again")


def test_a_refusal_needs_a_reason_and_an_explanation(fam, staff_user):
    request = submit(fam)
    with pytest.raises(ValidationError):
        services.request_refuse(actor=staff_user, request=request, reason="", answer="x")
    with pytest.raises(ValidationError):
        services.request_refuse(actor=staff_user, request=request, reason=RefusalReason.UNFOUNDED, answer="")
    done = services.request_refuse(actor=staff_user, request=request, reason=RefusalReason.UNFOUNDED, answer="Why")
    assert done.status == RequestStatus.REFUSED


# --- Export -----------------------------------------------------------------------------------------------------


def _answered_export(fam, staff_user, django_capture_on_commit_callbacks) -> PrivacyRequest:
    request = submit(fam)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(actor=staff_user, request=request, answer="Here is your data.")
    request.refresh_from_db()
    return request


def test_answering_a_portability_request_builds_the_encrypted_copy(fam, staff_user, django_capture_on_commit_callbacks):
    other = pf.family(last_name="Intrus", iban=pf.OTHER_IBAN)
    request = _answered_export(fam, staff_user, django_capture_on_commit_callbacks)
    assert request.status == RequestStatus.ANSWERED
    assert request.export_available
    with default_storage.open(request.export_json_name) as handle:
        content = handle.read()
    document = json.loads(content)
    assert document["schema"] == "openmutuelle.personal-data-export"
    assert set(document) == {"schema", "schema_version", "generated_at", "controller", "sections", "audit_events"}
    assert {"people", "contracts", "claims", "requests", "members", "login", "terms_accepted"} <= set(
        document["sections"]
    )
    people = document["sections"]["people"]
    assert people["identity"]["membership_number"] == fam.holder.membership_number
    assert people["bank_accounts"][0]["iban"] == "FR76 •••• •••• 0189"
    text = content.decode()
    assert pf.IBAN not in text
    assert "Intrus" not in text and other.holder.membership_number not in text
    assert document["sections"]["contracts"]["contracts_held"][0]["number"] == fam.contract.number
    assert any(event["action"] == "privacy_request.submitted" for event in document["audit_events"])
    with default_storage.open(request.export_pdf_name) as handle:
        assert handle.read().startswith(b"%PDF")
    assert {e.action for e in AuditEvent.objects.filter(target_id=str(request.public_id))} >= {
        "privacy_request.answered",
        "privacy_request.export_ready",
    }


def test_building_the_copy_twice_builds_it_once(fam, staff_user, django_capture_on_commit_callbacks):
    request = _answered_export(fam, staff_user, django_capture_on_commit_callbacks)
    again = services.export_build(request=request)
    assert again.export_json_name == request.export_json_name
    assert AuditEvent.objects.filter(action="privacy_request.export_ready").count() == 1


# --- Erasure ----------------------------------------------------------------------------------------------------


def test_erasure_of_a_member_in_force_keeps_what_the_contract_needs(fam, staff_user):
    request = submit(fam, kind=RightKind.ERASURE)
    answered = services.request_answer(actor=staff_user, request=request, answer="Partly erased.")
    report = answered.erasure_report
    assert report["full"] is False
    assert {"identity_in_force", "contracts", "login_in_force"} <= set(report["kept"])
    holder = Person.objects.get(pk=fam.holder.pk)
    assert holder.last_name == fam.holder.last_name
    assert verify_chain().ok


def test_erasure_after_the_contract_ended_anonymises_and_keeps_the_accounting(db, staff_user, settings):
    fam = pf.family(ended=date(2023, 6, 30))
    request = submit(fam, kind=RightKind.ERASURE)
    fam.contract.refresh_from_db()
    answered = services.request_answer(actor=staff_user, request=request, answer="Erased.")
    report = answered.erasure_report
    assert report["full"] is True
    assert report["erased"]["person_anonymised"] == 1
    assert report["erased"]["bank_accounts"] == 1
    assert "contracts" in report["kept"] and "membership_number" in report["kept"]
    holder = Person.objects.get(pk=fam.holder.pk)
    assert (holder.last_name, holder.email, holder.address_line1) == ("ANONYME", "", "")
    assert holder.membership_number == fam.holder.membership_number
    assert not BankAccount.objects.filter(person=holder).exists()
    fam.contract.refresh_from_db()
    assert fam.contract.number
    assert AuditEvent.objects.filter(action="privacy.erasure_executed").get().data["erased"]["bank_accounts"] == 1
    call_command("verify_audit")


def test_the_pdf_summary_reads_as_words_not_codes(fam, staff_user, django_capture_on_commit_callbacks):
    import io
    from pathlib import Path

    from pypdf import PdfReader

    request = _answered_export(fam, staff_user, django_capture_on_commit_callbacks)
    with default_storage.open(request.export_pdf_name) as handle:
        content = handle.read()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Quarterly" in text and "Subscriber" in text and "quarterly" not in text
    assert "FR76 •••• •••• 0189" in text and pf.IBAN not in text
    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "privacy-export-sample.pdf").write_bytes(content)


def test_the_pdf_summary_is_in_the_readers_language(db, staff_user, django_capture_on_commit_callbacks):
    import io
    from pathlib import Path

    from pypdf import PdfReader

    fam = pf.family(language="fr")
    request = _answered_export(fam, staff_user, django_capture_on_commit_callbacks)
    with default_storage.open(request.export_pdf_name) as handle:
        content = handle.read()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "privacy-export-sample-fr.pdf").write_bytes(content)
    assert "Vos données personnelles" in text and "Périodicité" in text
    assert "quarterly" not in text and "Trimestriel" in text


def test_an_export_answered_while_the_task_queue_is_down_is_built_later(
    fam, staff_user, queue_down, django_capture_on_commit_callbacks
):
    """Issue 10: the answer commits, the queue refuses the export task; ``tasks_requeue`` has the copy built."""
    from io import StringIO

    from django.core.management import call_command

    request = _answered_export(fam, staff_user, django_capture_on_commit_callbacks)
    assert request.status == RequestStatus.ANSWERED and not request.export_available
    queue_down.undo()
    call_command("tasks_requeue", minutes=0, stdout=StringIO())
    request.refresh_from_db()
    assert request.export_available
