"""Issue 14, the estimate before care and the guarantees in euros: the claims' guarantee engine on an act described
in advance, with the official base tariff, the guarantee version of the care date and the ceilings already used;
the member's page, the API (scoped to the member's own beneficiaries) and their query budgets. Nothing is stored."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api import services as api_services
from audit.models import AuditEvent
from benefits.tests import factories as bf
from claims.services import claim_decide
from contracts.models import BaseTariff, CareCategory, GuaranteeLine
from contracts.services import guarantee_line_change
from ledger import estimates
from ledger.models import BenefitLine
from ledger.tests.factories import assessed_claim

pytestmark = pytest.mark.django_db
BUDGET = 10


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def tariffs():
    """The specialist-visit figures of the issue on the test product's GP line: base 30, 70 %, flat fee 2; the
    glasses' class B frame at 0.05, 60 %."""
    gp, optics = CareCategory.objects.get(code="B_GP"), CareCategory.objects.get(code="B_OPTICS")
    common = {"is_category_default": True, "valid_from": date(2020, 1, 1)}
    BaseTariff.objects.create(
        act_code="T_CS", category=gp, label_fr="Consultation", label_en="Visit", base=D("30.00"), rate=70,
        flat_fee=D("2.00"), **common,
    )  # fmt: skip
    BaseTariff.objects.create(
        act_code="T_OPT", category=optics, label_fr="Monture", label_en="Frames", base=D("0.05"), rate=60, **common
    )


@pytest.fixture
def fam(db):
    family = bf.family()
    tariffs()
    return family


