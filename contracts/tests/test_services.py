"""Services of the catalogue, contracts, affiliations and mandates: happy paths and every rule."""

import copy
import json
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from contracts.choices import AffiliationRole, CompulsorySchemeMode, ContractKind, ProductLine
from contracts.models import (
    Affiliation,
    CareCategory,
    Contract,
    ContractOption,
    ExpatriationZone,
    GuaranteeLine,
    Mandate,
    Product,
    ZoneCountry,
)
from contracts.services import (
    CATALOGUE_FILE,
    affiliation_add_dependant,
    affiliation_add_subscriber,
    affiliation_end,
    catalogue_load,
    contract_create,
    contract_end,
    contract_option_add,
    mandate_end,
    mandate_grant,
)
from people.models import Agent, Company, Person

pytestmark = pytest.mark.django_db

CHILD, SPOUSE, PARTNER = AffiliationRole.CHILD, AffiliationRole.SPOUSE, AffiliationRole.PARTNER
TABLES = (CareCategory, ExpatriationZone, ZoneCountry, Product, GuaranteeLine)
TABLES += (Contract, ContractOption, Affiliation, Mandate, AuditEvent)


@contextmanager
def nothing_written():
    before = [model.objects.count() for model in TABLES]
    yield
    assert [model.objects.count() for model in TABLES] == before


