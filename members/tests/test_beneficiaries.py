"""M2 beneficiaries: who each contract covers, additions and removals through requests, and the death-benefit
designation of welfare contracts. A member never sees or changes another family's covers."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts.choices import AffiliationRole
from contracts.selectors import affiliation_list
from contracts.tests import factories as cf
from demarches.models import Request
from demarches.services import request_validate
from members import request_kinds
from members.choices import ClauseType
from members.models import DeathBenefitDesignation
from members.tests.conftest import client_for, fake_request, member_of, pdf
from people.models import Person
from people.tests.factories import dependant

pytestmark = pytest.mark.django_db

PAGE = reverse("members:beneficiaries")
ADD = reverse("members:beneficiary_add")


def remove_url(affiliation) -> str:
    return reverse("members:beneficiary_remove", args=[affiliation.public_id])


def death_url(contract) -> str:
    return reverse("members:death_beneficiary", args=[contract.public_id])


def submitted(kind: str):
    return Request.objects.filter(kind=kind)


def validate(staff_user, request):
    return request_validate(actor=staff_user, request=request)


# --- The page ------------------------------------------------------------------------------------------------


def test_the_page_lists_each_contract_with_its_covered_people(family):
    ended = cf.dependant_of(
        family.principal,
        dependant(first_name="Paul", birth_date=date(1979, 1, 1)),
        role=AffiliationRole.SPOUSE,
        end_date=date(2023, 12, 31),
    )
    response = family.client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert family.contract.number in page and "Léa" in page and "Paul" in page
    assert "Ended" in page and "Covered" in page
    assert remove_url(family.child) in page and remove_url(ended) not in page
    assert 'class="table-scroll"' in page and 'data-label="Date of birth"' in page


def test_a_dependant_only_login_sees_only_themselves(family):
    child_client = client_for(member_of(family.child.person))
    page = child_client.get(PAGE).content.decode()
    assert "Léa" in page and family.holder.full_name not in page
    assert ADD not in page and "Remove" not in page
    assert child_client.get(ADD).status_code == 404
    assert child_client.get(remove_url(family.child)).status_code == 404


def test_another_familys_covers_answer_like_missing_ones(family, other_family):
    missing = family.client.get(reverse("members:beneficiary_remove", args=[uuid.uuid4()]))
    foreign = family.client.get(remove_url(other_family.child))
    assert missing.status_code == foreign.status_code == 404
    assert family.client.get(death_url(other_family.welfare)).status_code == 404
    assert family.client.get(reverse("members:death_beneficiary", args=[uuid.uuid4()])).status_code == 404
    assert other_family.child.person.first_name not in family.client.get(PAGE).content.decode()


def test_foreign_records_in_the_form_are_refused(family, other_family):
    response = family.client.post(
        ADD, {**child_data(), "contract": str(other_family.contract.public_id), "attachments": [pdf()]}
    )
    assert "contract" in response.context["form"].errors and not submitted("beneficiary_add").exists()


# --- Adding ----------------------------------------------------------------------------------------------------


def child_data(**changes):
    data = {
        "last_name": "Durand",
        "first_name": "Noé",
        "birth_date": "2024-02-10",
        "role": "child",
        "start_date": "2024-02-10",
    }
    return {**data, **changes}


def test_adding_a_child_goes_through_a_request_then_the_child_is_covered(family, staff_user):
    response = family.client.post(
        ADD, {**child_data(), "contract": str(family.contract.public_id), "attachments": [pdf("livret.pdf")]}
    )
    assert response.status_code == 302
    request = submitted("beneficiary_add").get()
    assert request.subject_contract == family.contract and request.attachments.count() == 1
    assert not Person.objects.filter(first_name="Noé").exists()
    validate(staff_user, request)
    child = Person.objects.get(first_name="Noé")
    assert child.membership_number is None
    covered = affiliation_list(actor=family.profile).filter(person=child).get()
    assert (covered.role, covered.principal, covered.start_date) == ("child", family.principal, date(2024, 2, 10))
    assert "Noé" in family.client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", (timezone.localdate() + timedelta(days=3)).isoformat()),
        ("start_date", "2024-01-01"),  # before the birth
        ("first_name", ""),
        ("first_name", "x" * 10_000),
        ("last_name", "<script>alert(1)</script>"),
        ("role", "subscriber"),
        ("birth_date", "1970-01-01"),  # a child older than the subscriber
    ],
)
def test_bad_beneficiary_input_sends_nothing(family, field, value):
    data = {**child_data(**{field: value}), "contract": str(family.contract.public_id), "attachments": [pdf()]}
    response = family.client.post(ADD, data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not submitted("beneficiary_add").exists()


def test_adding_needs_a_supporting_document(family):
    response = family.client.post(ADD, {**child_data(), "contract": str(family.contract.public_id)})
    assert "attachments" in response.context["form"].errors and not submitted("beneficiary_add").exists()


def test_the_add_applier_refuses_what_the_records_no_longer_allow(family, staff_user):
    spouse = {"last_name": "Durand", "first_name": "Paul", "birth_date": "1979-01-01", "role": "spouse"}
    cf.dependant_of(family.principal, dependant(first_name="Eve", birth_date=date(1981, 1, 1)), role="spouse")
    before = Person.objects.count()
    with pytest.raises(ValidationError):
        request_kinds.apply_beneficiary_add(
            request=fake_request(person=family.holder, contract=family.contract, start_date="2024-01-01", **spouse),
            actor=staff_user,
        )
    with pytest.raises(ValidationError):  # before the member's own cover
        request_kinds.apply_beneficiary_add(
            request=fake_request(
                person=family.holder,
                contract=family.contract,
                **child_data(start_date="2021-01-01", birth_date="2020-01-01"),
            ),
            actor=staff_user,
        )
    assert Person.objects.count() == before  # the person created before the refusal is gone too


def test_a_child_already_covered_elsewhere_is_the_same_person(family, staff_user):
    other = cf.individual_contract(family.holder)
    for contract in (family.contract, other):
        request_kinds.apply_beneficiary_add(
            request=fake_request(person=family.holder, contract=contract, **child_data()), actor=staff_user
        )
    assert Person.objects.filter(first_name="Noé").count() == 1


# --- Removing ---------------------------------------------------------------------------------------------------


def test_removing_a_dependant_goes_through_a_request_then_the_cover_ends(family, staff_user):
    end = timezone.localdate() - timedelta(days=1)
    response = family.client.post(
        remove_url(family.child), {"end_date": end.isoformat(), "reason": "covered_elsewhere", "attachments": [pdf()]}
    )
    assert response.status_code == 302
    request = submitted("beneficiary_remove").get()
    assert request.payload["affiliation"] == str(family.child.public_id) and request.attachments.count() == 1
    validate(staff_user, request)
    family.child.refresh_from_db()
    assert family.child.end_date == end
    assert affiliation_list(actor=family.profile).get(pk=family.child.pk).end_date == end
    assert "Ended" in family.client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("field", "value"), [("end_date", "2000-01-01"), ("end_date", ""), ("reason", "bored"), ("details", "<b>x</b>")]
)
def test_bad_removal_input_sends_nothing(family, field, value):
    data = {"end_date": "2025-01-31", "reason": "other", "details": "", field: value}
    response = family.client.post(remove_url(family.child), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not submitted("beneficiary_remove").exists()


def test_the_remove_applier_refuses_another_familys_cover(family, other_family, staff_user):
    with pytest.raises(ValidationError):
        request_kinds.apply_beneficiary_remove(
            request=fake_request(
                person=family.holder, affiliation=str(other_family.child.public_id), end_date="2025-01-31"
            ),
            actor=staff_user,
        )
    other_family.child.refresh_from_db()
    assert other_family.child.end_date is None


# --- Death-benefit designation ------------------------------------------------------------------------------


def named(*shares):
    rows = {"clause_type": "named", "named-TOTAL_FORMS": "3", "named-INITIAL_FORMS": "0"}
    for n, share in enumerate(shares):
        rows.update(
            {
                f"named-{n}-last_name": "Petit",
                f"named-{n}-first_name": ("Léa", "Hugo", "Inès")[n],
                f"named-{n}-birth_date": f"200{n}-01-01",
                f"named-{n}-share": share,
            }
        )
    return rows


def test_a_welfare_contract_shows_and_changes_its_designation(welfare_member, staff_user):
    page = welfare_member.client.get(PAGE).content.decode()
    assert "Death-benefit beneficiaries" in page and "No designation" in page
    url = death_url(welfare_member.welfare)
    assert welfare_member.client.get(url).status_code == 200
    response = welfare_member.client.post(url, {**named("60", "40"), "attachments": [pdf()]})
    assert response.status_code == 302
    request = submitted("death_beneficiary").get()
    assert request.subject_contract == welfare_member.welfare and request.attachments.count() == 1
    validate(staff_user, request)
    designation = DeathBenefitDesignation.objects.get()
    assert designation.clause_type == ClauseType.NAMED and designation.source_request == request.public_id
    assert [b["share"] for b in designation.beneficiaries] == ["60.00", "40.00"]
    assert "Léa" in welfare_member.client.get(PAGE).content.decode()


def test_the_standard_clause_replaces_a_named_one(welfare_member, staff_user):
    for data in (named("100"), {"clause_type": "standard", "named-TOTAL_FORMS": "3", "named-INITIAL_FORMS": "0"}):
        request_kinds.apply_death_beneficiary(
            request=fake_request(
                person=welfare_member.person,
                contract=welfare_member.welfare,
                clause_type=data["clause_type"],
                beneficiaries=[{"last_name": "A", "first_name": "B", "birth_date": "2001-01-01", "share": "100"}]
                if data["clause_type"] == "named"
                else [],
            ),
            actor=staff_user,
        )
    assert DeathBenefitDesignation.objects.count() == 2
    assert "my children born or to be born" in welfare_member.client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        named("60", "30"),  # shares not adding up to 100 %
        named("150"),
        named(),  # a named clause naming no one
        {**named("100"), "named-0-first_name": "<script>x</script>"},
        {**named("100"), "named-0-birth_date": "2999-01-01"},
        {"clause_type": "lottery", "named-TOTAL_FORMS": "3", "named-INITIAL_FORMS": "0"},
    ],
)
def test_a_bad_designation_sends_nothing(welfare_member, data):
    response = welfare_member.client.post(death_url(welfare_member.welfare), {**data, "attachments": [pdf()]})
    assert response.status_code == 200 and not submitted("death_beneficiary").exists()


def test_the_designation_applier_refuses_a_health_contract(family, staff_user):
    with pytest.raises(ValidationError):
        request_kinds.apply_death_beneficiary(
            request=fake_request(person=family.holder, contract=family.contract, clause_type="standard"),
            actor=staff_user,
        )
    assert not DeathBenefitDesignation.objects.exists()
