"""Affiliation, departure, company information, bulk import: the services and their evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from companies import bulk, services
from companies.affiliations import NewEmployee, employee_affiliate, next_membership_number
from companies.tests.conftest import nir
from contracts.models import Affiliation
from people.models import Person

NEW = NewEmployee(
    last_name="Lefèvre", first_name="Inès", birth_date=date(1990, 7, 14), sex="F", nir=nir("2900775123456")
)


def test_affiliating_a_new_employee_records_them_once(acme):
    affiliation, created = employee_affiliate(
        actor=None, contract=acme.contract, employee=NEW, start_date=date(2026, 1, 1)
    )
    assert created and affiliation.person.membership_number.startswith("17")
    again, created_again = employee_affiliate(
        actor=None, contract=acme.contract, employee=NEW, start_date=date(2026, 1, 1)
    )
    assert again == affiliation and not created_again
    assert Person.objects.filter(last_name="Lefèvre").count() == 1
    assert AuditEvent.objects.filter(action="affiliation.added", target_id=str(affiliation.public_id)).exists()


def test_a_wrong_nir_is_refused_on_its_field(acme):
    wrong = NewEmployee(
        last_name="Roux", first_name="Léo", birth_date=date(1990, 7, 14), sex="M", nir="290077512345600"
    )
    with pytest.raises(ValidationError) as error:
        employee_affiliate(actor=None, contract=acme.contract, employee=wrong, start_date=date(2026, 1, 1))
    assert "nir" in error.value.message_dict
    assert not Person.objects.filter(last_name="Roux").exists()


def test_membership_numbers_follow_each_other(acme):
    first = next_membership_number()
    employee_affiliate(actor=None, contract=acme.contract, employee=NEW, start_date=date(2026, 1, 1))
    assert int(next_membership_number()) == int(first) + 1


def test_a_departure_ends_the_dependants_too_and_keeps_the_reason(acme):
    cover = acme.covers[0]
    services.employee_leave(actor=acme.profile, affiliation=cover, end_date=date(2026, 3, 31), reason="resignation")
    assert Affiliation.objects.get(pk=cover.pk).end_date == date(2026, 3, 31)
    assert all(dep.end_date == date(2026, 3, 31) for dep in cover.dependants.all())
    event = AuditEvent.objects.get(action="employee.left")
    assert event.data["reason"] == "resignation"


def test_company_information_update_is_audited(acme):
    services.company_information_update(actor=None, company=acme.company, values={"name": "Acme SAS", "city": "Lyon"})
    acme.company.refresh_from_db()
    assert acme.company.name == "Acme SAS" and acme.company.city == "Lyon"
    assert AuditEvent.objects.get(action="company.information_updated").data["fields"] == ["name", "city"]


def _csv(*lines: str) -> bytes:
    return ("\n".join(["contract_number;last_name;first_name;birth_date;sex;nir;start_date", *lines]) + "\n").encode()


def test_bulk_report_names_each_line_and_column(acme):
    content = _csv(
        f"{acme.contract.number};Petit;Anna;1991-02-03;F;;2026-01-01",
        "COL-NOPE;Grand;Paul;1980-01-01;M;;2026-01-01",
        f"{acme.contract.number};Moyen;Luc;31/02/1980;M;;2026-01-01",
        f"{acme.contract.number};Court;Eva;1985-04-12;F;{nir('1850475123456')};2026-01-01",
        f"{acme.contract.number};Vieux;Max;1970-01-01;M;;2010-01-01",
    )
    report = bulk.check(actor=None, content=content, contracts={acme.contract.number: acme.contract})
    problems = {(problem.line, problem.column) for problem in report.problems}
    assert problems == {(3, "contract_number"), (4, "birth_date"), (5, "nir"), (6, "start_date")}
    assert not report.ok
    assert not Person.objects.filter(last_name__in=["Petit", "Vieux"]).exists()  # the rehearsal left nothing


def test_bulk_import_is_all_or_nothing_and_idempotent(acme):
    content = _csv(
        f"{acme.contract.number};Petit;Anna;1991-02-03;F;;2026-01-01",
        f"{acme.contract.number};Grand;Paul;03/04/1980;M;;2026-01-01",
    )
    contracts = {acme.contract.number: acme.contract}
    report = bulk.check(actor=None, content=content, contracts=contracts)
    assert report.ok
    result = services.employees_import(actor=acme.profile, lines=report.lines)
    assert (result.created, result.already) == (2, 0)
    replay = services.employees_import(
        actor=acme.profile, lines=bulk.check(actor=None, content=content, contracts=contracts).lines
    )
    assert (replay.created, replay.already) == (0, 2)
    assert acme.contract.affiliations.filter(person__last_name__in=["Petit", "Grand"]).count() == 2


def test_a_file_without_the_columns_is_refused(acme):
    report = bulk.check(actor=None, content=b"name,surname\nA,B\n", contracts={})
    assert report.problems and report.problems[0].line == 1


def test_a_known_person_without_a_number_gets_one_and_it_is_audited(acme):
    from people.tests.factories import person

    known = person(
        last_name=NEW.last_name, first_name=NEW.first_name, birth_date=NEW.birth_date, sex="F", membership_number=""
    )
    Person.objects.filter(pk=known.pk).update(nir=nir("2900775123456"))
    affiliation, created = employee_affiliate(
        actor=None, contract=acme.contract, employee=NEW, start_date=date(2026, 1, 1)
    )
    assert created and affiliation.person == known
    known.refresh_from_db()
    assert known.membership_number.startswith("17")
    assert AuditEvent.objects.filter(
        action="person.membership_number_assigned", target_id=str(known.public_id)
    ).exists()