def errors_of(excinfo: pytest.ExceptionInfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def health() -> Product:
    return Product.objects.create(
        code="SANTE_TEST", name_fr="Santé", name_en="Health", line=ProductLine.HEALTH,
        scheme_mode=CompulsorySchemeMode.COMPLEMENT, for_individuals=True, for_companies=True,
    )  # fmt: skip


@pytest.fixture
def expat() -> Product:
    return Product.objects.create(
        code="EXPAT_TEST", name_fr="Expat", name_en="Expat", line=ProductLine.EXPAT_HEALTH,
        scheme_mode=CompulsorySchemeMode.FIRST_EURO, for_individuals=True, for_companies=True,
    )  # fmt: skip


@pytest.fixture
def zone() -> ExpatriationZone:
    zone = ExpatriationZone.objects.create(
        code="Z1", name_fr="Europe", name_en="Europe", emergency_phone="+33 1", assistance_phone="+33 1"
    )
    ZoneCountry.objects.create(zone=zone, country="BE")
    ZoneCountry.objects.create(zone=zone, country="MA")
    return zone


@pytest.fixture
def holder() -> Person:
    return Person.objects.create(
        membership_number="1000000001", last_name="Martin", first_name="Paul", birth_date=date(1980, 4, 2), sex="M"
    )


def a_person(first_name: str, birth: date, number: str | None = None) -> Person:
    return Person.objects.create(membership_number=number, last_name="Martin", first_name=first_name, birth_date=birth)


def add_dependant(
    principal: Affiliation, first_name: str, birth: date, role: str, start: date, end=None
) -> Affiliation:
    person = a_person(first_name, birth)
    return affiliation_add_dependant(
        actor=None, principal=principal, person=person, role=role, start_date=start, end_date=end
    )


@pytest.fixture
def company() -> Company:
    return Company.objects.create(membership_number="E00000001", name="Lemoine SAS", siret="73282932000074")


def open_contract(product: Product, holder, **fields) -> Contract:
    values = {
        "number": "IND-2020-000001" if isinstance(holder, Person) else "COL-2020-000001",
        "effective_date": date(2020, 1, 1),
        "payment_method": "direct_debit",
        "payment_frequency": "quarterly",
    }
    return contract_create(actor=None, product=product, holder=holder, **{**values, **fields})


@pytest.fixture
def contract(health, holder) -> Contract:
    return open_contract(health, holder)


@pytest.fixture
def subscriber(contract, holder) -> Affiliation:
    return affiliation_add_subscriber(actor=None, contract=contract, person=holder, start_date=date(2020, 1, 1))


# --- Catalogue ---------------------------------------------------------------------------------


def catalogue_data() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def test_catalogue_load_builds_the_catalogue_and_a_second_load_changes_nothing():
    first = catalogue_load(actor=None, data=catalogue_data())
    counts = [model.objects.count() for model in TABLES[:5]]
    assert first["product_created"] == Product.objects.count() >= 10
    assert ZoneCountry.objects.count() >= 75 and ExpatriationZone.objects.count() == 3
    assert catalogue_load(actor=None, data=catalogue_data()) == {}
    assert [model.objects.count() for model in TABLES[:5]] == counts
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["catalogue.loaded"] * 2


def test_the_shipped_catalogue_is_realistic():
    catalogue_load(actor=None, data=catalogue_data())
    assert not CareCategory.objects.get(code="HOSPITAL_STAY").claimable_online
    assert not CareCategory.objects.get(code="THERMAL_CURE").claimable_online
    assert CareCategory.objects.get(code="PHARMACY").tp_domain == "PHAR"
    assert ZoneCountry.objects.get(country="US").zone.code == "Z3"
    assert not ZoneCountry.objects.filter(country="FR").exists()
    lines = GuaranteeLine.objects.filter(category__code="DENTAL_PROSTHESIS", product__line=ProductLine.HEALTH)
    assert sorted(int(rate) for rate in lines.values_list("rate", flat=True)) == [125, 150, 250, 350, 400]
    optics = GuaranteeLine.objects.get(product__code="SANTE_CONFORT", category__code="OPTICS_GLASSES")
    assert optics.ceiling_period_years == 2 and optics.flat_amount > 0
    assert Product.objects.filter(for_companies=True, line=ProductLine.WELFARE).exists()


def test_catalogue_load_updates_only_what_changed():
    data = catalogue_data()
    catalogue_load(actor=None, data=data)
    changed = copy.deepcopy(data)
    changed["products"][0]["guarantees"][0]["rate"] = 175
    changed["zones"][2]["countries"].remove("US")
    changed["zones"][0]["countries"].append("US")  # moves the United States to zone 1
    assert catalogue_load(actor=None, data=changed) == {"guaranteeline_updated": 1, "zonecountry_updated": 1}
    assert ZoneCountry.objects.get(country="US").zone.code == data["zones"][0]["code"]


def test_catalogue_load_refuses_an_unknown_category_and_writes_nothing():
    data = catalogue_data()
    data["products"][-1]["guarantees"].append({"category": "ASTROLOGY", "basis": "flat", "flat_amount": 10})
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        catalogue_load(actor=None, data=data)
    assert "ASTROLOGY" in excinfo.value.messages[0]


def test_catalogue_load_names_a_missing_field():
    data = {"care_categories": [{"name_fr": "Pharmacie", "name_en": "Pharmacy"}]}
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        catalogue_load(actor=None, data=data)
    assert "code" in excinfo.value.messages[0]


def test_catalogue_load_refuses_a_guarantee_without_its_rate():
    data = {"care_categories": catalogue_data()["care_categories"][:1]}
    code = data["care_categories"][0]["code"]
    data["products"] = [
        {"code": "P", "name_fr": "P", "name_en": "P", "line": "health", "level": 1, "scheme_mode": "complement",
         "for_individuals": True, "for_companies": False, "guarantees": [{"category": code, "basis": "percent_base"}]}
    ]  # fmt: skip
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        catalogue_load(actor=None, data=data)
    assert "P" in excinfo.value.messages[0] and code in excinfo.value.messages[0]


# --- Contracts ---------------------------------------------------------------------------------


def test_contract_create_individual_and_collective(health, holder, company):
    individual = open_contract(health, holder)
    collective = open_contract(health, company)
    assert (individual.kind, individual.holder_person) == (ContractKind.INDIVIDUAL, holder)
    assert (collective.kind, collective.holder_company) == (ContractKind.COLLECTIVE, company)
    assert AuditEvent.objects.filter(action="contract.created").count() == 2


def test_contract_create_refuses_a_product_not_sold_to_that_holder(health, holder, company):
    health.for_companies = False
    health.save()
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        open_contract(health, company)
    assert "product" in errors_of(excinfo)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end_date": date(2019, 12, 31)}, "__all__"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"number": ""}, "number"),
    ],
)
def test_contract_create_refuses_bad_input(health, holder, fields, field):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        open_contract(health, holder, **fields)
    assert field in errors_of(excinfo)