def _day(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def _mine(fam, person="holder"):
    choices = estimates.beneficiary_choices(actor=fam["profile"])
    return next(b for b in choices if b.person == fam[person])


def _estimate(fam, code="B_GP", expense="80.00", on=None, **extra):
    return estimates.estimate(
        beneficiary=_mine(fam), category_code=code, expense=D(expense), care_date=on or timezone.localdate(), **extra
    )


# --- The service against hand-computed cases -------------------------------------------------------------------


def test_the_specialist_visit_is_split_as_computed_by_hand(fam):
    """80 € billed, base 30, 70 %: the scheme's 21 € less the 2 € flat fee = 19 €; we pay 200 % × 30 − 21 = 39 €
    (the flat fee is the patient's, not refunded); 80 − 19 − 39 = 22 € left, flat fee included."""
    s = _estimate(fam).split
    assert (s.expense, s.base, s.compulsory, s.flat_fee, s.insurer, s.left_to_pay) == (
        D("80.00"), D("30.00"), D("19.00"), D("2.00"), D("39.00"), D("22.00"),
    )  # fmt: skip
    assert s.result.steps[0].code == "rate_of_base" and s.result.steps[1].amount == D("39.00")


def test_the_estimate_pays_what_the_claim_decision_pays_for_the_same_act(fam, claims_staff):
    """The same engine: a claim of the same act, with the scheme's share counted the same way, is decided 39.00."""
    claim = assessed_claim(fam, [("B_GP", _day(3), "80.00", "30.00", "21.00")])
    decided = claim_decide(actor=claims_staff["user"], claim=claim).items.get().reimbursed_amount
    assert decided == _estimate(fam, on=_day(3)).split.insurer == D("39.00")


def test_a_claim_entered_as_the_statement_shows_leaves_the_flat_fee_to_the_member(fam, claims_staff):
    """The member enters the 19 € their statement shows (the scheme's 21 € less its 2 € flat fee): the decision
    counts the flat fee as the patient's, as the estimate does (39.00, not 41.00: a responsible contract never
    refunds it); an exempted patient (21 €, no flat fee kept) gets the same 39.00; the explanation says so."""
    claim = assessed_claim(
        fam, [("B_GP", _day(3), "80.00", "30.00", "19.00"), ("B_GP", _day(4), "80.00", "30.00", "21.00")]
    )
    kept, exempt = claim_decide(actor=claims_staff["user"], claim=claim).items.order_by("position")
    assert kept.reimbursed_amount == exempt.reimbursed_amount == _estimate(fam, on=_day(3)).split.insurer == D("39.00")
    assert kept.explanation["steps"][1]["params"] == {"paid": "19.00", "flat_fee": "2.00"}
    assert exempt.explanation["steps"][1]["params"] == {"paid": "21.00"}


def test_the_flat_fee_kept_is_read_from_what_the_scheme_paid():
    tariff = BaseTariff(base=D("30.00"), rate=70, flat_fee=D("2.00"))
    kept = [tariff.flat_fee_kept(expense=D("80.00"), base=None, paid=D(p)) for p in ("19.00", "21.00", "20.00", "0")]
    assert kept == [D("2.00"), D("0.00"), D("1.00"), D("0.00")]
    assert (
        BaseTariff(base=None, rate=65, flat_fee=D("0.00")).flat_fee_kept(expense=D("10"), base=None, paid=D("6.5")) == 0
    )


def test_a_fee_at_the_base_leaves_only_the_flat_fee(fam):
    s = _estimate(fam, expense="30.00").split
    assert (s.compulsory, s.insurer, s.left_to_pay) == (D("19.00"), D("9.00"), D("2.00"))


def test_the_ceilings_already_used_reduce_the_estimate(fam, claims_staff):
    """Glasses: 150 € a year; 100 € already paid this year leave 50 € to pay on a 450 € pair."""
    assert _estimate(fam, code="B_OPTICS", expense="450.00").split.insurer == D("150.00")
    claim = assessed_claim(fam, [("B_OPTICS", timezone.localdate(), "100.03", "0.05", "0.03")])
    claim_decide(actor=claims_staff["user"], claim=claim)
    found = _estimate(fam, code="B_OPTICS", expense="450.00")
    assert found.split.insurer == D("50.00")
    assert found.split.left_to_pay == D("450.00") - D("0.03") - D("50.00")
    texts = " ".join(estimates.assumptions(found))
    assert "€100.00 already used" in texts and "€50.00 left" in texts


def test_the_version_in_force_on_the_care_date_is_used(fam, claims_staff):
    gp = CareCategory.objects.get(code="B_GP")
    guarantee_line_change(actor=claims_staff["user"], product=fam["contract"].product, category=gp,
                          valid_from=_day(10), rate=150)  # fmt: skip
    assert _estimate(fam, on=_day(30)).split.insurer == D("39.00")
    assert _estimate(fam, on=_day(5)).split.insurer == D("24.00")
    assert _estimate(fam, on=timezone.localdate() + timedelta(days=20)).split.insurer == D("24.00")


def test_a_known_base_replaces_the_tariff(fam):
    s = _estimate(fam, expense="80.00", base=D("25.00")).split
    assert (s.base, s.compulsory, s.insurer) == (D("25.00"), D("15.50"), D("32.50"))  # 17.50 − 2; 50 − 17.50


def test_without_a_tariff_a_guarantee_on_the_base_asks_for_the_base(fam):
    with pytest.raises(ValidationError) as error:
        _estimate(fam, code="B_PHAR", expense="20.00")
    assert "base" in error.value.message_dict
    s = _estimate(fam, code="B_PHAR", expense="20.00", base=D("20.00")).split
    assert (s.compulsory, s.insurer, s.left_to_pay) == (D("0.00"), D("20.00"), D("0.00"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "NOPE"}, "category"),
        ({"on": date(2020, 6, 1)}, "care_date"),  # before the contract
        ({"act_code": "T_OPT"}, "act_code"),  # another category's act
    ],
)
def test_bad_input_names_its_field(fam, fields, field):
    with pytest.raises(ValidationError) as error:
        _estimate(fam, **fields)
    assert field in error.value.message_dict


def test_a_category_without_guarantee_on_that_date_is_refused(fam):
    """The line of the care date, not today's: osteopathy starts in 5 days."""
    GuaranteeLine.objects.filter(category__code="B_OSTEO").update(valid_from=timezone.localdate() + timedelta(5))
    with pytest.raises(ValidationError) as error:
        _estimate(fam, code="B_OSTEO", expense="60.00")
    assert "pays nothing" in str(error.value)


def test_the_examples_of_the_guarantee_table(fam):
    from contracts.pdf import guarantee_rows

    rows = estimates.with_examples(guarantee_rows(fam["contract"].product), on=timezone.localdate(),
                                   scheme_mode="complement")  # fmt: skip
    examples = {row.line.category.code: row.example for row in rows}
    assert examples["B_GP"] is None  # the test categories have no typical fee in the data file
    fees = dict(estimates.typical_fees())
    assert fees["SPECIALIST_CONSULTATION"] == D("80.00") and fees["OPTICS_GLASSES"] == D("450.00")


# --- The page and the API -----------------------------------------------------------------------------------------


def page_client(profile) -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


