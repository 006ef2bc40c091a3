"""Services of the people app: each happy path, and each rule refusing bad input without writing anything."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint
from django.utils import translation
from stdnum import luhn

from audit.models import AuditEvent
from contracts.models import Affiliation, Contract, GuaranteeLine
from core.validation import _check_violated, validate_row
from people.models import Agent, BankAccount, Company, Person, ReferenceSalary
from people.services import (
    Address,
    agent_create,
    bank_account_add,
    company_create,
    nir_clean,
    person_create,
    reference_salary_set,
)

pytestmark = pytest.mark.django_db

IBAN_BNP = "FR76 3000 4001 2312 3456 7890 186"  # valid, BNP Paribas bank code
IBAN_LBP = "FR7620041001231234567890119"  # valid, La Banque Postale


def make_nir(sex_digit: str, birth: date, place: str = "75056", order: str = "123") -> str:
    body = f"{sex_digit}{birth.year % 100:02d}{birth.month:02d}{place}{order}"
    return f"{body}{97 - int(body) % 97:02d}"


def make_siret(siren_base: str = "43210987", establishment: str = "0001") -> str:
    siren = siren_base + luhn.calc_check_digit(siren_base)
    return siren + establishment + luhn.calc_check_digit(siren + establishment)


@contextmanager
def nothing_written():
    """The block must leave every table it could touch, the audit trail included, as it was."""
    models = (Person, Company, Agent, BankAccount, ReferenceSalary, AuditEvent)
    before = [model.objects.count() for model in models]
    yield
    assert [model.objects.count() for model in models] == before


def field_errors(excinfo: pytest.ExceptionInfo) -> dict:
    return excinfo.value.message_dict


def a_person(**fields) -> Person:
    values = {"last_name": "Martin", "first_name": "Claire", "birth_date": date(1984, 5, 17)}
    return person_create(actor=None, **{**values, **fields})


def test_person_create_records_the_person_and_an_audit_event_without_the_nir():
    nir = make_nir("2", date(1984, 5, 17))
    person = a_person(
        membership_number="1000000042",
        sex="F",
        nir=f"{nir[:1]} {nir[1:7]} {nir[7:]}",
        phone="+33 6 12 34 56 78",
        country_of_residence="BE",
        address=Address(line1="12 rue Haute", postal_code="1000", city="Bruxelles", country="BE"),
    )
    person.refresh_from_db()
    assert person.nir == nir
    assert (person.country_of_residence.code, person.city) == ("BE", "Bruxelles")
    event = AuditEvent.objects.get(action="person.created")
    assert event.data == {"membership_number": "1000000042"}
    assert nir not in str(event.data)


def test_a_dependant_needs_no_membership_number():
    assert a_person().membership_number is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"membership_number": "2000000042"}, "membership_number"),
        ({"membership_number": "100000042"}, "membership_number"),
        ({"nir": "2840575056123 00"}, "nir"),
        ({"nir": make_nir("2", date(1985, 5, 17))}, "nir"),
        ({"nir": make_nir("1", date(1984, 5, 17)), "sex": "F"}, "nir"),
        ({"phone": "+33 1 00"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"country_of_residence": "XX"}, "country_of_residence"),
        ({"last_name": ""}, "last_name"),
    ],
)
def test_person_create_refuses_bad_input_and_writes_nothing(fields, field):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        a_person(**fields)
    assert field in field_errors(excinfo)


def test_person_create_refuses_a_membership_number_already_given():
    a_person(membership_number="1000000042")
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        a_person(membership_number="1000000042")
    assert "membership_number" in field_errors(excinfo)


def test_nir_of_a_person_born_abroad_or_in_an_unknown_month_is_accepted():
    born = date(1990, 3, 2)
    assert nir_clean(make_nir("1", born, place="99134"), birth_date=born, sex="M")
    unknown_month = "1" + f"{born.year % 100:02d}" + "20" + "99134" + "001"
    assert nir_clean(unknown_month + f"{97 - int(unknown_month) % 97:02d}", birth_date=born, sex="M")


def test_validate_row_surfaces_constraint_messages():
    person = Person(last_name="A", first_name="B", birth_date=date(1990, 1, 1), death_date=date(1980, 1, 1))
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        validate_row(person)
    assert excinfo.value.message_dict == {"__all__": ["The date of death cannot be before the date of birth."]}


CHECK_CASES = [
    Person(birth_date=date(1990, 1, 1)),
    Person(birth_date=date(1990, 1, 1), death_date=date(1990, 1, 1)),
    Person(birth_date=date(1990, 1, 1), death_date=date(1989, 12, 31)),
    BankAccount(person_id=1, valid_from=date(2024, 1, 1)),
    BankAccount(person_id=1, company_id=1, valid_from=date(2024, 1, 1), valid_to=date(2023, 1, 1)),
    BankAccount(valid_from=date(2024, 1, 1), valid_to=date(2024, 1, 1)),
    ReferenceSalary(amount=Decimal("-1")),
    ReferenceSalary(amount=None),
    Contract(kind="individual", holder_person_id=1, effective_date=date(2024, 1, 1)),
    Contract(kind="collective", holder_person_id=1, effective_date=date(2024, 1, 1), end_date=date(2023, 1, 1)),
    Affiliation(role="subscriber", principal_id=1, start_date=date(2024, 1, 1)),
    Affiliation(role="child", principal_id=1, start_date=date(2024, 1, 1)),
    Affiliation(role="child", start_date=date(2024, 1, 1)),
    GuaranteeLine(basis="percent_base", rate=Decimal("100")),
    GuaranteeLine(basis="percent_base", rate=None),
    GuaranteeLine(basis="percent_base", rate=Decimal("0")),
    GuaranteeLine(basis="flat", flat_amount=Decimal("10"), per_act_ceiling=Decimal("0")),
    GuaranteeLine(basis="actual_cost", ceiling_period_years=0),
]


@pytest.mark.parametrize("row", CHECK_CASES, ids=lambda row: type(row).__name__)
def test_check_constraints_evaluated_in_python_agree_with_the_database(row):
    for model_class, constraints in row.get_constraints():
        for constraint in constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            try:
                constraint.validate(model_class, row)
                database_violated = False
            except ValidationError:
                database_violated = True
            assert _check_violated(constraint, model_class, row) == database_violated, constraint.name


def test_company_create():
    company = company_create(
        actor=None,
        membership_number="E00001234",
        name="Boulangeries Lemoine SAS",
        siret=make_siret(),
        address=Address(line1="3 rue Mercière", postal_code="69002", city="Lyon"),
    )
    assert company.siret == make_siret()
    assert AuditEvent.objects.filter(action="company.created").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"siret": make_siret()[:-1] + str((int(make_siret()[-1]) + 1) % 10)}, "siret"),
        ({"siret": "4321098700"}, "siret"),
        ({"membership_number": "00001234"}, "membership_number"),
        ({"name": ""}, "name"),
    ],
)
def test_company_create_refuses_bad_input(fields, field):
    values = {"membership_number": "E00001234", "name": "Lemoine SAS", "siret": make_siret()}
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        company_create(actor=None, **{**values, **fields})
    assert field in field_errors(excinfo)


def test_company_siret_is_unique():
    company_create(actor=None, membership_number="E00001234", name="Lemoine SAS", siret=make_siret())
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        company_create(actor=None, membership_number="E00001235", name="Autre SAS", siret=make_siret())
    assert "siret" in field_errors(excinfo)


def test_agent_create_and_its_orias_number():
    agent = agent_create(actor=None, membership_number="MD001024", name="Cabinet Lefèvre", orias_number="07023456")
    assert agent.orias_number == "07023456"
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        agent_create(actor=None, membership_number="MD001025", name="Autre", orias_number="0702345")
    assert "orias_number" in field_errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        agent_create(actor=None, membership_number="M001025", name="Autre")
    assert "membership_number" in field_errors(excinfo)


def test_bank_account_add_normalises_the_iban_and_finds_the_bic():
    person = a_person(membership_number="1000000042")
    account = bank_account_add(
        actor=None, owner=person, iban=IBAN_BNP.lower(), holder_name="Claire Martin", valid_from=date(2024, 1, 1)
    )
    account.refresh_from_db()
    assert account.iban == "FR7630004001231234567890186"
    assert (account.iban_last4, account.bic) == ("0186", "BNPAFRPP")
    event = AuditEvent.objects.get(action="bank_account.added")
    assert "0186" not in str(event.data) and "FR76" not in str(event.data)


def test_a_new_bank_account_closes_the_current_one_the_day_before():
    person = a_person(membership_number="1000000042")
    first = bank_account_add(actor=None, owner=person, iban=IBAN_BNP, holder_name="C M", valid_from=date(2020, 1, 1))
    second = bank_account_add(
        actor=None, owner=person, iban=IBAN_LBP, holder_name="C M", valid_from=date(2024, 3, 1), bic="PSSTFRPPXXX"
    )
    first.refresh_from_db()
    assert first.valid_to == date(2024, 2, 29)
    assert second.valid_to is None and second.bic == "PSSTFRPPXXX"


def test_a_company_has_bank_accounts_too():
    company = company_create(actor=None, membership_number="E00001234", name="Lemoine SAS", siret=make_siret())
    account = bank_account_add(
        actor=None, owner=company, iban=IBAN_LBP, holder_name="Lemoine", valid_from=date(2020, 1, 1)
    )
    assert account.company == company and account.person is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"iban": "FR76 3000 4001 2312 3456 7890 187"}, "iban"),
        ({"iban": "not an iban"}, "iban"),
        ({"bic": "NOTABIC!"}, "bic"),
        ({"holder_name": ""}, "holder_name"),
    ],
)
def test_bank_account_add_refuses_bad_input(fields, field):
    person = a_person(membership_number="1000000042")
    values = {"iban": IBAN_BNP, "holder_name": "Claire Martin", "valid_from": date(2024, 1, 1)}
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        bank_account_add(actor=None, owner=person, **{**values, **fields})
    assert field in field_errors(excinfo)


def test_a_new_account_must_start_after_the_current_one():
    person = a_person(membership_number="1000000042")
    bank_account_add(actor=None, owner=person, iban=IBAN_BNP, holder_name="C M", valid_from=date(2024, 1, 1))
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        bank_account_add(actor=None, owner=person, iban=IBAN_LBP, holder_name="C M", valid_from=date(2024, 1, 1))
    assert "2024-01-01" in field_errors(excinfo)["valid_from"][0]
    assert person.bank_accounts.get().valid_to is None


def test_reference_salary_set_creates_then_corrects_the_same_date():
    person = a_person(membership_number="1000000042")
    reference_salary_set(actor=None, person=person, amount=Decimal("42000"), effective_date=date(2025, 1, 1))
    salary = reference_salary_set(actor=None, person=person, amount=Decimal("43500"), effective_date=date(2025, 1, 1))
    assert person.reference_salaries.get().amount == Decimal("43500.00") == salary.amount
    assert AuditEvent.objects.filter(action="reference_salary.set").count() == 2


def test_reference_salary_cannot_be_negative():
    person = a_person(membership_number="1000000042")
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        reference_salary_set(actor=None, person=person, amount=Decimal("-1"), effective_date=date(2025, 1, 1))
    assert "amount" in field_errors(excinfo)