def test_contract_numbers_are_unique(health, holder):
    open_contract(health, holder)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        open_contract(health, holder)
    assert "number" in errors_of(excinfo)


def test_a_holder_needs_a_membership_number(health):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        open_contract(health, a_person("Léa", date(2010, 1, 1)))
    assert "holder" in errors_of(excinfo)


def test_expatriate_contracts_and_only_they_have_a_zone(health, expat, zone, holder):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        open_contract(expat, holder)
    assert "zone" in errors_of(excinfo)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        open_contract(health, holder, zone=zone)
    assert "zone" in errors_of(excinfo)
    assert open_contract(expat, holder, zone=zone).zone == zone


def test_contract_option_add(contract):
    option = contract_option_add(
        actor=None, contract=contract, code="OPTIQUE+", name_fr="Optique renforcée", name_en="Optics plus",
        effective_date=date(2021, 1, 1),
    )  # fmt: skip
    assert option.end_date is None
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        contract_option_add(
            actor=None, contract=contract, code="OPTIQUE+", name_fr="O", name_en="O", effective_date=date(2022, 1, 1)
        )
    assert "code" in errors_of(excinfo)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        contract_option_add(
            actor=None,
            contract=contract,
            code="RAPATRIEMENT",
            name_fr="R",
            name_en="R",
            effective_date=date(2019, 1, 1),
        )
    assert "start_date" in errors_of(excinfo)


def test_contract_end_ends_what_hangs_from_it(contract, subscriber):
    spouse = add_dependant(subscriber, "Anne", date(1982, 1, 1), SPOUSE, date(2020, 1, 1))
    agent = Agent.objects.create(membership_number="MD000001", name="Courtage")
    mandate = mandate_grant(actor=None, agent=agent, contract=contract, start_date=date(2021, 1, 1))
    contract_end(actor=None, contract=contract, end_date=date(2024, 6, 30))
    for row in (contract, subscriber, spouse, mandate):
        row.refresh_from_db()
        assert row.end_date == date(2024, 6, 30)
    assert AuditEvent.objects.get(action="contract.ended").data["affiliations_ended"] == 2


def test_contract_end_refuses_a_date_before_cover_that_starts_later(contract, subscriber):
    add_dependant(subscriber, "Anne", date(1982, 1, 1), SPOUSE, date(2023, 1, 1))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        contract_end(actor=None, contract=contract, end_date=date(2022, 12, 31))
    assert "end_date" in errors_of(excinfo)
    assert Contract.objects.get().end_date is None


# --- Affiliations --------------------------------------------------------------------------------


def test_affiliation_add_subscriber(subscriber, contract, holder):
    assert (subscriber.role, subscriber.principal, subscriber.end_date) == (AffiliationRole.SUBSCRIBER, None, None)
    event = AuditEvent.objects.get(action="affiliation.added")
    assert event.data == {"contract": contract.number, "role": "subscriber", "start_date": "2020-01-01"}


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2019, 12, 1), None, "start_date"),
        (date(2020, 1, 1), date(2025, 1, 1), "end_date"),
        (date(2020, 1, 1), date(2019, 1, 1), "__all__"),
    ],
)
def test_subscriber_dates_lie_within_the_contract(health, holder, start, end, field):
    contract = open_contract(health, holder, end_date=date(2024, 12, 31))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_subscriber(actor=None, contract=contract, person=holder, start_date=start, end_date=end)
    assert field in errors_of(excinfo)


def test_an_open_cover_ends_with_its_contract(health, holder):
    contract = open_contract(health, holder, end_date=date(2024, 12, 31))
    affiliation = affiliation_add_subscriber(actor=None, contract=contract, person=holder, start_date=date(2020, 1, 1))
    assert affiliation.end_date == date(2024, 12, 31)


