"""Issue 14, the doctor's sector in the estimate and the quote (devis) sent for staff to answer.

Sector: a responsible contract covers the excess fees of a secteur 2 doctor not adhering to OPTAM at most up to
100 % of the base and at least 20 points below its cover for an OPTAM doctor: the guarantee line carries that lower
rate (``rate_non_optam``), the engine uses it when told, the estimate asks the sector only where it changes
something and says what it changed. The compulsory scheme's base is the same.

Quote: the request kind ``care_quote`` of the request engine, started from the estimate of glasses (or from the
requests), answered by staff with the amounts we would pay (suggested by the guarantee engine), read by the member.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from benefits.tests import factories as bf
from claims import engine
from contracts.choices import GuaranteeBasis, PractitionerSector
from contracts.models import BaseTariff, GuaranteeLine
from contracts.pdf import GuaranteeRow
from contracts.services import guarantee_line_change
from demarches import kind_forms, kinds, services
from demarches.choices import RequestStatus
from demarches.models import Request
from demarches.tests.conftest import exe_as_pdf, pdf, png
from ledger import estimates, quotes
from ledger.tests.test_estimates import bearer, page_client, tariffs
from people.tests.factories import company
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def fam(db):
    """The estimate tests' family, with a specialist line at 175 % BR (155 % outside OPTAM) on the visit's tariff
    (base 30 €, 70 %, flat fee 2 €) and glasses at 200 € every 2 years (no base)."""
    family = bf.family()
    tariffs()
    product = family["contract"].product
    spec = bf.category("B_SPEC", "MED", "Specialist consultation", "Consultation de spécialiste", 5)
    glasses = bf.category("OPTICS_GLASSES", "OPTI", "Glasses", "Lunettes", 6)
    percent = {"basis": GuaranteeBasis.PERCENT_OF_BASE}
    GuaranteeLine.objects.create(product=product, category=spec, rate=D(175), rate_non_optam=D(155), **percent)
    GuaranteeLine.objects.create(
        product=product, category=glasses, basis=GuaranteeBasis.FLAT_AMOUNT, flat_amount=D(200),
        annual_ceiling=D(200), ceiling_period_years=2,
    )  # fmt: skip
    BaseTariff.objects.create(
        act_code="T_CSX", category=spec, label_fr="Consultation", label_en="Visit", base=D("30.00"), rate=70,
        flat_fee=D("2.00"), is_category_default=True, valid_from=date(2020, 1, 1),
    )  # fmt: skip
    return family


def _mine(fam, person="holder"):
    return next(b for b in estimates.beneficiary_choices(actor=fam["profile"]) if b.person == fam[person])


def _visit(fam, sector="", expense="120.00", code="B_SPEC"):
    return estimates.estimate(
        beneficiary=_mine(fam), category_code=code, expense=D(expense), care_date=TODAY(), sector=sector
    )


# --- The guarantee line and the engine ------------------------------------------------------------------------


def test_the_engine_pays_the_lower_rate_for_a_doctor_outside_optam(fam):
    line = GuaranteeLine.objects.get(category__code="B_SPEC")
    act = engine.Act(expense=D("120.00"), base=D("30.00"), already_paid=D("21.00"))
    assert engine.reimburse(engine.Guarantee.from_line(line), act).amount == D("31.50")  # 175 % × 30 − 21
    assert engine.reimburse(engine.Guarantee.from_line(line, non_optam=True), act).amount == D("25.50")  # 155 %
    gp = GuaranteeLine.objects.get(category__code="B_GP")  # no lower rate: the sector changes nothing
    assert engine.Guarantee.from_line(gp, non_optam=True).rate == gp.rate


@pytest.mark.parametrize(
    ("rate", "lower", "allowed"),
    [
        (175, 155, True),  # 75 points of excess fees for OPTAM, 55 outside: 20 below
        (175, 160, False),  # only 15 points below
        (300, 200, True),  # capped at 100 % of the base of excess fees: 200 % BR in all
        (300, 210, False),
        (110, 100, True),  # the ticket modérateur only
        (150, 90, False),  # below the ticket modérateur
    ],
)
def test_the_database_keeps_the_responsible_contracts_rule(fam, rate, lower, allowed):
    line = GuaranteeLine.objects.get(category__code="B_SPEC")
    update = GuaranteeLine.objects.filter(pk=line.pk)
    if allowed:
        update.update(rate=rate, rate_non_optam=lower)
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        update.update(rate=rate, rate_non_optam=lower)


def test_only_a_rate_of_the_base_takes_a_rate_outside_optam(fam):
    with pytest.raises(IntegrityError), transaction.atomic():
        GuaranteeLine.objects.filter(category__code="B_OSTEO").update(rate_non_optam=100)


def test_the_shipped_catalogue_gives_doctors_outside_optam_their_lower_rate():
    from contracts.services import CATALOGUE_FILE

    products = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["products"]
    lines = [g for p in products for g in p.get("guarantees", []) if "rate_non_optam" in g]
    assert {g["category"] for g in lines} == {"GP_CONSULTATION", "SPECIALIST_CONSULTATION", "RADIOLOGY",
                                              "HOSPITAL_FEES"}  # fmt: skip
    for g in lines:
        assert 100 <= g["rate_non_optam"] <= min(200, max(100, g["rate"] - 20)), g


def test_the_guarantee_table_shows_both_rates(fam):
    line = GuaranteeLine.objects.get(category__code="B_SPEC")
    assert GuaranteeRow(line).cover == "175 % BR (155 % BR for a doctor not adhering to OPTAM)"


# --- The estimate --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "we_pay", "left"),
    [
        (PractitionerSector.SECTOR_1, "31.50", "69.50"),
        (PractitionerSector.OPTAM, "31.50", "69.50"),
        (PractitionerSector.NON_OPTAM, "25.50", "75.50"),
        (PractitionerSector.UNKNOWN, "25.50", "75.50"),  # the lower cover, said so
    ],
)
def test_a_120_euro_specialist_visit_by_sector(fam, sector, we_pay, left):
    """Same base (30 €) and scheme (19 €) whatever the sector; we pay 175 % or 155 % × 30 − 21."""
    found = _visit(fam, sector)
    assert (found.split.base, found.split.compulsory) == (D("30.00"), D("19.00"))
    assert (found.split.insurer, found.split.left_to_pay, found.sector) == (D(we_pay), D(left), sector)
    text = estimates.sector_text(found)
    assert "155 %" in text and "175 %" in text and text not in estimates.assumptions(found)  # shown apart


def test_the_sector_is_asked_where_it_matters_only(fam):
    with pytest.raises(ValidationError) as error:
        _visit(fam)
    assert "sector" in error.value.message_dict
    gp = _visit(fam, PractitionerSector.NON_OPTAM, code="B_GP")  # no lower rate on this line: ignored
    assert gp.sector == "" and estimates.sector_text(gp) == ""
    assert estimates.sector_categories(estimates.beneficiary_choices(actor=fam["profile"])) == ["B_SPEC"]


def _form(fam, **fields):
    return {
        "beneficiary": str(fam["principal"].public_id),
        "category": "B_SPEC",
        "expense": "120.00",
        "care_date": str(TODAY()),
        **fields,
    }


def test_the_page_asks_the_sector_for_a_doctor_and_explains_it(fam):
    browser = page_client(fam["profile"])
    html = browser.get(reverse("benefits:estimate")).content.decode()
    assert 'data-sector-categories="B_SPEC"' in html and "Secteur 2, not adhering to OPTAM" in html
    html = browser.post(reverse("benefits:estimate"), _form(fam)).content.decode()
    assert "Tell us the doctor&#x27;s sector" in html or "Tell us the doctor’s sector" in html
    html = browser.post(reverse("benefits:estimate"), _form(fam, sector="non_optam")).content.decode()
    assert "€25.50" in html and "€75.50" in html and "does not adhere to OPTAM" in html
    html = browser.post(reverse("benefits:estimate"), _form(fam, sector="optam")).content.decode()
    assert "€31.50" in html and "€69.50" in html and "adheres to OPTAM" in html


def test_the_page_speaks_french_about_the_sector(fam):
    browser = page_client(fam["profile"])
    browser.cookies["om_language"] = "fr"
    html = browser.post(reverse("benefits:estimate"), _form(fam, sector="non_optam")).content.decode()
    assert "25,50\u00a0€" in html and "n’adhère pas à l’OPTAM" in html


def test_without_a_line_by_sector_the_page_does_not_ask(db):
    family = bf.family()
    html = page_client(family["profile"]).get(reverse("benefits:estimate")).content.decode()
    assert "data-sector-categories" not in html and 'name="sector"' not in html


def _api(client, fam, **fields):
    body = {**_form(fam), **fields}
    return client.post(
        "/api/estimates", json.dumps(body), content_type="application/json", **bearer(fam["profile"])
    )  # fmt: skip


def test_the_api_takes_the_sector(fam, client):
    body = _api(client, fam, sector="non_optam").json()
    assert (body["we_pay"], body["left_to_pay"], body["sector"]) == ("25.50", "75.50", "non_optam")
    assert "OPTAM" in body["sector_note"] and body["sector_note"] not in body["assumptions"]
    assert _api(client, fam, sector="optam").json()["we_pay"] == "31.50"
    missing = _api(client, fam)
    assert missing.status_code == 422 and missing.json()["field"] == "sector", missing.content
    assert _api(client, fam, sector="sector_3").status_code == 422
    gp = _api(client, fam, category="B_GP", sector="non_optam").json()
    assert gp["sector"] is None and gp["sector_note"] == ""


def test_the_api_lists_the_lower_rate_with_the_guarantees(fam, client):
    url = f"/api/contracts/{fam['contract'].public_id}/guarantees"
    rows = {row["category_code"]: row for row in client.get(url, **bearer(fam["profile"])).json()}
    assert rows["B_SPEC"]["rate_non_optam"] == "155.00" and rows["B_GP"]["rate_non_optam"] is None


# --- The quote -----------------------------------------------------------------------------------------------

QUOTE = {"category": "OPTICS_GLASSES", "quote_total": "450.00", "message": "Progressive lenses."}


def _quote(fam, person="holder", files=None, **fields):
    who = fam[person] if person == "holder" else fam[person].person  # the child is an affiliation
    payload = {"beneficiary": str(who.public_id), **QUOTE, **fields}
    return services.request_submit(
        actor=fam["profile"], kind_code=quotes.QUOTE_KIND, payload=payload, attachments=files or [pdf("devis.pdf")]
    )


@pytest.fixture
def processor():
    staff = f.staff(StaffRole.REQUESTS)
    client = Client()
    client.cookies["om_language"] = "en"
    login_verified(client, staff.user)
    return {"user": staff.user, "client": client}


def test_the_quote_kind_is_registered_for_members_only():
    kind = kinds.get(quotes.QUOTE_KIND)
    assert kind is not None and kind.profiles == ("member",) and kind.min_attachments == 1
    assert kind.answer_form is quotes.QuoteAnswerForm


def test_a_member_sends_a_quote_with_its_file(fam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = _quote(fam, person="child", files=[png("devis.png")])
    assert sent.kind == "care_quote" and sent.status == RequestStatus.IN_PROGRESS
    assert sent.subject_person == fam["child"].person
    assert sent.payload == {
        "beneficiary": str(fam["child"].person.public_id), "category": "OPTICS_GLASSES", "quote_total": "450.00",
        "base": None, "message": "Progressive lenses.",
    }  # fmt: skip
    assert sent.attachments.get().content_type == "image/png"
    assert AuditEvent.objects.filter(action="request.submitted").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("fields", "files", "field"),
    [
        ({}, [], "attachments"),  # the quote itself is required
        ({}, [exe_as_pdf()], "attachments"),  # through the upload checks
        ({"category": "B_GP"}, None, "category"),  # not a category bought on a quote
        ({"quote_total": "0"}, None, "quote_total"),
    ],
)
def test_a_quote_is_refused_on_its_field(fam, fields, files, field):
    payload = {"beneficiary": str(fam["holder"].public_id), **QUOTE, **fields}
    with pytest.raises(ValidationError) as error:
        services.request_submit(
            actor=fam["profile"], kind_code=quotes.QUOTE_KIND, payload=payload,
            attachments=[pdf()] if files is None else files,
        )  # fmt: skip
    assert field in error.value.message_dict and not Request.objects.exists()


def test_someone_elses_beneficiary_or_another_profile_is_refused(fam):
    other = bf.family()
    with pytest.raises(ValidationError) as error:
        _quote(fam, beneficiary=str(other["holder"].public_id))
    assert "beneficiary" in error.value.message_dict
    employer = f.profile(ProfileKind.COMPANY, company())
    with pytest.raises(ValidationError) as error:
        services.request_submit(actor=employer, kind_code=quotes.QUOTE_KIND, payload={}, attachments=[pdf()])
    assert "kind" in error.value.message_dict


def test_the_estimate_of_glasses_offers_to_send_the_quote_prefilled(fam):
    browser = page_client(fam["profile"])
    html = browser.post(reverse("benefits:estimate"), _form(fam, category="OPTICS_GLASSES", expense="450")).content
    html = html.decode()
    submit_url = reverse("demarches:submit", args=["care_quote"])
    assert f'action="{submit_url}"' in html and "Send my quote" in html
    spec = browser.post(reverse("benefits:estimate"), _form(fam, sector="optam")).content.decode()
    assert "Send my quote" not in spec
    opened = browser.post(
        submit_url,
        {"prefill": "1", "beneficiary": str(fam["holder"].public_id), "category": "OPTICS_GLASSES",
         "quote_total": "450.00"},
    )  # fmt: skip
    page = opened.content.decode()
    assert opened.status_code == 200 and 'value="450.00"' in page and "error-summary" not in page
    assert f'<option value="{fam["holder"].public_id}" selected>' in page
    assert '<option value="OPTICS_GLASSES" selected>' in page and not Request.objects.exists()


def test_the_requests_page_lists_the_quote(fam):
    html = page_client(fam["profile"]).get(reverse("demarches:new")).content.decode()
    assert "Quote for an estimate" in html and reverse("demarches:submit", args=["care_quote"]) in html


def test_staff_answer_with_the_amounts_the_engine_suggests(fam, processor, django_capture_on_commit_callbacks):
    sent = _quote(fam)
    url = reverse("demarches_backoffice:detail", args=[sent.public_id])
    page = processor["client"].get(url).content.decode()
    assert 'name="we_pay"' in page and 'value="200.00"' in page and 'value="250.00"' in page  # flat 200 €
    queue = processor["client"].get(reverse("demarches_backoffice:queue")).content.decode()
    assert sent.reference in queue
    validate = reverse("demarches_backoffice:validate", args=[sent.public_id])
    refused = processor["client"].post(validate, {"we_pay": "", "left_to_pay": "250", "comment": ""})
    assert refused.status_code == 400 and Request.objects.get().status == RequestStatus.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        done = processor["client"].post(
            validate, {"we_pay": "180.00", "left_to_pay": "270.00", "comment": "Choose the 100 % Santé lenses."}
        )
    assert done.status_code == 302
    answered = Request.objects.get()
    assert answered.status == RequestStatus.VALIDATED
    assert answered.answer == {"we_pay": "180.00", "left_to_pay": "270.00"}
    event = AuditEvent.objects.filter(action="request.validated").latest("pk")
    assert event.data["answer_sha256"] and "180.00" not in json.dumps(event.data)  # the reference may hold 180
    assert len(mail.outbox) == 1 and "180.00" not in mail.outbox[0].body  # the answer stays in the portal
    member = page_client(fam["profile"]).get(reverse("demarches:detail", args=[sent.public_id])).content.decode()
    assert "Our answer" in member and "180.00" in member and "270.00" in member
    assert "Choose the 100 % Santé lenses." in member


def test_the_answer_reads_in_french(fam, processor):
    sent = _quote(fam, quote_total="1200.00")
    services.request_validate(actor=processor["user"], request=sent, answer={"we_pay": "1180", "left_to_pay": "20"})
    browser = page_client(fam["profile"])
    browser.cookies["om_language"] = "fr"
    html = browser.get(reverse("demarches:detail", args=[sent.public_id])).content.decode()
    assert "Notre réponse" in html and "1\u00a0180,00" in html


def test_the_service_refuses_a_validation_without_the_amounts(fam, processor):
    sent = _quote(fam)
    with pytest.raises(ValidationError) as error:
        services.request_validate(actor=processor["user"], request=sent, answer={"we_pay": "-1"})
    assert {"we_pay", "left_to_pay"} <= set(error.value.message_dict)
    sent.refresh_from_db()
    assert sent.status == RequestStatus.IN_PROGRESS and sent.answer == {}


@pytest.mark.parametrize(
    "we_pay, left, field, words",
    [
        ("460.00", "0.00", "we_pay", "more than the quote&#x27;s total (€450.00)"),
        ("300.00", "200.00", "left_to_pay", "add up to more than the quote&#x27;s total (€450.00)"),
    ],
)
def test_an_answer_over_the_quotes_total_is_refused_and_changes_nothing(fam, processor, field, we_pay, left, words):
    sent = _quote(fam)  # 450 €
    validate = reverse("demarches_backoffice:validate", args=[sent.public_id])
    refused = processor["client"].post(validate, {"we_pay": we_pay, "left_to_pay": left, "comment": ""})
    assert refused.status_code == 400 and words in refused.content.decode()
    assert refused.context["validate_form"].errors[field]
    with pytest.raises(ValidationError) as error:
        services.request_validate(actor=processor["user"], request=sent, answer={"we_pay": we_pay, "left_to_pay": left})
    assert set(error.value.message_dict) == {field}
    sent.refresh_from_db()
    assert sent.status == RequestStatus.IN_PROGRESS and sent.answer == {}
    assert not AuditEvent.objects.filter(action="request.validated").exists()
    done = processor["client"].post(validate, {"we_pay": "200.00", "left_to_pay": "250.00", "comment": ""})
    assert done.status_code == 302  # the whole total between us and the member (glasses: no base) is accepted


def test_only_the_member_and_staff_see_the_quote(fam, processor):
    sent = _quote(fam)
    url = reverse("demarches:detail", args=[sent.public_id])
    assert page_client(fam["profile"]).get(url).status_code == 200
    assert page_client(bf.family()["profile"]).get(url).status_code == 404
    employer = f.profile(ProfileKind.COMPANY, company())
    assert page_client(employer).get(url).status_code == 404
    claims = Client()
    login_verified(claims, f.staff(StaffRole.CLAIMS).user)
    assert claims.get(reverse("demarches_backoffice:detail", args=[sent.public_id])).status_code == 404


def test_the_api_sends_a_quote_and_reads_the_answer(fam, processor, client):
    headers = bearer(fam["profile"])
    listed = {k["code"]: k for k in client.get("/api/request-kinds", **headers).json()}
    fields = {field["name"]: field for field in listed["care_quote"]["fields"]}
    assert fields["quote_total"]["type"] == "decimal" and fields["category"]["choices"][0]["value"]
    payload = {"beneficiary": str(fam["holder"].public_id), **QUOTE}
    created = client.post(
        "/api/requests",
        {"kind": "care_quote", "payload": json.dumps(payload), "attachments": [pdf("devis.pdf")]},
        **headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["answer"] == {} and body["data"]["quote_total"] == "450.00"
    sent = Request.objects.get()
    services.request_validate(actor=processor["user"], request=sent, answer={"we_pay": "200", "left_to_pay": "250"})
    detail = client.get(f"/api/requests/{sent.public_id}", **headers).json()
    assert detail["answer"] == {"we_pay": "200.00", "left_to_pay": "250.00"}
    other = bearer(bf.family()["profile"])
    assert client.get(f"/api/requests/{sent.public_id}", **other).status_code == 404


def test_the_payload_rows_show_amounts_as_numbers(fam):
    sent = _quote(fam)
    rows = dict(kind_forms.payload_rows(sent.request_kind, sent.payload))
    assert rows["Total of the quote (EUR)"] == "450.00" and rows["Care"] == "Glasses"
    assert rows["Who is the care for?"].startswith(fam["holder"].full_name)


def test_the_answer_is_in_the_privacy_export_and_erased_with_the_form(fam, processor):
    from demarches import privacy_hooks
    from privacy.hooks import Subject

    sent = _quote(fam)
    services.request_validate(actor=processor["user"], request=sent, answer={"we_pay": "200", "left_to_pay": "250"})
    subject = Subject(person=fam["holder"], user=fam["profile"].user)
    exported = privacy_hooks.export(subject)
    assert exported[0]["our_answer"] == {"we_pay": "200.00", "left_to_pay": "250.00"}
    privacy_hooks.erase(subject, full=True)
    sent.refresh_from_db()
    assert sent.payload == {} and sent.answer == {}


def test_a_sector_needed_on_the_care_date_only_is_asked_above_the_form(fam, processor):
    """Today's lines decide whether the page shows the question; a later version may still need it."""
    spec = GuaranteeLine.objects.get(category__code="B_SPEC")
    GuaranteeLine.objects.filter(pk=spec.pk).update(rate_non_optam=None)
    guarantee_line_change(
        actor=processor["user"], product=spec.product, category=spec.category,
        valid_from=TODAY() + timedelta(days=10), rate_non_optam=D(155),
    )  # fmt: skip
    later = str(TODAY() + timedelta(days=20))
    html = page_client(fam["profile"]).post(reverse("benefits:estimate"), _form(fam, care_date=later)).content.decode()
    assert 'name="sector"' not in html and "Tell us the doctor" in html
