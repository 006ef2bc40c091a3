"""The claim form guides (issue 14): an error summary with the field's own words, deletions confirmed on a page of
their own, the phone's camera offered for the documents, and a claim's timeline from what is recorded."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from claims import services
from claims.choices import ItemDecision
from claims.models import ClaimDraft
from claims.tests.conftest import make_claim
from claims.tests.test_views import add_item, start
from core.workdays import add_working_days

pytestmark = pytest.mark.django_db


def summary_links(html: str) -> dict[str, str]:
    """The error summary's links: target → message."""
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary, "no error summary"
    return dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0)))


def test_an_empty_care_says_what_each_field_needs_at_the_top_and_beside_it(member_client, family):
    start(member_client, family["principal"])
    response = add_item(member_client, files=[], care_date="", category="", practitioner="", amount="")
    html = response.content.decode()
    assert response.status_code == 400
    links = summary_links(html)
    assert links == {
        "id_care_date": "Enter the date of care.",
        "id_category": "Choose the type of care.",
        "id_practitioner": "Enter the name of the practitioner or facility.",
        "id_amount": "Enter the amount you paid.",
        "id_documents": "Add at least one supporting document: a photo or a PDF of the bill.",
    }
    assert "This field is required." not in html
    assert re.search(r"<title>Error: 5 problems to correct – Care and documents", html)
    assert 'tabindex="-1" autofocus' in html
    date_input = re.search(r'<input[^>]*name="care_date"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in date_input and 'aria-describedby="id_care_date_error"' in date_input
    assert 'id="id_care_date_error"' in html


def test_the_beneficiary_and_the_terms_are_asked_in_words(member_client, family):
    response = member_client.post(reverse("claims:new"), {"beneficiary": ""})
    assert summary_links(response.content.decode()) == {"id_beneficiary_0": "Choose the person who received the care."}
    start(member_client, family["principal"])
    add_item(member_client)
    key = str(ClaimDraft.objects.get().idempotency_key)
    response = member_client.post(reverse("claims:submit"), {"idempotency_key": key})
    assert summary_links(response.content.decode()) == {
        "id_accept_terms": "Tick the box to accept the terms of the online claims service."
    }


def test_the_messages_are_french_in_french(member_client, family):
    member_client.cookies["om_language"] = "fr"
    start(member_client, family["principal"])
    html = add_item(member_client, care_date="").content.decode()
    assert summary_links(html) == {"id_care_date": "Indiquez la date des soins."}
    assert "<title>Erreur : 1 point à corriger – " in html


def test_deleting_the_draft_and_removing_a_care_ask_first(member_client, family):
    start(member_client, family["principal"])
    add_item(member_client)
    key = ClaimDraft.objects.get().data["items"][0]["key"]
    items_page = member_client.get(reverse("claims:items")).content.decode()
    assert f'action="{reverse("claims:discard")}"' not in items_page  # a link to the confirmation, not a form
    assert f'href="{reverse("claims:discard")}"' in items_page
    assert f'href="{reverse("claims:item_remove", args=[key])}"' in items_page

    asked = member_client.get(reverse("claims:item_remove", args=[key]))
    assert "Remove this care?" in asked.content.decode() and "Dr Martin" in asked.content.decode()
    assert member_client.post(reverse("claims:item_remove", args=[key])).status_code == 200  # not confirmed
    assert len(ClaimDraft.objects.get().data["items"]) == 1
    member_client.post(reverse("claims:item_remove", args=[key]), {"confirmed": "yes"})
    assert ClaimDraft.objects.get().data["items"] == []

    asked = member_client.get(reverse("claims:discard"))
    assert asked.status_code == 200 and "Delete this draft claim?" in asked.content.decode()
    member_client.post(reverse("claims:discard"))
    assert ClaimDraft.objects.exists()
    done = member_client.post(reverse("claims:discard"), {"confirmed": "yes"}, follow=True)
    assert not ClaimDraft.objects.exists() and "Your draft claim is deleted." in done.content.decode()


def test_the_documents_input_offers_files_and_the_phone_camera(member_client, family):
    start(member_client, family["principal"])
    html = member_client.get(reverse("claims:items")).content.decode()
    chooser = re.search(r'<input type="file" name="documents"[^>]*id="id_documents"[^>]*>', html).group(0)
    assert 'accept="image/*,application/pdf"' in chooser and "multiple" in chooser and "capture" not in chooser
    camera = re.search(r'<input type="file" name="documents" id="id_documents_camera"[^>]*>', html).group(0)
    assert 'capture="environment"' in camera and 'accept="image/*"' in camera
    assert '<label for="id_documents_camera">' in html


def timeline(html: str) -> list[str]:
    section = re.search(r'<ol class="claim-timeline">(.*?)</ol>', html, re.S).group(1)
    steps = re.findall(r"<li.*?</li>", section, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", step)).strip() for step in steps]


def test_the_timeline_follows_the_claim_from_sending_to_payment(member_client, family, claims_staff):
    claim = make_claim(family)
    url = reverse("claims:detail", args=[claim.public_id])
    steps = timeline(member_client.get(url).content.decode())
    assert steps[0].startswith("Claim sent ")
    decision = add_working_days(timezone.localdate(claim.submitted_at), 10)
    payment = add_working_days(decision, 3)
    assert steps[1:] == [
        "Examination by our management centre (in progress)",
        f"Decision (to come) Expected by {date_format(decision)}",
        f"Payment (to come) Expected by {date_format(payment)}",
    ]
    care = claim.items.get()
    staff = claims_staff["user"]
    services.care_item_assess(
        actor=staff, item=care, base_amount=Decimal(30), compulsory_paid=Decimal(21), decision=ItemDecision.ACCEPTED
    )
    services.claim_decide(actor=staff, claim=claim)
    services.claim_mark_paid(actor=staff, claim=claim)
    html = member_client.get(url).content.decode()
    labels = [step.split(" ")[0] for step in timeline(html)]
    assert labels == ["Claim", "Examined", "Decided:", "Paid"]
    assert "Decided: Validated" in html and "€39.00 transferred to your account" in html
    assert "(in progress)" not in html and html.count("<time datetime=") == 4