def test_no_overlapping_cover_of_a_person_on_a_contract(subscriber, contract, holder):
    affiliation_end(actor=None, affiliation=subscriber, end_date=date(2021, 12, 31))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_subscriber(actor=None, contract=contract, person=holder, start_date=date(2021, 6, 1))
    assert "person" in errors_of(excinfo)
    again = affiliation_add_subscriber(actor=None, contract=contract, person=holder, start_date=date(2022, 1, 1))
    assert again.start_date == date(2022, 1, 1)


def test_on_an_individual_contract_only_the_holder_subscribes(contract):
    other = a_person("Jean", date(1970, 1, 1), number="1000000002")
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_subscriber(actor=None, contract=contract, person=other, start_date=date(2020, 1, 1))
    assert "person" in errors_of(excinfo)


def test_employees_under_a_collective_contract(health, company):
    contract = open_contract(health, company)
    employee = a_person("Jean", date(1990, 1, 1), number="1000000002")
    affiliation = affiliation_add_subscriber(
        actor=None, contract=contract, person=employee, start_date=date(2023, 3, 1), employee_number="MAT0042"
    )
    assert affiliation.employee_number == "MAT0042"
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_subscriber(
            actor=None, contract=contract, person=a_person("Léa", date(1991, 1, 1)), start_date=date(2023, 3, 1)
        )
    assert "person" in errors_of(excinfo)


def test_expatriates_live_in_the_contract_zone_and_their_family_follows(expat, zone, holder):
    contract = open_contract(expat, holder, zone=zone)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_subscriber(
            actor=None, contract=contract, person=holder, start_date=date(2020, 1, 1), country_of_expatriation="US"
        )
    assert "Z1" in errors_of(excinfo)["country_of_expatriation"][0]
    principal = affiliation_add_subscriber(
        actor=None, contract=contract, person=holder, start_date=date(2020, 1, 1), country_of_expatriation="MA"
    )
    child = add_dependant(principal, "Léa", date(2012, 5, 1), CHILD, date(2020, 1, 1))
    assert child.country_of_expatriation.code == "MA"


def test_a_domestic_contract_has_no_country_of_expatriation(contract, holder):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_subscriber(
            actor=None, contract=contract, person=holder, start_date=date(2020, 1, 1), country_of_expatriation="BE"
        )
    assert "country_of_expatriation" in errors_of(excinfo)


def test_affiliation_add_dependant_family(subscriber):
    spouse = add_dependant(subscriber, "Anne", date(1982, 1, 1), SPOUSE, date(2020, 1, 1))
    child = add_dependant(subscriber, "Léa", date(2021, 2, 3), CHILD, date(2021, 2, 3))
    assert spouse.principal == child.principal == subscriber
    assert AuditEvent.objects.filter(action="affiliation.added").count() == 3


@pytest.mark.parametrize(
    ("birth", "role", "start", "field"),
    [
        (date(1979, 1, 1), CHILD, date(2020, 1, 1), "person"),  # a child older than the subscriber
        (date(2010, 1, 1), CHILD, date(2019, 6, 1), "start_date"),  # before the contract
        (date(2021, 1, 1), CHILD, date(2020, 6, 1), "start_date"),  # before the child's birth
        (date(2010, 1, 1), AffiliationRole.SUBSCRIBER, date(2020, 1, 1), "role"),
        (date(2010, 1, 1), "cousin", date(2020, 1, 1), "role"),
    ],
)
def test_affiliation_add_dependant_refuses(subscriber, birth, role, start, field):
    person = a_person("Léa", birth)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_dependant(actor=None, principal=subscriber, person=person, role=role, start_date=start)
    assert field in errors_of(excinfo)


def test_a_dependant_cannot_outlive_its_subscriber(subscriber):
    affiliation_end(actor=None, affiliation=subscriber, end_date=date(2023, 12, 31))
    person = a_person("Léa", date(2015, 1, 1))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_dependant(
            actor=None,
            principal=subscriber,
            person=person,
            role=CHILD,
            start_date=date(2020, 1, 1),
            end_date=date(2024, 6, 30),
        )
    assert "end_date" in errors_of(excinfo)
    child = affiliation_add_dependant(
        actor=None, principal=subscriber, person=person, role=CHILD, start_date=date(2020, 1, 1)
    )
    assert child.end_date == date(2023, 12, 31)


