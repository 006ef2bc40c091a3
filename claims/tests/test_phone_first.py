"""Phone-first claims (issue 14): the delay a claim's timeline announces, in working days, and the missing document
a member adds to a refused care item from the claim's page (checked like the draft's, the claim examined again)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from audit.models import AuditEvent
from claims import selectors, services
from claims.choices import ClaimStatus, ItemDecision, RefusalReason
from claims.models import CareDocument, Claim
from claims.selectors import ClaimHistory, QueueFilters, backoffice_queue
from claims.tests.conftest import item, log_in, make_claim, pdf_upload, sharp_jpeg, stored_files, upload
from claims.timeline import expected_dates
from core.workdays import add_working_days
from ledger.models import BenefitLine

PARIS = ZoneInfo("Europe/Paris")


def _history(*added: datetime) -> ClaimHistory:
    return ClaimHistory(
        assessed_at=None, documents_read=0, documents_reading=0, last_read_at=None, documents_added=added
    )


def _claim(submitted: datetime, **fields) -> Claim:
    return Claim(submitted_at=submitted, status=fields.pop("status", ClaimStatus.IN_PROGRESS), **fields)


# --- The expected delay (no database) ------------------------------------------------------------


def test_the_decision_is_expected_ten_working_days_after_the_claim_without_weekends_nor_french_holidays():
    # Thursday 30 April 2026: 1 May, 8 May and Ascension (14 May) are public holidays.
    sent = datetime(2026, 4, 30, 10, 30, tzinfo=PARIS)
    expected = expected_dates(_claim(sent), _history())
    assert expected.decision == date(2026, 5, 19)
    assert expected.payment == date(2026, 5, 22)  # 3 working days after the expected decision


def test_a_claim_sent_late_in_the_evening_counts_from_its_day_in_paris():
    sent = datetime(2026, 12, 24, 23, 30, tzinfo=ZoneInfo("UTC"))  # 25 December 00:30 in Paris, Christmas
    assert expected_dates(_claim(sent), _history()).decision == add_working_days(date(2026, 12, 25), 10)
    assert add_working_days(date(2026, 12, 25), 10) == date(2027, 1, 11)  # 1 January is a holiday too


def test_a_missing_document_added_later_starts_the_delay_again():
    sent = datetime(2026, 4, 30, 10, 30, tzinfo=PARIS)
    added = datetime(2026, 5, 20, 9, 0, tzinfo=PARIS)  # Wednesday; Whit Monday 25 May is a holiday
    assert expected_dates(_claim(sent), _history(added)).decision == date(2026, 6, 4)


def test_once_decided_the_payment_counts_from_the_decision_and_a_rejected_or_paid_claim_expects_nothing():
    sent = datetime(2026, 5, 4, 10, 0, tzinfo=PARIS)
    decided = datetime(2026, 5, 21, 15, 0, tzinfo=PARIS)  # Thursday; Friday, then Whit Monday off
    validated = _claim(sent, status=ClaimStatus.VALIDATED, decided_at=decided)
    assert expected_dates(validated, _history()).decision is None
    assert expected_dates(validated, _history()).payment == date(2026, 5, 27)
    rejected = _claim(sent, status=ClaimStatus.REJECTED, decided_at=decided)
    assert expected_dates(rejected, _history()).payment is None
    paid = _claim(sent, status=ClaimStatus.VALIDATED, decided_at=decided, paid_at=decided)
    assert expected_dates(paid, _history()).payment is None


def test_the_delays_are_settings(settings):
    settings.CLAIM_DECISION_WORKING_DAYS = 2
    settings.CLAIM_PAYMENT_WORKING_DAYS = 1
    sent = datetime(2026, 4, 30, 10, 30, tzinfo=PARIS)
    expected = expected_dates(_claim(sent), _history())
    assert (expected.decision, expected.payment) == (date(2026, 5, 5), date(2026, 5, 6))


# --- The claim's page ----------------------------------------------------------------------------


def _timeline(html: str) -> str:
    return re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(r'<ol class="claim-timeline">(.*?)</ol>', html, re.S).group(1))
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "decision_words", "delay_words"),
    [
        ("en", "Expected by", "We decide within 10 working days of a complete claim"),
        ("fr", "Au plus tard le", "Nous décidons dans les 10 jours ouvrés suivant une demande complète"),
    ],
)
def test_the_claim_page_says_when_the_decision_and_the_payment_are_expected(
    member_client, family, language, decision_words, delay_words
):
    claim = make_claim(family)
    member_client.cookies["om_language"] = language
    html = member_client.get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    decision = add_working_days(timezone.localdate(claim.submitted_at), 10)
    with translation.override(language):
        words = _timeline(html)
        assert f"{decision_words} {date_format(decision)}" in words
        assert date_format(add_working_days(decision, 3)) in words
    assert delay_words in html


@pytest.mark.django_db
def test_a_late_decision_says_so(member_client, family):
    claim = make_claim(family)
    Claim.objects.filter(pk=claim.pk).update(submitted_at=timezone.now() - timezone.timedelta(days=40))
    html = member_client.get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    assert "it is taking longer than planned, sorry." in html


# --- The missing document ------------------------------------------------------------------------


def _partly_refused(family, staff, *, reason=RefusalReason.MISSING_DOCUMENTS) -> Claim:
    """Like the demo's: a lab test paid, the other refused for a missing document; the claim decided."""
    claim = make_claim(family, [item(amount=D("45.00")), item(amount=D("62.50"), practitioner="Lab")])
    first, second = claim.items.order_by("position")
    services.claim_assess(
        actor=staff,
        claim=claim,
        assessments={
            first.pk: {"base_amount": D(30), "compulsory_paid": D(21), "decision": ItemDecision.ACCEPTED},
            second.pk: {
                "base_amount": D(40),
                "compulsory_paid": D(24),
                "decision": ItemDecision.REFUSED,
                "refusal_reason": reason,
                "comment": "Send the laboratory invoice.",
            },
        },
    )
    return services.claim_decide(actor=staff, claim=claim)