def bearer(profile) -> dict[str, str]:
    secret = api_services.token_create(actor=profile.user, profile=profile, name="est", via="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _form(fam, **fields) -> dict:
    return {
        "beneficiary": str(fam["principal"].public_id),
        "category": "B_GP",
        "expense": "80.00",
        "care_date": str(timezone.localdate()),
        **fields,
    }


def _api(client, fam, headers, **fields):
    body = {**_form(fam), **fields}
    return client.post("/api/estimates", json.dumps(body), content_type="application/json", **headers)


def test_the_page_gives_the_split_and_says_it_is_an_estimate(fam):
    browser = page_client(fam["profile"])
    page = browser.get(reverse("benefits:estimate")).content.decode()
    assert "Estimate my care" in page and "GP consultation" in page
    html = browser.post(reverse("benefits:estimate"), _form(fam)).content.decode()
    assert "€19.00" in html and "€39.00" in html and "€22.00" in html
    assert "This is an estimate, not a commitment." in html and "flat fee of €2.00" in html
    assert BenefitLine.objects.count() == 0 and AuditEvent.objects.filter(action__icontains="estimate").count() == 0


def test_the_page_speaks_french(fam):
    browser = page_client(fam["profile"])
    browser.cookies["om_language"] = "fr"
    html = browser.post(reverse("benefits:estimate"), _form(fam)).content.decode()
    assert "39,00\u00a0€" in html and "Ceci est une estimation" in html


def test_the_page_refuses_bad_input_on_its_field(fam):
    browser = page_client(fam["profile"])
    response = browser.post(reverse("benefits:estimate"), _form(fam, expense="", care_date="2020-06-01"))
    html = response.content.decode()
    assert response.status_code == 200 and "Give the fee the practitioner announced" in html
    html = browser.post(reverse("benefits:estimate"), _form(fam, care_date="2020-06-01")).content.decode()
    assert "is not covered by this contract on that date" in html and "€39.00" not in html


def test_another_familys_beneficiary_is_not_offered(fam):
    other = bf.family()
    html = (
        page_client(fam["profile"])
        .post(reverse("benefits:estimate"), _form(fam, beneficiary=str(other["principal"].public_id)))
        .content.decode()
    )
    assert "Select a valid choice" in html and other["holder"].last_name not in html


def test_the_api_estimates_for_the_members_own_beneficiaries(fam, client):
    headers = bearer(fam["profile"])
    answer = _api(client, fam, headers)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["compulsory"], body["we_pay"], body["left_to_pay"], body["flat_fee"]) == (
        "19.00", "39.00", "22.00", "2.00",
    )  # fmt: skip
    assert body["is_estimate"] is True and body["assumptions"]
    child = _api(client, fam, headers, beneficiary=str(fam["child"].public_id))
    assert child.status_code == 200


def test_the_api_answers_404_for_someone_elses_beneficiary_and_other_profiles(fam, client):
    other = bf.family()
    missing = _api(client, fam, bearer(fam["profile"]), beneficiary=str(other["principal"].public_id))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert other["holder"].last_name not in missing.content.decode()
    assert _api(client, fam, {}).status_code == 401


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"expense": "0"}, "expense"),
        ({"expense": "12.345"}, "expense"),
        ({"care_date": "2026-13-01"}, "care_date"),
        ({"category": "NOPE"}, "category"),
        ({"care_date": "2020-06-01"}, "care_date"),
        ({"base": "-1"}, "base"),
        ({"unknown": "x"}, "unknown"),
    ],
)
def test_the_api_names_the_field_at_fault(fam, client, fields, field):
    answer = _api(client, fam, bearer(fam["profile"]), **fields)
    assert answer.status_code == 422 and answer.json()["field"] == field, answer.content


def test_the_estimate_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    assert "post" in schema["paths"]["/api/estimates"]
    assert "left_to_pay" in schema["components"]["schemas"]["EstimateOut"]["properties"]


def _queries(send) -> int:
    """The queries of one request, without the SAVEPOINT pairs the test's transaction adds."""
    with CaptureQueriesContext(connection) as captured:
        assert send().status_code == 200
    real = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(real) <= BUDGET, "\n".join(real)
    return len(real)


def test_page_and_api_stay_within_ten_queries(fam, client, claims_staff):
    browser, headers = page_client(fam["profile"]), bearer(fam["profile"])
    claim_decide(actor=claims_staff["user"], claim=assessed_claim(fam, [("B_OPTICS", _day(1), "90", "0.05", "0.03")]))
    browser.get(reverse("benefits:estimate"))  # the login's first page also writes its session: measured after
    _queries(lambda: browser.post(reverse("benefits:estimate"), _form(fam, category="B_OPTICS", expense="450")))
    _api(client, fam, headers)  # the token's first use writes last_used_at
    _queries(lambda: _api(client, fam, headers, category="B_OPTICS", expense="450"))