def test_one_spouse_or_partner_at_a_time(subscriber):
    add_dependant(subscriber, "Anne", date(1982, 1, 1), SPOUSE, date(2020, 1, 1), date(2022, 6, 30))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        add_dependant(subscriber, "Zoé", date(1985, 1, 1), PARTNER, date(2022, 1, 1))
    assert "role" in errors_of(excinfo)
    add_dependant(subscriber, "Zoé", date(1985, 1, 1), PARTNER, date(2022, 7, 1))


def test_dependants_hang_from_a_subscriber_who_is_someone_else(subscriber, holder):
    child = add_dependant(subscriber, "Léa", date(2015, 1, 1), CHILD, date(2020, 1, 1))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        add_dependant(child, "Tom", date(2016, 1, 1), CHILD, date(2020, 1, 1))
    assert "principal" in errors_of(excinfo)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_add_dependant(
            actor=None, principal=subscriber, person=holder, role=SPOUSE, start_date=date(2020, 1, 1)
        )
    assert "person" in errors_of(excinfo)


def test_ending_a_subscriber_ends_the_dependants_the_same_day(subscriber):
    spouse = add_dependant(subscriber, "Anne", date(1982, 1, 1), SPOUSE, date(2020, 1, 1))
    child = add_dependant(subscriber, "Léa", date(2000, 1, 1), CHILD, date(2020, 1, 1), date(2021, 1, 31))
    affiliation_end(actor=None, affiliation=subscriber, end_date=date(2024, 3, 31))
    spouse.refresh_from_db()
    child.refresh_from_db()
    assert (spouse.end_date, child.end_date) == (date(2024, 3, 31), date(2021, 1, 31))
    event = AuditEvent.objects.get(action="affiliation.ended")
    assert event.data == {"end_date": "2024-03-31", "dependants_ended": 1}


def test_affiliation_end_refuses(subscriber, health, holder):
    add_dependant(subscriber, "Anne", date(1982, 1, 1), SPOUSE, date(2023, 1, 1))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_end(actor=None, affiliation=subscriber, end_date=date(2019, 12, 31))
    assert "end_date" in errors_of(excinfo)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        affiliation_end(actor=None, affiliation=subscriber, end_date=date(2022, 12, 31))
    assert "end_date" in errors_of(excinfo)


# --- Mandates ---------------------------------------------------------------------------------------


@pytest.fixture
def agent() -> Agent:
    return Agent.objects.create(membership_number="MD000001", name="Cabinet Lefèvre Courtage")


def test_mandate_grant_and_end(agent, contract):
    mandate = mandate_grant(actor=None, agent=agent, contract=contract, start_date=date(2021, 1, 1))
    mandate_end(actor=None, mandate=mandate, end_date=date(2023, 6, 30))
    mandate.refresh_from_db()
    assert mandate.end_date == date(2023, 6, 30)
    events = AuditEvent.objects.filter(action__startswith="mandate.").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["mandate.granted", "mandate.ended"]


def test_one_mandate_at_a_time_within_the_contract(agent, contract):
    mandate_grant(actor=None, agent=agent, contract=contract, start_date=date(2021, 1, 1), end_date=date(2022, 12, 31))
    other = Agent.objects.create(membership_number="MD000002", name="Garnier")
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        mandate_grant(actor=None, agent=other, contract=contract, start_date=date(2022, 6, 1))
    assert "start_date" in errors_of(excinfo)
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        mandate_grant(actor=None, agent=other, contract=contract, start_date=date(2019, 6, 1))
    assert "start_date" in errors_of(excinfo)
    assert mandate_grant(actor=None, agent=other, contract=contract, start_date=date(2023, 1, 1)).agent == other


def test_mandate_end_refuses_a_date_before_its_start(agent, contract):
    mandate = mandate_grant(actor=None, agent=agent, contract=contract, start_date=date(2021, 1, 1))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        mandate_end(actor=None, mandate=mandate, end_date=date(2020, 12, 31))
    assert "end_date" in errors_of(excinfo)