def _url(claim: Claim, care) -> str:
    return reverse("claims:claim_item_documents", args=[claim.public_id, care.public_id])


@pytest.mark.django_db
def test_the_member_adds_the_missing_document_and_the_claim_goes_back_to_the_queue(
    member_client, family, claims_staff, django_capture_on_commit_callbacks
):
    staff = claims_staff["user"]
    claim = _partly_refused(family, staff)
    assert claim.status == ClaimStatus.PARTIALLY_VALIDATED
    refused = claim.items.get(position=2)
    page = member_client.get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    assert "Add the missing document" in page and f'action="{_url(claim, refused)}"' in page
    assert page.count('class="upload-form"') == 1  # only the refused item has the form
    queue = backoffice_queue(actor=claims_staff["profile"], filters=QueueFilters(status=ClaimStatus.IN_PROGRESS))
    assert claim not in queue

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            _url(claim, refused), {"documents": [upload(sharp_jpeg(), "lab.jpg", "image/jpeg")]}
        )
    assert response.status_code == 302 and response["Location"] == reverse("claims:detail", args=[claim.public_id])

    claim.refresh_from_db()
    refused.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS and claim.decided_at is None
    assert (
        refused.decision == ItemDecision.PENDING and refused.refusal_reason == "" and refused.reimbursed_amount is None
    )
    document = refused.documents.order_by("pk").last()
    assert document.original_name == "lab.jpg" and document.content_type == "image/jpeg"
    assert claim in backoffice_queue(
        actor=claims_staff["profile"], filters=QueueFilters(status=ClaimStatus.IN_PROGRESS)
    )
    event = AuditEvent.objects.filter(action=selectors.DOCUMENT_ADDED).get()
    assert event.data["item"] == 2 and event.data["documents"] == 1
    assert event.data["from"] == ClaimStatus.PARTIALLY_VALIDATED and event.data["to"] == ClaimStatus.IN_PROGRESS

    page = member_client.get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    steps = _timeline(page)
    assert "Missing document sent" in steps and "Decision (in progress)" in steps
    assert "Thank you: the document is added and your claim is examined again." in page
    assert 'class="upload-form"' not in page

    # Staff accept it: the first item keeps what the first decision froze and the ledger gets one line more.
    lines_before = BenefitLine.objects.count()
    first = claim.items.get(position=1)
    frozen = first.reimbursed_amount
    services.care_item_assess(
        actor=staff, item=refused, base_amount=D(40), compulsory_paid=D(24), decision=ItemDecision.ACCEPTED
    )
    claim = services.claim_decide(actor=staff, claim=claim)
    assert claim.status == ClaimStatus.VALIDATED
    first.refresh_from_db()
    refused.refresh_from_db()
    assert first.reimbursed_amount == frozen and refused.reimbursed_amount > 0
    assert BenefitLine.objects.count() == lines_before + 1
    assert claim.total_reimbursed == frozen + refused.reimbursed_amount


