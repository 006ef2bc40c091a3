"""Issue 13 through what users get: the back office's flow upload and rejection queue, the member's feed in the
API, the import through the API for claims staff only."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from api.services import token_create
from ledger import flow
from ledger.models import BenefitLine, FlowRejection


def _rows(family, refs):
    return [
        {
            "statement_ref": ref,
            "membership_number": family["holder"].membership_number if ref != "W-unknown" else "0000000000",
            "birth_date": str(family["holder"].birth_date),
            "category": "B_GP",
            "care_date": str(timezone.localdate() - timedelta(days=10 + n)),
            "expense": "30.00",
            "base": "30.00",
            "compulsory_paid": "19.00",
        }
        for n, ref in enumerate(refs)
    ]


def _bearer(profile) -> dict:
    secret = token_create(actor=profile.user, profile=profile, name="t", via="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_staff_upload_a_flow_and_handle_the_rejected_lines(family, claims_staff):
    client = claims_staff["client"]
    content = flow.to_csv(_rows(family, ["W-1", "W-2", "W-unknown"])).encode()
    response = client.post(
        reverse("ledger_backoffice:flows"), {"file": SimpleUploadedFile("noemie.csv", content, "text/csv")}
    )
    assert response.status_code == 302
    page = client.get(reverse("ledger_backoffice:flows")).content.decode()
    assert "W-unknown" in page and "noemie.csv" in page
    rejection = FlowRejection.objects.get()
    client.post(reverse("ledger_backoffice:rejection_resolve", args=[rejection.public_id]))
    rejection.refresh_from_db()
    assert rejection.resolved_at is not None
    assert BenefitLine.objects.count() == 2
    assert client.get(reverse("ledger_backoffice:tariffs")).status_code == 200


def test_the_api_feed_and_the_import_for_claims_staff_only(client, family, claims_staff):
    content = flow.to_csv(_rows(family, ["A-1"])).encode()
    member = _bearer(family["profile"])
    refused = client.post("/api/scheme-flows", {"file": SimpleUploadedFile("f.csv", content)}, **member)
    assert refused.status_code == 403
    staff = claims_staff["client"]  # staff hold no API token: their browser session calls the API
    created = staff.post("/api/scheme-flows", {"file": SimpleUploadedFile("f.csv", content)})
    assert created.status_code == 201, created.content
    assert created.json()["paid"] == 1
    again = staff.post("/api/scheme-flows", {"file": SimpleUploadedFile("f.csv", content)})
    assert again.json()["already_imported"] == 1
    feed = client.get("/api/reimbursements", **member).json()
    items = feed["items"] if isinstance(feed, dict) else feed
    assert [(i["channel"], i["we_paid"], i["left_to_pay"]) for i in items] == [("scheme_flow", "11.00", "0.00")]
    assert client.get("/api/reimbursements/ceilings", **member).status_code == 200
