"""The member rights check (SPEC H2): what the card shows, for the right identity only, every check recorded, no
enumeration and a rate limit (X9)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from audit.models import AuditEvent
from contracts.models import Affiliation
from people.tests.factories import company
from professionals import selectors
from professionals.tests.conftest import log_in

pytestmark = pytest.mark.django_db
URL = reverse("professionals:rights")


def lookup(family, **changes):
    holder = family["holder"]
    query = {
        "card_number": holder.membership_number,
        "last_name": holder.last_name,
        "first_name": holder.first_name,
        "birth_date": holder.birth_date,
        "on": timezone.localdate(),
    }
    return selectors.rights_lookup(**{**query, **changes})


def form(family, person=None, **changes) -> dict:
    person = person or family["holder"]
    data = {
        "card_number": family["holder"].membership_number,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "care_date": timezone.localdate().isoformat(),
    }
    return {**data, **changes}


def test_the_holder_is_covered_with_what_the_card_shows(family):
    answer = lookup(family, last_name=family["holder"].last_name.upper(), first_name="claire")
    assert answer is not None
    assert answer.card.member_number == family["holder"].membership_number
    assert answer.card.contract_number == family["contract"].number
    assert [person.name for person in answer.covered] == [family["holder"].full_name]
    assert [domain.code for domain in answer.domains] == ["PHAR", "MED", "OPTI"]
    assert {row.line.category.tp_domain for row in answer.guarantees} == {"MED", "PHAR", "OPTI"}


def test_a_child_is_found_with_the_holders_card_number(family):
    child = family["child"].person
    answer = lookup(family, last_name=child.last_name, first_name=child.first_name, birth_date=child.birth_date)
    assert [person.name for person in answer.covered] == [child.full_name]
    assert answer.covered[0].role == "Child"


@pytest.mark.parametrize(
    "changes",
    [
        {"card_number": "1999999999"},
        {"card_number": ""},
        {"first_name": "Claudine"},
        {"last_name": "Dupont"},
        {"birth_date": date(1980, 5, 18)},
    ],
)
def test_a_wrong_number_or_identity_finds_nothing(family, changes):
    assert lookup(family, **changes) is None


def test_ended_rights_are_not_rights(family):
    today = timezone.localdate()
    Affiliation.objects.filter(pk=family["child"].pk).update(end_date=today - timedelta(days=1))
    child = family["child"].person
    assert lookup(family, last_name=child.last_name, first_name=child.first_name, birth_date=child.birth_date) is None
    assert (
        lookup(
            family,
            on=today - timedelta(days=2),
            last_name=child.last_name,
            first_name=child.first_name,
            birth_date=child.birth_date,
        )
        is not None
    )
    assert lookup(family, on=date(2021, 6, 1)) is None  # before the contract


def test_a_withheld_person_is_never_shown(family):
    family["holder"].is_confidential = True
    family["holder"].save()
    assert lookup(family) is None


def _page_text(response) -> str:
    """The visible answer, without the per-response CSRF token and the fields echoed back."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'<form method="post".*</form>', "", html, flags=re.S)


def test_the_page_answers_a_wrong_number_and_a_wrong_identity_alike(pro_client, pro, family):
    covered = pro_client.post(URL, form(family))
    assert covered.status_code == 200
    assert "Rights open on" in covered.content.decode() and family["contract"].number in covered.content.decode()
    wrong_number = pro_client.post(URL, form(family, card_number="1999999999"))
    wrong_identity = pro_client.post(URL, form(family, first_name="Claudine"))
    assert wrong_number.status_code == wrong_identity.status_code == 200
    assert _page_text(wrong_number).replace("1999999999", "N") == _page_text(wrong_identity).replace(
        family["holder"].membership_number, "N"
    )
    assert "No rights found" in wrong_number.content.decode()
    assert family["contract"].number not in wrong_number.content.decode()
    events = AuditEvent.objects.filter(action="tp_rights.checked").order_by("id")
    assert [event.data["result"] for event in events] == ["covered", "not_found", "not_found"]
    assert events[0].data["card_number"] == family["holder"].membership_number
    assert events[0].actor_id == pro.user_id


def test_bad_input_is_a_form_error_and_no_check(pro_client, family):
    response = pro_client.post(URL, form(family, birth_date="2999-01-01", care_date="1990-01-01", card_number="<x>"))
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"birth_date", "care_date", "card_number"}
    assert not AuditEvent.objects.filter(action="tp_rights.checked").exists()


def test_checks_are_rate_limited_per_login(pro_client, family, settings):
    settings.PROFESSIONALS_LIMITS = {"rights_user": (3, 3600)}
    for _ in range(3):
        assert pro_client.post(URL, form(family)).status_code == 200
    response = pro_client.post(URL, form(family))
    assert response.status_code == 429
    assert "too many checks" in response.content.decode()
    assert AuditEvent.objects.filter(action="tp_rights.checked").count() == 3


def test_wrong_answers_are_limited_sooner(pro_client, family, settings):
    settings.PROFESSIONALS_LIMITS = {"rights_miss_user": (2, 3600)}
    for _ in range(2):
        assert pro_client.post(URL, form(family, first_name="Zoé")).status_code == 200
    assert pro_client.post(URL, form(family)).status_code == 429


def test_the_address_limit_holds_across_logins(family, settings):
    settings.PROFESSIONALS_LIMITS = {"rights_address": (2, 3600)}
    from professionals.tests import factories as pf

    for _ in range(2):
        assert log_in(Client(), pf.pro_profile().user).post(URL, form(family)).status_code == 200
    assert log_in(Client(), pf.pro_profile().user).post(URL, form(family)).status_code == 429


def test_only_a_professional_checks_rights(family):
    member = log_in(Client(), family["profile"].user)
    assert member.get(URL).status_code == 404
    assert member.post(URL, form(family)).status_code == 404
    correspondent = log_in(Client(), f.profile(ProfileKind.COMPANY, company()).user)
    assert correspondent.post(URL, form(family)).status_code == 404
    assert not AuditEvent.objects.filter(action="tp_rights.checked").exists()


def test_the_answer_is_in_french_for_a_french_login(pro, family):
    client = log_in(Client(), pro.user, language="fr")
    page = client.post(URL, form(family)).content.decode()
    assert "Droits ouverts le" in page and "Domaines de tiers payant" in page and "Principales garanties" in page
    none = client.post(URL, form(family, first_name="Zoé")).content.decode()
    assert "Aucun droit trouvé" in none


def test_a_professional_without_an_agreement_in_force_checks_nothing(pro_client, pro, family):
    from providers.models import TPAgreement

    TPAgreement.objects.filter(professional=pro.professional).update(end_date=date(2021, 12, 31))
    response = pro_client.post(URL, form(family))
    assert response.status_code == 403 and "agreement with us is not in force" in response.content.decode()
    assert family["contract"].number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="tp_rights.checked").exists()