# --- The guarantee table in euros on the contract page --------------------------------------------------------------


@pytest.fixture
def catalogue_member(db):
    from accounts.choices import ProfileKind
    from accounts.tests import factories as af
    from contracts.models import Product
    from contracts.services import catalogue_load_file, tariffs_load
    from contracts.tests import factories as cf
    from people.tests.factories import person

    catalogue_load_file(actor=None)
    tariffs_load(actor=None, content=(estimates.Path(estimates.__file__).parent.parent / "contracts/data/tariffs.csv")
                 .read_text(encoding="utf-8"))  # fmt: skip
    holder = person()
    contract = cf.individual_contract(holder, product=Product.objects.get(code="SANTE_EQUILIBRE"))
    return contract, af.profile(ProfileKind.MEMBER, holder)


def test_the_contract_page_gives_each_guarantee_an_example_in_euros(catalogue_member):
    """Santé Équilibre: specialist at 175 % BR: 80 € billed, scheme 21 − 2 = 19 €, we 52.50 − 21 = 31.50 €, left
    29.50 €; glasses: 200 € every 2 years on a 450 € pair whose class B frame base is 0.05 € at 60 %."""
    contract, profile = catalogue_member
    browser = page_client(profile)
    html = browser.get(reverse("contracts:detail", args=[contract.public_id])).content.decode()
    assert (
        "Example, billed €80.00: the compulsory scheme pays €19.00, we pay €31.50, you pay €29.50. "
        "Of which €2.00 of flat fee, left to you by law." in html
    )
    assert "Example, billed €450.00: the compulsory scheme pays €0.03, we pay €200.00, you pay €249.97." in html
    assert reverse("benefits:estimate") in html
    browser.cookies["om_language"] = "fr"
    html = browser.get(reverse("contracts:detail", args=[contract.public_id])).content.decode()
    assert "l'Assurance Maladie rembourse 19,00\u00a0€, nous remboursons 31,50\u00a0€" in html


def test_other_profiles_get_no_estimate(fam, client):
    """A company correspondent has no beneficiary to estimate for: the API and the page answer 404."""
    from accounts.choices import ProfileKind
    from accounts.tests import factories as af
    from people.tests.factories import company

    correspondent = af.profile(ProfileKind.COMPANY, company())
    answer = _api(client, fam, bearer(correspondent))
    assert answer.status_code == 404 and fam["holder"].last_name not in answer.content.decode()
    page = page_client(correspondent).get(reverse("benefits:estimate"))
    assert page.status_code == 404


def test_the_guarantees_api_gives_the_same_examples(catalogue_member, client):
    contract, profile = catalogue_member
    rows = client.get(f"/api/contracts/{contract.public_id}/guarantees", **bearer(profile)).json()
    examples = {row["category_code"]: row["example"] for row in rows}
    assert examples["SPECIALIST_CONSULTATION"] == {
        "spent": "80.00", "compulsory": "19.00", "flat_fee": "2.00", "we_pay": "31.50", "left_to_pay": "29.50",
    }  # fmt: skip
    assert examples["HOSPITAL_STAY"] is None  # no typical fee, no base: no example rather than a guess


def test_a_fee_below_the_scheme_share_leaves_nothing_to_pay(fam):
    """10 € billed on a base of 30: the scheme pays the 10 €; no flat fee is left over a bill already paid."""
    s = _estimate(fam, expense="10.00").split
    assert (s.compulsory, s.flat_fee, s.insurer, s.left_to_pay) == (D("10.00"), D("0.00"), D("0.00"), D("0.00"))


def test_a_first_euro_contract_counts_no_compulsory_scheme(fam):
    """An expatriate's first-euro contract: 200 % of the base of 30 is 60 €, all ours; 20 € left."""
    from contracts.choices import CompulsorySchemeMode

    product = fam["contract"].product
    product.scheme_mode = CompulsorySchemeMode.FIRST_EURO
    product.save(update_fields=["scheme_mode"])
    found = _estimate(fam)
    assert (found.split.compulsory, found.split.insurer, found.split.left_to_pay) == (D("0.00"), D("60.00"), D("20.00"))
    assert "first euro" in " ".join(estimates.assumptions(found))
