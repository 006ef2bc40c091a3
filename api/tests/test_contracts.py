"""Read endpoints scope exactly like the web (DESIGN: one place decides who sees what; SECURITY V8.2.2)."""

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import User
from accounts.tests import factories as f
from api.tests.conftest import bearer, log_in, mandate, token_for
from contracts.tests import factories as cf
from people.tests.factories import company, person

pytestmark = pytest.mark.django_db

HEALTH_WORDS = ("claim", "care", "document", "nir", "iban", "salary")


def ids(response) -> set[str]:
    return {item["id"] for item in response.json()["items"]}


def test_me_shows_login_profiles_and_previous_connection(client, family):
    earlier = timezone.now() - timedelta(days=2)
    User.objects.filter(pk=family["profile"].user.pk).update(previous_login=earlier)
    body = client.get("/api/me", **bearer(token_for(family["profile"]))).json()
    assert body["active_profile"] == {
        "id": str(family["profile"].public_id),
        "kind": "member",
        "label": str(family["profile"].person),
    }
    assert [p["id"] for p in body["profiles"]] == [str(family["profile"].public_id)]
    shown = datetime.fromisoformat(body["previous_login"].replace("Z", "+00:00"))
    assert abs(shown - earlier) < timedelta(seconds=1)  # the instant, whatever the time zones' dates


def test_member_sees_own_contract_and_family(client, family, other_family):
    secret = token_for(family["profile"])
    listing = client.get("/api/contracts", **bearer(secret))
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    item = listing.json()["items"][0]
    assert item["id"] == str(family["contract"].public_id) and item["number"] == family["contract"].number
    assert "pk" not in item and not any(word in key for key in item for word in HEALTH_WORDS)
    detail = client.get(f"/api/contracts/{family['contract'].public_id}", **bearer(secret))
    assert detail.json() == item
    people = client.get(f"/api/contracts/{family['contract'].public_id}/beneficiaries", **bearer(secret)).json()
    assert [(p["first_name"], p["role"]) for p in people["items"]] == [
        (family["principal"].person.first_name, "subscriber"),
        ("Léa", "child"),
    ]
    assert people["items"][1]["birth_date"] == "2015-03-02"
    assert set(people["items"][0]) == {"id", "first_name", "last_name", "birth_date", "role", "start_date", "end_date"}


def test_another_familys_contract_answers_like_a_missing_one(client, family, other_family):
    secret = token_for(family["profile"])
    foreign = client.get(f"/api/contracts/{other_family['contract'].public_id}", **bearer(secret))
    missing = client.get(f"/api/contracts/{uuid.uuid4()}", **bearer(secret))
    assert foreign.status_code == missing.status_code == 404
    assert (
        foreign.json() == missing.json() == {"code": "not_found", "message": foreign.json()["message"], "field": None}
    )
    for suffix in ("/beneficiaries",):
        foreign = client.get(f"/api/contracts/{other_family['contract'].public_id}{suffix}", **bearer(secret))
        missing = client.get(f"/api/contracts/{uuid.uuid4()}{suffix}", **bearer(secret))
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json()


def test_a_dependant_member_sees_only_themselves(client, family):
    child_profile = f.profile(ProfileKind.MEMBER, family["child"].person)
    secret = token_for(child_profile)
    people = client.get(f"/api/contracts/{family['contract'].public_id}/beneficiaries", **bearer(secret)).json()
    assert [p["first_name"] for p in people["items"]] == ["Léa"]


def test_company_sees_its_collective_contracts_and_their_affiliates(client, employer, family):
    secret = token_for(employer["profile"])
    contract = employer["contract"]
    assert ids(client.get("/api/contracts", **bearer(secret))) == {str(contract.public_id)}
    people = client.get(f"/api/contracts/{contract.public_id}/beneficiaries", **bearer(secret)).json()
    assert people["count"] == 3
    assert client.get(f"/api/contracts/{family['contract'].public_id}", **bearer(secret)).status_code == 404
    other_firm_contract = cf.collective_contract(company())
    assert client.get(f"/api/contracts/{other_firm_contract.public_id}", **bearer(secret)).status_code == 404


