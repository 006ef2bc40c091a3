"""``seed_scale``: bulk data in the expected proportions, valid rows, and runs that never collide."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit.models import AuditEvent
from contracts.choices import AffiliationRole, ContractKind
from contracts.models import Affiliation, Contract
from contracts.services import catalogue_load_file
from people.models import BankAccount, Company, Person, ReferenceSalary

pytestmark = pytest.mark.django_db


def seed_scale(members: int) -> str:
    out = io.StringIO()
    call_command("seed_scale", members=members, batch=120, stdout=out)
    return out.getvalue()


def holders() -> int:
    return Person.objects.filter(held_contracts__kind=ContractKind.INDIVIDUAL).distinct().count()


def test_seed_scale_builds_households_in_the_expected_proportions():
    output = seed_scale(300)
    assert holders() == 300
    subscribers = Affiliation.objects.filter(role=AffiliationRole.SUBSCRIBER).values("person").distinct().count()
    assert 2.0 <= Person.objects.count() / subscribers <= 2.7
    assert Company.objects.count() == 1
    employees = Affiliation.objects.filter(contract__kind=ContractKind.COLLECTIVE, role=AffiliationRole.SUBSCRIBER)
    assert 5 <= employees.values("person").distinct().count() <= 60
    assert BankAccount.objects.count() == subscribers
    assert ReferenceSalary.objects.exists()
    assert AuditEvent.objects.filter(action="demo.scale_seeded").count() == 1
    assert "persons" in output and " s." in output


def test_seed_scale_leaves_fresh_planner_statistics():
    seed_scale(20)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'people_person' AND last_analyze IS NOT NULL"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_person'")
        assert cursor.fetchone()[0] >= 1


def test_seed_scale_rows_pass_validation():
    seed_scale(120)
    for model in (Person, Contract, Affiliation, BankAccount, Company, ReferenceSalary):
        for row in model.objects.order_by("?")[:40]:
            row.full_clean()
    assert not Affiliation.objects.filter(principal__isnull=False, principal__role=AffiliationRole.CHILD).exists()


def test_a_second_run_adds_as_many_again_with_new_numbers():
    seed_scale(300)
    numbers = set(Person.objects.exclude(membership_number=None).values_list("membership_number", flat=True))
    contracts = set(Contract.objects.values_list("number", flat=True))
    seed_scale(300)
    assert holders() == 600 and Company.objects.count() == 2
    assert min(numbers) >= "1100000000"
    new_numbers = set(Person.objects.exclude(membership_number=None).values_list("membership_number", flat=True))
    assert min(new_numbers - numbers) > max(numbers)
    assert min(int(number[9:]) for number in set(Contract.objects.values_list("number", flat=True)) - contracts) > max(
        int(number[9:]) for number in contracts
    )


def test_seed_scale_is_deterministic():
    catalogue_load_file(actor=None)

    def snapshot() -> list[tuple]:
        with transaction.atomic():
            seed_scale(60)
            rows = list(
                Person.objects.order_by("membership_number", "first_name", "birth_date").values_list(
                    "membership_number", "last_name", "first_name", "birth_date"
                )
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot() == snapshot()


def test_seed_scale_refuses_a_non_positive_size():
    with pytest.raises(CommandError):
        call_command("seed_scale", members=0)
