"""The member's pages: the claim form step by step, the draft kept server-side, tracking (SPEC C1-C5)."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from claims import services
from claims.choices import ItemDecision, SuspensionReason
from claims.models import CareDocument, Claim, ClaimDraft
from claims.tests.conftest import (
    blurred_jpeg,
    days_ago,
    item,
    log_in,
    make_claim,
    pdf_upload,
    sharp_jpeg,
    stored_files,
    today,
    upload,
)
from people.models import Company
from people.tests.factories import company

pytestmark = pytest.mark.django_db
D = Decimal


def start(client, beneficiary):
    return client.post(reverse("claims:new"), {"beneficiary": str(beneficiary.public_id)})


def add_item(client, files=None, **fields):
    data = {
        "care_date": days_ago(10).isoformat(),
        "category": "T_GP",
        "practitioner": "Dr Martin",
        "country": "FR",
        "amount": "60.00",
        "currency": "EUR",
        **fields,
        "documents": files if files is not None else [pdf_upload()],
    }
    return client.post(reverse("claims:items"), data)


def test_the_whole_flow(member_client, family, django_capture_on_commit_callbacks, settings):
    page = member_client.get(reverse("claims:new"))
    assert page.status_code == 200 and "Léa" in page.content.decode()
    assert start(member_client, family["child"]).url == reverse("claims:items")
    items_page = member_client.get(reverse("claims:items"))
    assert "Receipted invoice." in items_page.content.decode()  # the required documents of the care types
    response = add_item(member_client, [pdf_upload("invoice.pdf"), upload(sharp_jpeg(), "photo.jpg", "image/jpeg")])
    assert response.status_code == 302
    summary = member_client.get(reverse("claims:summary"))
    html = summary.content.decode()
    assert "Total: €60.00" in html and "invoice.pdf" in html and "2 years" in html and "CLAIMS-2026-01" in html
    key = summary.context["form"].initial["idempotency_key"]
    with django_capture_on_commit_callbacks(execute=True):
        done = member_client.post(reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key})
    claim = Claim.objects.get()
    assert done.url == reverse("claims:detail", args=[claim.public_id])
    assert claim.beneficiary == family["child"].person
    assert CareDocument.objects.filter(item__claim=claim).count() == 2 and not ClaimDraft.objects.exists()
    assert len(stored_files(settings)) == 2 and len(mail.outbox) == 1
    detail = member_client.get(done.url)
    assert claim.reference in detail.content.decode() and "In progress" in detail.content.decode()


def test_submitting_twice_makes_one_claim(member_client, family):
    start(member_client, family["principal"])
    add_item(member_client)
    key = member_client.get(reverse("claims:summary")).context["form"].initial["idempotency_key"]
    first = member_client.post(reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key})
    second = member_client.post(reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key})
    assert first.url == second.url and Claim.objects.count() == 1


def test_the_terms_must_be_accepted(member_client, family):
    start(member_client, family["principal"])
    add_item(member_client)
    key = member_client.get(reverse("claims:summary")).context["form"].initial["idempotency_key"]
    response = member_client.post(reverse("claims:submit"), {"idempotency_key": key})
    assert response.status_code == 400 and "accept_terms" in response.context["form"].errors
    assert not Claim.objects.exists() and ClaimDraft.objects.exists()


def test_the_draft_survives_closing_the_browser(member_client, family):
    start(member_client, family["principal"])
    add_item(member_client, practitioner="Dr Resume")
    member_client.logout()
    fresh = log_in(Client(), family["user"])
    page = fresh.get(reverse("claims:items"))
    assert "Dr Resume" in page.content.decode()
    assert "Continue my claim" in fresh.get(reverse("claims:new")).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM claims_claimdraft")
        assert "Dr Resume" not in cursor.fetchone()[0]  # encrypted at rest


def test_a_bad_file_is_refused_and_nothing_is_stored(member_client, family, settings):
    start(member_client, family["principal"])
    exe = upload(b"MZ\x90\x00" + b"\x00" * 300, "invoice.pdf")
    response = add_item(member_client, [pdf_upload(), exe])
    assert response.status_code == 400
    assert "is not a PDF, JPEG, PNG or HEIC document" in response.content.decode()
    assert not CareDocument.objects.exists() and stored_files(settings) == []
    assert ClaimDraft.objects.get().data["items"] == []
    empty = add_item(member_client, [upload(b"", "empty.pdf")])
    assert empty.status_code == 400 and not CareDocument.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"care_date": (timezone.localdate() + timedelta(days=2)).isoformat()}, "care_date", "future"),
        ({"category": "T_HOSP"}, "category", "valid choice"),
        ({"currency": "XYZ"}, "currency", "valid choice"),
        ({"amount": "-5"}, "amount", "greater than or equal"),
    ],
)
def test_item_errors_are_shown_on_their_field(member_client, family, settings, fields, field, text):
    start(member_client, family["principal"])
    response = add_item(member_client, **fields)
    assert response.status_code == 400 and text in " ".join(response.context["form"].errors[field])
    assert stored_files(settings) == []


def test_six_documents_and_an_eleventh_item_are_refused(member_client, family, settings):
    start(member_client, family["principal"])
    response = add_item(member_client, [pdf_upload() for _ in range(6)])
    assert response.status_code == 400 and "5 documents at most" in response.content.decode()
    settings.CLAIM_MAX_ITEMS = 2
    add_item(member_client)
    add_item(member_client, amount="61.00")
    third = add_item(member_client, amount="62.00")
    assert third.status_code == 400 and "2 care items at most" in third.content.decode()
    assert len(ClaimDraft.objects.get().data["items"]) == 2


def test_a_total_over_500_is_explained_before_submission(member_client, family):
    start(member_client, family["principal"])
    add_item(member_client, amount="300.00")
    add_item(member_client, amount="250.00", care_date=days_ago(12).isoformat())
    summary = member_client.get(reverse("claims:summary"))
    assert "under 500 EUR" in summary.content.decode() and summary.context["assessment"].problems
    key = summary.context["form"].initial["idempotency_key"]
    refused = member_client.post(reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key})
    assert refused.status_code == 400 and not Claim.objects.exists()


def test_a_blurred_photo_is_flagged_before_submission(member_client, family):
    start(member_client, family["principal"])
    add_item(member_client, [upload(blurred_jpeg(), "blurred.jpg", "image/jpeg")])
    add_item(member_client, [upload(sharp_jpeg(), "sharp.jpg", "image/jpeg")], amount="61.00")
    html = member_client.get(reverse("claims:summary")).content.decode()
    assert html.count("looks blurred") == 1


def test_documents_and_items_can_be_removed_and_added(
    member_client, family, settings, django_capture_on_commit_callbacks
):
    start(member_client, family["principal"])
    add_item(member_client)
    key = ClaimDraft.objects.get().data["items"][0]["key"]
    member_client.post(reverse("claims:item_documents", args=[key]), {"documents": [pdf_upload()]})
    assert CareDocument.objects.count() == 2
    doc = CareDocument.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("claims:draft_document_remove", args=[doc.public_id]))
    assert CareDocument.objects.count() == 1 and len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("claims:item_remove", args=[key]), {"confirmed": "yes"})
    assert ClaimDraft.objects.get().data["items"] == [] and stored_files(settings) == []
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("claims:discard"), {"confirmed": "yes"})
    assert not ClaimDraft.objects.exists()


def test_a_suspended_member_sees_why(member_client, family, claims_staff):
    services.claims_suspend(
        actor=claims_staff["user"],
        person=family["holder"],
        reason=SuspensionReason.NON_COMPLIANT_DOCUMENTS,
        explanation="Illegible photos again.",
    )
    page = member_client.get(reverse("claims:new"))
    assert "Illegible photos again." in page.content.decode() and "form" not in page.context
    assert member_client.get(reverse("claims:items")).status_code == 200  # the same explanation, no form


def test_a_dependant_login_is_told_only_subscribers_claim(family):
    child_profile = f.profile(ProfileKind.MEMBER, family["child"].person)
    page = log_in(Client(), child_profile.user).get(reverse("claims:new"))
    assert "Only a subscriber" in page.content.decode()


# --- Tracking and access ------------------------------------------------------------------------


def test_tracking_shows_amounts_and_the_computation(member_client, family, claims_staff):
    claim = make_claim(family)
    care = claim.items.get()
    services.care_item_assess(
        actor=claims_staff["user"], item=care, base_amount=D(30), compulsory_paid=D(21), decision=ItemDecision.ACCEPTED
    )
    services.claim_decide(actor=claims_staff["user"], claim=claim)
    services.claim_request_originals(actor=claims_staff["user"], claim=claim, note="Post the original invoice.")
    html = member_client.get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    assert "Validated" in html and "39.00" in html and "200 % of the base" in html
    assert "Post the original invoice." in html
    listing = member_client.get(reverse("claims:list")).content.decode()
    assert claim.reference in listing and "Originals requested" in listing


def test_access_matrix_for_member_urls(family, other_family):
    own = make_claim(family, beneficiary=family["child"])
    foreign = make_claim(other_family)
    own_doc = CareDocument.objects.filter(item__claim=own).first()
    foreign_doc = CareDocument.objects.filter(item__claim=foreign).first()
    subscriber = log_in(Client(), family["user"])
    urls = {
        "detail": (
            reverse("claims:detail", args=[own.public_id]),
            reverse("claims:detail", args=[foreign.public_id]),
            reverse("claims:detail", args=[uuid.uuid4()]),
        ),
        "document": (
            reverse("claims:document", args=[own_doc.public_id]),
            reverse("claims:document", args=[foreign_doc.public_id]),
            reverse("claims:document", args=[uuid.uuid4()]),
        ),
    }
    for mine, theirs, missing in urls.values():
        assert subscriber.get(mine).status_code == 200
        assert subscriber.get(theirs).status_code == subscriber.get(missing).status_code == 404
    download = subscriber.get(urls["document"][0])
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    child = log_in(Client(), f.profile(ProfileKind.MEMBER, family["child"].person).user)  # the beneficiary
    assert child.get(urls["detail"][0]).status_code == 200 and child.get(urls["detail"][1]).status_code == 404
    assert own.reference in child.get(reverse("claims:list")).content.decode()
    outsiders = [
        f.profile(ProfileKind.COMPANY, company()).user,
        f.staff(StaffRole.REQUESTS).user,
    ]
    for user in outsiders:
        client = log_in(Client(), user)
        if user.is_staff:
            from twofactor.tests.helpers import login_verified

            client = Client()
            login_verified(client, user)
        for url in [reverse("claims:list"), reverse("claims:new"), urls["detail"][0], urls["document"][0]]:
            assert client.get(url).status_code == 404, url
    anonymous = Client().get(urls["detail"][0])
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert Company.objects.exists()


def test_member_list_queries_do_not_grow(member_client, family):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(reverse("claims:list")).status_code == 200
        return len(queries)

    for n in range(5):
        make_claim(family, [item(amount=D(10 + n))])
    count()  # warm the per-process caches (terms in force, content types)
    few = count()
    for n in range(25):
        make_claim(
            family,
            [item(amount=D(20 + n)), item(category="T_OSTEO", amount=D(5))],
            files=[[pdf_upload()], [pdf_upload()]],
        )
    assert count() == few
    assert today()
