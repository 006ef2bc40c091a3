"""The back office's claims pages (SPEC C6, C7, B3): queue, review, assessment, decision, documents, rates."""

import io
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
from audit.models import AuditEvent
from claims.choices import ClaimStatus, ItemDecision, RefusalReason
from claims.models import CareDocument, Claim, ClaimsSuspension, ExchangeRate
from claims.tests.conftest import item, log_in, make_claim, pdf_upload, sharp_jpeg, upload
from people.tests.factories import company
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db
D = Decimal


def review_url(claim, name="review"):
    return reverse(f"claims_backoffice:{name}", args=[claim.public_id])


def assessment(claim, by_position=None):
    by_position = by_position or {}
    data = {}
    for care in claim.items.order_by("position"):
        prefix = f"item{care.position}-"
        fields = {
            "base_amount": str(care.amount_eur),  # issue 13: the base is entered, never defaulted
            "compulsory_paid": "0",
            "decision": "accepted",
            "refusal_reason": "",
            "comment": "",
            **by_position.get(care.position, {}),
        }
        data.update({prefix + key: value for key, value in fields.items()})
    return data


def test_review_assess_and_decide(family, claims_staff, django_capture_on_commit_callbacks):
    client = claims_staff["client"]
    claim = make_claim(
        family,
        [item(), item(category="T_OSTEO", amount=D("50.00"))],
        files=[[upload(sharp_jpeg(), "gp.jpg", "image/jpeg")], [pdf_upload("osteo.pdf")]],
    )
    page = client.get(review_url(claim))
    html = page.content.decode()
    assert page.status_code == 200 and claim.reference in html and "<img" in html and "Download osteo.pdf" in html
    assert AuditEvent.objects.filter(action="personal_data.viewed", data__reason="claim_review").exists()
    posted = client.post(
        review_url(claim, "assess"),
        assessment(
            claim,
            {
                1: {"base_amount": "30.00", "compulsory_paid": "21.00"},
                2: {"decision": "refused", "refusal_reason": RefusalReason.ILLEGIBLE_DOCUMENTS, "comment": "Blurred."},
            },
        ),
    )
    assert posted.status_code == 302
    preview = client.get(review_url(claim)).content.decode()
    assert "Computed now: 39.00 EUR" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url(claim, "decide"), {"note": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PARTIALLY_VALIDATED and claim.total_reimbursed == D("39.00")
    assert "Partially validated" in mail.outbox[-1].subject
    assert "Reimbursed: 39.00 EUR" in client.get(review_url(claim)).content.decode()


def test_an_invalid_assessment_changes_nothing(family, claims_staff):
    client = claims_staff["client"]
    claim = make_claim(family)
    bad = client.post(review_url(claim, "assess"), assessment(claim, {1: {"decision": "refused"}}))
    assert bad.status_code == 400 and "Give the reason" in bad.content.decode()
    over = client.post(review_url(claim, "assess"), assessment(claim, {1: {"compulsory_paid": "80"}}))
    assert over.status_code == 302
    assert claim.items.get().decision == ItemDecision.PENDING
    early = client.post(review_url(claim, "decide"), {"note": ""})
    assert early.status_code == 302 and Claim.objects.get().status == ClaimStatus.IN_PROGRESS


def test_reject_originals_and_suspension_from_the_review(family, claims_staff):
    client = claims_staff["client"]
    claim = make_claim(family)
    client.post(review_url(claim, "originals"), {"note": "Send the receipt."})
    client.post(review_url(claim, "suspend"), {"reason": "non_compliant_documents", "explanation": "Edited bills."})
    assert ClaimsSuspension.objects.get().person == family["holder"]
    assert "suspended" in client.get(review_url(claim)).content.decode()
    client.post(review_url(claim, "reject"), {"reason": RefusalReason.SERVICE_SUSPENDED, "note": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.originals_note == "Send the receipt."
    suspension = ClaimsSuspension.objects.get()
    listing = client.get(reverse("claims_backoffice:suspensions"))
    assert "Edited bills." in listing.content.decode()
    client.post(reverse("claims_backoffice:restore", args=[suspension.public_id]), {"note": "ok"})
    assert ClaimsSuspension.objects.get().lifted_at is not None


def test_documents_are_served_to_claims_staff_only_and_each_read_is_logged(family, claims_staff):
    claim = make_claim(family, files=[[upload(sharp_jpeg(), "receipt.heic", "image/heic"), pdf_upload("bill.pdf")]])
    image, pdf = CareDocument.objects.filter(item__claim=claim).order_by("pk")
    client = claims_staff["client"]
    shown = client.get(reverse("claims_backoffice:document", args=[image.public_id]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown["Content-Disposition"].startswith("inline") and "receipt.jpg" in shown["Content-Disposition"]
    assert b"".join(shown.streaming_content)[:3] == b"\xff\xd8\xff"
    downloaded = client.get(reverse("claims_backoffice:document", args=[pdf.public_id]))
    assert downloaded["Content-Disposition"].startswith("attachment") and downloaded["Cache-Control"] == (
        "private, no-store"
    )
    reads = AuditEvent.objects.filter(action="personal_data.viewed", data__reason__startswith="claim_document")
    assert reads.count() == 2
    assert client.get(reverse("claims_backoffice:document", args=[uuid.uuid4()])).status_code == 404


def test_other_roles_and_profiles_get_404_everywhere(family, claims_staff):
    claim = make_claim(family)
    document = CareDocument.objects.get()
    urls = [
        reverse("claims_backoffice:queue"),
        reverse("claims_backoffice:rates"),
        reverse("claims_backoffice:suspensions"),
        review_url(claim),
        reverse("claims_backoffice:document", args=[document.public_id]),
    ]
    posts = [review_url(claim, name) for name in ("assess", "decide", "reject", "originals", "suspend")]
    requests_staff = logged_in_staff(StaffRole.REQUESTS)[0]
    member = log_in(Client(), family["user"])
    for client in (requests_staff, member):
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in posts:
            assert client.post(url, {}).status_code == 404, url
    assert Client().get(urls[0]).status_code == 302
    admin = logged_in_staff(StaffRole.ADMINISTRATOR)[0]
    assert admin.get(urls[3]).status_code == 200
    assert claims_staff["client"].get(reverse("claims_backoffice:review", args=[uuid.uuid4()])).status_code == 404


def test_the_queue_filters(family, other_family, claims_staff):
    client = claims_staff["client"]
    cheap = make_claim(family, [item(amount=D("20.00"))])
    optics = make_claim(family, [item(category="T_OPTICS", amount=D("300.00"))])
    twin_a = make_claim(other_family, [item(amount=D("45.00"))])
    twin_b = make_claim(other_family, [item(amount=D("45.00"))])
    Claim.objects.filter(pk=cheap.pk).update(submitted_at=timezone.now() - timedelta(days=20))

    def listed(**params):
        return {c.reference for c in client.get(reverse("claims_backoffice:queue"), params).context["page"]}

    everything = {cheap.reference, optics.reference, twin_a.reference, twin_b.reference}
    assert listed() == everything
    assert listed(age="14") == {cheap.reference}
    assert listed(min_total="100") == {optics.reference}
    assert listed(max_total="30") == {cheap.reference}
    assert listed(category="T_OPTICS") == {optics.reference}
    assert listed(duplicates="on") == {twin_a.reference, twin_b.reference}
    assert listed(status="validated") == set()
    assert listed(min_total="abc") == everything  # a bad filter shows everything, not an error
    assert "Possible duplicate" in client.get(reverse("claims_backoffice:queue")).content.decode()


def test_queue_queries_do_not_grow(family, claims_staff):
    client = claims_staff["client"]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("claims_backoffice:queue"), {"status": "in_progress"}).status_code == 200
        return len(queries)

    for n in range(5):
        make_claim(family, [item(amount=D(10 + n))])
    count()
    few = count()
    for n in range(25):
        make_claim(
            family,
            [item(amount=D(30 + n)), item(category="T_OSTEO", amount=D(5))],
            files=[[pdf_upload()], [pdf_upload()]],
        )
    assert count() == few


def test_a_queue_past_the_count_cap_says_so_and_pages_through_the_first_rows(family, claims_staff, monkeypatch):
    monkeypatch.setattr("core.pagination.QUEUE_COUNT_CAP", 3)
    monkeypatch.setattr("claims.backoffice_views.PAGE_SIZE", 2)
    claims = [make_claim(family, [item(amount=D(10 + n))]) for n in range(5)]
    client = claims_staff["client"]

    first = client.get(reverse("claims_backoffice:queue"))
    page = first.context["page"]
    assert page.paginator.capped and page.paginator.count == 3 and page.paginator.num_pages == 2
    assert "More than 3 claims match" in first.content.decode()
    beyond = client.get(reverse("claims_backoffice:queue"), {"page": "9"}).context["page"]
    assert beyond.number == 2 and [c.pk for c in beyond] == [claims[2].pk]  # oldest first: the third row
    narrowed = client.get(reverse("claims_backoffice:queue"), {"max_total": "11"})
    assert not narrowed.context["page"].paginator.capped
    assert "2 claims, oldest first." in narrowed.content.decode()


def test_rates_page_loads_the_csv(claims_staff):
    client = claims_staff["client"]
    csv = b"Date,USD,JPY,\n2026-01-05,1.1700,182.10,\n2026-01-02,1.1735,N/A,\n"
    response = client.post(reverse("claims_backoffice:rates"), {"file": io.BytesIO(csv)})
    assert response.status_code == 302 and ExchangeRate.objects.count() == 3
    page = client.get(reverse("claims_backoffice:rates")).content.decode()
    assert "1.170000" in page or "1.17" in page
    bad = client.post(reverse("claims_backoffice:rates"), {"file": io.BytesIO(b"nonsense")})
    assert bad.status_code == 400 and ExchangeRate.objects.count() == 3


def test_the_backoffice_home_lists_the_claims_queues(family, claims_staff):
    make_claim(family)
    home = claims_staff["client"].get(reverse("backoffice:home")).content.decode()
    assert reverse("claims_backoffice:queue") in home and reverse("claims_backoffice:rates") in home
    member_home = log_in(Client(), family["user"]).get(reverse("accounts:dashboard"))
    assert reverse("claims:new") in member_home.content.decode()
    company_profile = f.profile(ProfileKind.COMPANY, company())
    dashboard = log_in(Client(), company_profile.user).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("claims:new") not in dashboard


def test_the_pagination_links_keep_the_filters(family, claims_staff, monkeypatch):
    monkeypatch.setattr("claims.backoffice_views.PAGE_SIZE", 2)
    for n in range(5):
        make_claim(family, [item(amount=D(10 + n))])
    page = claims_staff["client"].get(reverse("claims_backoffice:queue"), {"status": "in_progress", "page": "2"})
    html = page.content.decode()
    assert 'href="?status=in_progress&amp;page=3" rel="next"' in html
    assert 'href="?status=in_progress&amp;page=1" rel="prev"' in html
