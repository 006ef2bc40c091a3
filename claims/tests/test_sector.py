"""Issue 14, the doctor's sector in an online claim: staff enter it from the compulsory scheme's statement with the
base, and the decision pays a secteur 2 doctor not adhering to OPTAM at the guarantee's lower rate (a responsible
contract may not cover their excess fees as much), the explanation saying why; the audit trail keeps it; a frozen
item's sector cannot change afterwards; a sector that is not one is refused and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from claims import services
from claims.choices import ItemDecision, RefusalReason
from claims.explanations import explain
from claims.models import CareItem
from claims.tests.conftest import item, make_claim, pdf_upload
from claims.tests.test_backoffice import assessment, review_url
from contracts.choices import PractitionerSector
from contracts.models import GuaranteeLine

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def lower_rate(family):
    """The family's GP line (200 % of the base) pays 100 % for a doctor outside OPTAM."""
    line = GuaranteeLine.objects.get(product=family["contract"].product, category__code="T_GP")
    line.rate_non_optam = D(100)
    line.save(update_fields=["rate_non_optam"])
    return line


def _assess(staff, claim, **fields):
    care = claim.items.get()
    values = {"base_amount": D(30), "compulsory_paid": D(21), "decision": ItemDecision.ACCEPTED, **fields}
    return services.care_item_assess(actor=staff, item=care, **values)


@pytest.mark.parametrize(
    "sector, paid",
    [
        ("", "39.00"),  # not stated: the main rate, 200 % × 30 − 21
        (PractitionerSector.SECTOR_1, "39.00"),
        (PractitionerSector.OPTAM, "39.00"),
        (PractitionerSector.NON_OPTAM, "9.00"),  # 100 % × 30 − 21
    ],
)
def test_the_decision_pays_the_rate_of_the_doctors_sector(family, claims_staff, lower_rate, sector, paid):
    staff = claims_staff["user"]
    claim = make_claim(family, [item()])
    _assess(staff, claim, practitioner_sector=sector)
    claim = services.claim_decide(actor=staff, claim=claim)
    care = claim.items.get()
    assert care.reimbursed_amount == D(paid) and claim.total_reimbursed == D(paid)
    assert care.practitioner_sector == sector
    first = explain(care.explanation)[0]["text"]
    assert ("not adhering to OPTAM" in first) is (sector == PractitionerSector.NON_OPTAM)
    event = AuditEvent.objects.get(action="claim.items_assessed")
    assert event.data["items"]["1"].get("sector", "") == sector


def test_without_a_lower_rate_the_sector_changes_nothing(family, claims_staff):
    staff = claims_staff["user"]
    claim = make_claim(family, [item()])
    _assess(staff, claim, practitioner_sector=PractitionerSector.NON_OPTAM)
    care = services.claim_decide(actor=staff, claim=claim).items.get()
    assert care.reimbursed_amount == D("39.00")
    assert "OPTAM" not in explain(care.explanation)[0]["text"]


def test_a_sector_that_is_not_one_is_refused_and_changes_nothing(family, claims_staff, lower_rate):
    claim = make_claim(family, [item()])
    with pytest.raises(ValidationError) as error:
        _assess(claims_staff["user"], claim, practitioner_sector=PractitionerSector.UNKNOWN)
    assert "practitioner_sector" in error.value.message_dict
    care = CareItem.objects.get(claim=claim)
    assert care.practitioner_sector == "" and care.base_amount is None
    assert not AuditEvent.objects.filter(action="claim.items_assessed").exists()


def test_a_decided_items_sector_cannot_change_when_the_claim_is_examined_again(family, claims_staff, lower_rate):
    """A claim with a second item refused for a missing document is examined again once the member adds it: the
    first item, paid, keeps its sector as it keeps its base."""
    staff = claims_staff["user"]
    claim = make_claim(family, [item(), item(category="T_GP", amount=D("50.00"), care_date=item().care_date)])
    first, second = claim.items.order_by("position")
    accepted = {"base_amount": D(30), "compulsory_paid": D(21), "decision": ItemDecision.ACCEPTED}
    services.claim_assess(
        actor=staff,
        claim=claim,
        assessments={
            first.pk: accepted | {"practitioner_sector": PractitionerSector.NON_OPTAM},
            second.pk: {
                "base_amount": D(25),
                "compulsory_paid": D(0),
                "decision": ItemDecision.REFUSED,
                "refusal_reason": RefusalReason.MISSING_DOCUMENTS,
            },  # fmt: skip
        },
    )
    services.claim_decide(actor=staff, claim=claim)
    second.refresh_from_db()
    services.claim_item_documents_add(actor=family["user"], item=second, files=[pdf_upload("lab.pdf")])
    claim.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.claim_assess(actor=staff, claim=claim, assessments={first.pk: accepted | {"practitioner_sector": ""}})
    assert error.value.code == "frozen_item"
    first.refresh_from_db()
    assert first.practitioner_sector == PractitionerSector.NON_OPTAM and first.reimbursed_amount == D("9.00")


def test_the_review_page_offers_the_sector_and_shows_it_once_decided(family, claims_staff, lower_rate):
    client = claims_staff["client"]
    claim = make_claim(family, [item()])
    html = client.get(review_url(claim)).content.decode()
    assert 'name="item1-practitioner_sector"' in html and "Not stated: the guarantee&#x27;s main rate" in html
    assert "I don&#x27;t know" not in html  # the member's answer in an estimate, not a fact staff record
    data = assessment(claim, {1: {"base_amount": "30.00", "compulsory_paid": "21.00"}})
    data["item1-practitioner_sector"] = "secteur_9"
    bad = client.post(review_url(claim, "assess"), data)
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert claim.items.get().base_amount is None
    data["item1-practitioner_sector"] = PractitionerSector.NON_OPTAM
    assert client.post(review_url(claim, "assess"), data).status_code == 302
    assert "Computed now: 9.00 EUR" in client.get(review_url(claim)).content.decode()
    client.post(review_url(claim, "decide"), {"note": ""})
    decided = client.get(review_url(claim)).content.decode()
    assert "Reimbursed: 9.00 EUR" in decided and "Secteur 2, not adhering to OPTAM" in decided
