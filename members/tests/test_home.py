"""The member's home (issue 14) and GET /api/me/home (issue 11): the same content, from one selector, in a constant
number of queries whatever the member's history."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from api import services as api_services
from benefits.tests import factories as bf
from claims.choices import ClaimStatus, ItemDecision
from contracts.choices import PaymentMethod
from contributions.choices import CallStatus
from contributions.models import ContributionCall
from demarches.choices import RequestStatus
from documents.pdf import paris_today
from members.selectors import home_summary
from people.tests.factories import company as company_factory

pytestmark = pytest.mark.django_db
BUDGET = 10
_receipts = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fam():
    return bf.family(product=bf.tp_product())


def page_client(profile) -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


def bearer(profile) -> dict[str, str]:
    secret = api_services.token_create(actor=profile.user, profile=profile, name="home", via="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def call(contract, *, due_in_days: int, amount: str = "123.45") -> ContributionCall:
    due = paris_today() + timedelta(days=due_in_days)
    return ContributionCall.objects.create(
        contract=contract,
        receipt_number=f"Q-HOME-{next(_receipts):06d}-{uuid.uuid4().hex[:3]}",
        period_start=due - timedelta(days=10),
        period_end=due + timedelta(days=80),
        quarter="2026-Q1",
        issued_on=due - timedelta(days=30),
        due_date=due,
        amount_due=Decimal(amount),
        status=CallStatus.ISSUED,
    )


def in_progress_claim(fam, **fields):
    claim = bf.decided_claim(fam, status=ClaimStatus.VALIDATED)
    claim.items.update(decision=ItemDecision.PENDING, reimbursed_amount=None)
    claim.status, claim.decided_at = ClaimStatus.IN_PROGRESS, None
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.save()
    return claim


def history(fam, size: int) -> None:
    """``size`` of everything the home reads: decided claims, claims in progress, refusals, calls."""
    for _ in range(size):
        bf.decided_claim(fam, [("B_GP", "30.00", "16.50", "13.50"), ("B_OPTICS", "300.00", "0.09", "150.00")])
        in_progress_claim(fam)
        refused = bf.decided_claim(
            fam, status=ClaimStatus.PARTIALLY_VALIDATED, ledger=False
        )  # every item refused below
        refused.items.update(decision=ItemDecision.REFUSED, refusal_reason="missing_documents", reimbursed_amount=None)
        shift = next(_receipts)
        call(fam["contract"], due_in_days=-40 - shift)
        call(fam["contract"], due_in_days=20 + shift)


def test_the_home_shows_the_last_reimbursement_in_euros_with_what_is_left_to_pay(fam):
    bf.decided_claim(fam, [("B_GP", "30.00", "16.50", "13.50"), ("B_OPTICS", "1300.00", "0.09", "150.00")])
    page = page_client(fam["profile"]).get(reverse("accounts:dashboard")).content.decode()
    assert "My last reimbursements" in page
    for amount in ("€1,330.00", "€16.59", "€163.50", "€1,149.91"):  # spent, compulsory scheme, we paid, left to pay
        assert amount in page
    assert page.index("Make a claim") < page.index("My last reimbursements")
    assert reverse("benefits:card") in page


def test_the_home_reads_the_ledger_so_automatic_reimbursements_appear_too(fam, client):
    from ledger.tests.factories import flow_row, import_flow

    claim = bf.decided_claim(fam, [("B_GP", "30.00", "16.50", "13.50"), ("B_OPTICS", "300.00", "0.09", "150.00")])
    import_flow([flow_row("NOEMIE-HOME-1", fam, who="child", category="B_GP", expense="30.00", paid="19.00")])
    first, second = home_summary(fam["profile"]).reimbursements
    assert (first.claim_id, first.reference, first.beneficiary, first.channel) == (
        None,
        "NOEMIE-HOME-1",
        fam["child"].person.full_name,
        "scheme_flow",
    )
    assert (first.spent, first.compulsory, first.reimbursed, first.left_to_pay, first.status) == (
        Decimal("30.00"),
        Decimal("19.00"),
        Decimal("11.00"),
        Decimal("0.00"),
        "queued",
    )
    assert (second.claim_id, second.reimbursed, second.left_to_pay) == (
        claim.public_id,
        Decimal("163.50"),
        Decimal("149.91"),
    )
    page = page_client(fam["profile"]).get(reverse("accounts:dashboard")).content.decode()
    assert "NOEMIE-HOME-1" in page and "Automatic (compulsory scheme)" in page and claim.reference in page
    body = client.get("/api/me/home", **bearer(fam["profile"])).json()
    assert [(r["channel"], r["claim_id"], r["reimbursed"]) for r in body["reimbursements"]] == [
        ("scheme_flow", None, "11.00"),
        ("online", str(claim.public_id), "163.50"),
    ]


def test_the_home_speaks_french_money(fam):
    bf.decided_claim(fam, [("B_OPTICS", "1300.00", "0.09", "150.00")])
    client = page_client(fam["profile"])
    client.cookies["om_language"] = "fr"
    fam["profile"].user.language = "fr"
    fam["profile"].user.save(update_fields=["language"])
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1\u00a0149,91\u00a0€" in page


def test_overdue_contributions_are_apart_from_the_upcoming_ones_with_one_action(fam):
    fam["contract"].payment_method = PaymentMethod.TRANSFER
    fam["contract"].save(update_fields=["payment_method"])
    call(fam["contract"], due_in_days=-50, amount="476.40")
    call(fam["contract"], due_in_days=25, amount="200.00")
    summary = home_summary(fam["profile"])
    assert summary.contributions.overdue == Decimal("476.40")
    assert summary.contributions.upcoming == Decimal("200.00")
    page = page_client(fam["profile"]).get(reverse("accounts:dashboard")).content.decode()
    assert "€476.40 of contributions overdue since" in page
    assert "Pay the overdue contributions" in page
    assert "Next: €200.00 due on" in page


def test_an_overdue_direct_debit_call_is_not_offered_a_card_payment(fam):
    fam["contract"].payment_method = PaymentMethod.DIRECT_DEBIT
    fam["contract"].save(update_fields=["payment_method"])
    call(fam["contract"], due_in_days=-50, amount="476.40")
    page = page_client(fam["profile"]).get(reverse("accounts:dashboard")).content.decode()
    assert "€476.40 of contributions overdue" in page
    assert "Pay the overdue contributions" not in page
    assert "direct debit" in page


def test_what_we_wait_for_originals_a_missing_document_and_a_request(fam):
    waiting = in_progress_claim(fam, originals_requested_at=timezone.now(), originals_note="Send the lab invoice.")
    refused = bf.decided_claim(fam, status=ClaimStatus.PARTIALLY_VALIDATED, ledger=False)  # every item refused below
    refused.items.update(decision=ItemDecision.REFUSED, refusal_reason="missing_documents", reimbursed_amount=None)
    summary = home_summary(fam["profile"])
    kinds = [item.kind for item in summary.awaited]
    assert kinds == ["originals", "missing_document"]  # no overdue call here; the claim is not paid
    assert "Send the lab invoice." in summary.awaited[0].text
    assert summary.claims_in_progress[0].reference == waiting.reference
    assert "originals" in summary.claims_in_progress[0].next_step
    page = page_client(fam["profile"]).get(reverse("accounts:dashboard")).content.decode()
    assert "We are waiting for you" in page
    assert refused.reference in page
    # The document is added on the claim's own page (issue 14), while the claim is not paid; after, in a new claim.
    assert summary.awaited[1].url == reverse("claims:detail", args=[refused.public_id])
    assert "Add the missing document on the claim's page." in summary.awaited[1].text
    refused.paid_at = timezone.now()
    refused.save(update_fields=["paid_at"])
    paid = home_summary(fam["profile"]).awaited[1]
    assert (paid.kind, paid.url) == ("document", reverse("claims:new"))


def test_a_request_awaiting_the_members_return_waits_on_the_home(fam):
    from demarches.models import Request

    request = Request.objects.create(
        reference="DEM-HOME-1",
        kind="question",
        author=fam["profile"].user,
        author_profile=fam["profile"],
        subject_person=fam["holder"],
        status=RequestStatus.AWAITING_RETURN,
        submitted_at=timezone.now(),
    )
    awaited = home_summary(fam["profile"]).awaited
    assert [item.kind for item in awaited] == ["request"]
    assert str(request.public_id) in awaited[0].url


def test_a_ceiling_running_out_is_shown(fam):
    claim = bf.decided_claim(fam, [("B_OPTICS", "300.00", "0.09", "130.00")])
    steps = [
        {
            "code": "period_ceiling",
            "amount": "130.00",
            "params": {"ceiling": "150.00", "consumed": "0.00", "cap": "150.00", "years": "1"},
        }
    ]
    claim.items.update(explanation={"steps": steps})
    ceilings = home_summary(fam["profile"]).ceilings
    assert [(c.category, c.ceiling, c.left) for c in ceilings] == [("Glasses", Decimal("150.00"), Decimal("20.00"))]
    assert (
        "€20.00 left of €150.00 a year"
        in page_client(fam["profile"]).get(reverse("accounts:dashboard")).content.decode()
    )


def test_the_api_returns_what_the_page_shows(fam, client):
    fam["contract"].payment_method = PaymentMethod.TRANSFER
    fam["contract"].save(update_fields=["payment_method"])
    bf.decided_claim(fam, [("B_GP", "30.00", "16.50", "13.50"), ("B_OPTICS", "300.00", "0.09", "150.00")])
    call(fam["contract"], due_in_days=-50, amount="476.40")
    call(fam["contract"], due_in_days=25, amount="200.00")
    response = client.get("/api/me/home", **bearer(fam["profile"]))
    assert response.status_code == 200, response.content
    body = response.json()
    first = body["reimbursements"][0]
    assert (first["spent"], first["compulsory"], first["reimbursed"], first["left_to_pay"]) == (
        "330.00",
        "16.59",
        "163.50",
        "149.91",
    )
    assert body["contributions"]["overdue"] == "476.40"
    assert body["contributions"]["upcoming"] == "200.00"
    assert body["contributions"]["by_direct_debit"] is False
    assert [item["kind"] for item in body["awaited"]] == ["contributions"]
    assert body["awaited"][0]["text"].startswith("€476.40 of contributions overdue since")
    assert body["claims_in_progress"] == [] and body["ceilings"] == []


def test_the_api_home_is_for_members_only(client):
    company = f.profile(ProfileKind.COMPANY, company_factory())
    assert client.get("/api/me/home", **bearer(company)).status_code == 404
    assert client.get("/api/me/home").status_code == 401


def test_the_api_home_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/me/home"]["get"]
    assert "HomeOut" in str(operation["responses"]["200"])
    assert "left_to_pay" in schema["components"]["schemas"]["ReimbursementOut"]["properties"]


def _queries(send) -> int:
    """The queries of one request, less the SAVEPOINT/RELEASE pairs that exist only because a test runs inside a
    transaction (in production the session's save is one UPDATE in its own transaction)."""
    with CaptureQueriesContext(connection) as captured:
        assert send().status_code == 200
    real = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(real) <= BUDGET, "\n".join(real)
    return len(real)


def test_page_and_api_stay_within_ten_queries_whatever_the_history(fam, client):
    browser = page_client(fam["profile"])
    headers = bearer(fam["profile"])
    history(fam, 1)
    browser.get(reverse("accounts:dashboard"))  # the login's first page also writes its session: measured after
    page_small = _queries(lambda: browser.get(reverse("accounts:dashboard")))
    api_small = _queries(lambda: client.get("/api/me/home", **headers))
    # The app's web view calls the API with the login's session: the profile the middleware read is not read again.
    session_small = _queries(lambda: browser.get("/api/me/home"))
    history(fam, 12)
    assert _queries(lambda: browser.get(reverse("accounts:dashboard"))) == page_small
    assert _queries(lambda: browser.get("/api/me/home")) == session_small
    assert _queries(lambda: client.get("/api/me/home", **headers)) <= api_small  # last_used_at: once a while