def test_agent_sees_only_mandated_contracts(client, agent_profile, family, other_family, employer):
    mandate(agent_profile, family["contract"])
    mandate(agent_profile, employer["contract"], start_date=date(1999, 1, 1), end_date=date(2000, 1, 1))  # long over
    secret = token_for(agent_profile)
    assert ids(client.get("/api/contracts", **bearer(secret))) == {str(family["contract"].public_id)}
    assert client.get(f"/api/contracts/{other_family['contract'].public_id}", **bearer(secret)).status_code == 404
    assert client.get(f"/api/contracts/{employer['contract'].public_id}", **bearer(secret)).status_code == 404
    people = client.get(f"/api/contracts/{family['contract'].public_id}/beneficiaries", **bearer(secret)).json()
    assert people["count"] == 2


def test_professional_sees_no_contract(client, professional_profile, family):
    secret = token_for(professional_profile)
    assert client.get("/api/contracts", **bearer(secret)).json() == {"items": [], "count": 0}
    assert client.get(f"/api/contracts/{family['contract'].public_id}", **bearer(secret)).status_code == 404


def test_confidential_contract_is_withheld(client, family):
    family["contract"].is_confidential = True
    family["contract"].save()
    secret = token_for(family["profile"])
    assert client.get("/api/contracts", **bearer(secret)).json()["count"] == 0
    assert client.get(f"/api/contracts/{family['contract'].public_id}", **bearer(secret)).status_code == 404


def test_token_keeps_the_profile_it_was_made_for(client, family):
    account = family["profile"].user
    firm = company()
    firm_contract = cf.collective_contract(firm)
    f.profile(ProfileKind.COMPANY, firm, account=account)
    secret = token_for(family["profile"])
    log_in(client, account)
    session = client.session
    session["profile"] = str(account.profiles.get(kind=ProfileKind.COMPANY).public_id)
    session.save()
    assert ids(client.get("/api/contracts")) == {str(firm_contract.public_id)}
    assert ids(client.get("/api/contracts", **bearer(secret))) == {str(family["contract"].public_id)}


def test_pagination(client, employer):
    for _ in range(3):
        cf.collective_contract(employer["profile"].company)
    secret = token_for(employer["profile"])
    first = client.get("/api/contracts?page=1&page_size=3", **bearer(secret)).json()
    second = client.get("/api/contracts?page=2&page_size=3", **bearer(secret)).json()
    assert first["count"] == second["count"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert not ids_overlap(first, second)
    assert len(client.get("/api/contracts?page_size=1000", **bearer(secret)).json()["items"]) == 4


def ids_overlap(a, b) -> bool:
    return bool({i["id"] for i in a["items"]} & {i["id"] for i in b["items"]})


def _employees(company_profile, contracts: int):
    for _ in range(contracts):
        contract = cf.collective_contract(company_profile.company)
        cf.subscriber(contract, person())


def test_query_count_of_the_contract_list_does_not_grow(client, employer, django_assert_max_num_queries):
    secret = token_for(employer["profile"])
    client.get("/api/contracts", **bearer(secret))  # note the token's use once, so both calls read alike
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/contracts", **bearer(secret)).json()["count"] == 1
    _employees(employer["profile"], 15)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/contracts", **bearer(secret)).json()["count"] == 16


def test_query_count_of_beneficiaries_does_not_grow(client, employer, django_assert_max_num_queries):
    secret = token_for(employer["profile"])
    url = f"/api/contracts/{employer['contract'].public_id}/beneficiaries"
    client.get(url, **bearer(secret))
    with CaptureQueriesContext(connection) as few:
        client.get(url, **bearer(secret))
    for _ in range(15):
        cf.subscriber(employer["contract"], person())
    with django_assert_max_num_queries(len(few)):
        assert client.get(url, **bearer(secret)).json()["count"] == 18