@pytest.mark.django_db
def test_a_decided_item_cannot_be_changed_nor_the_claim_rejected_when_examined_again(
    member_client, family, claims_staff
):
    from django.core.exceptions import ValidationError

    staff = claims_staff["user"]
    claim = _partly_refused(family, staff)
    refused = claim.items.get(position=2)
    services.claim_item_documents_add(actor=family["user"], item=refused, files=[pdf_upload()])
    first = claim.items.get(position=1)
    with pytest.raises(ValidationError, match="decided already"):
        services.care_item_assess(
            actor=staff,
            item=first,
            base_amount=D(30),
            compulsory_paid=D(21),
            decision=ItemDecision.REFUSED,
            refusal_reason=RefusalReason.OTHER,
        )
    with pytest.raises(ValidationError, match="validated already"):
        services.claim_reject(actor=staff, claim=claim, reason=RefusalReason.OTHER)


@pytest.mark.django_db
def test_a_bad_file_is_refused_with_its_reason_and_changes_nothing(member_client, family, claims_staff, settings):
    claim = _partly_refused(family, claims_staff["user"])
    refused = claim.items.get(position=2)
    files_before = len(stored_files(settings))
    events_before = AuditEvent.objects.count()
    response = member_client.post(
        _url(claim, refused), {"documents": [upload(b"MZ" + b"\x00" * 64, "virus.exe", "application/octet-stream")]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and "virus.exe" in html
    response = member_client.post(_url(claim, refused), {})
    assert response.status_code == 400
    assert "Add at least one supporting document: a photo or a PDF of the bill." in response.content.decode()
    claim.refresh_from_db()
    refused.refresh_from_db()
    assert claim.status == ClaimStatus.PARTIALLY_VALIDATED and refused.decision == ItemDecision.REFUSED
    assert refused.documents.count() == 1 and len(stored_files(settings)) == files_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_too_many_documents_are_refused(member_client, family, claims_staff, settings):
    settings.CLAIM_MAX_DOCUMENTS_PER_ITEM = 2
    claim = _partly_refused(family, claims_staff["user"])
    refused = claim.items.get(position=2)
    response = member_client.post(_url(claim, refused), {"documents": [pdf_upload(), pdf_upload()]})
    assert response.status_code == 400 and "Attach 2 documents at most to a care item." in response.content.decode()
    assert refused.documents.count() == 1


@pytest.mark.django_db
def test_only_the_member_who_sent_it_and_only_on_an_item_waiting_for_a_document(
    member_client, family, other_family, claims_staff
):
    staff = claims_staff["user"]
    claim = _partly_refused(family, staff)
    accepted, refused = claim.items.order_by("position")
    post = {"documents": [pdf_upload()]}
    assert member_client.post(_url(claim, accepted), post).status_code == 404  # not waiting for anything
    other = log_in(Client(), other_family["user"])
    assert other.post(_url(claim, refused), post).status_code == 404
    assert claims_staff["client"].post(_url(claim, refused), post).status_code == 404
    assert member_client.get(_url(claim, refused)).status_code == 405
    # Paid: the decision stands; the page says to send it with a new claim.
    services.claim_mark_paid(actor=staff, claim=claim)
    assert member_client.post(_url(claim, refused), post).status_code == 404
    page = member_client.get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    assert "send the missing document with a new claim" in page and 'class="upload-form"' not in page
    assert CareDocument.objects.filter(item=refused).count() == 1


@pytest.mark.django_db
def test_an_item_refused_for_an_illegible_document_takes_a_new_one(family, claims_staff):
    claim = _partly_refused(family, claims_staff["user"], reason=RefusalReason.ILLEGIBLE_DOCUMENTS)
    refused = claim.items.get(position=2)
    services.claim_item_documents_add(actor=family["user"], item=refused, files=[pdf_upload()])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS
