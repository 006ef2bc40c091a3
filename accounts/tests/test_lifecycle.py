"""Account lifecycle: grace period after the last relation (SPEC A11), deactivation and deletion (A10)."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts import lifecycle
from accounts.choices import ProfileKind, StaffRole
from accounts.lifecycle import AccountState, DeactivationReason
from accounts.models import User
from accounts.tests import factories as f
from audit.models import AuditEvent
from contracts.models import Mandate
from contracts.tests.factories import collective_contract, individual_contract, subscriber
from people.models import Agent
from people.tests.factories import company, person
from providers.models import HealthProfessional, TPAgreement

pytestmark = pytest.mark.django_db

ENDED = date(2024, 6, 30)
LAST_READ_ONLY_DAY = date(2026, 6, 30)  # 24 months after the end
FIRST_CLOSED_DAY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def former_member():
    """A member whose only contract ended on ENDED."""
    profile = f.profile(ProfileKind.MEMBER, person())
    individual_contract(profile.person, effective_date=date(2020, 1, 1), end_date=ENDED)
    return profile.user


def run(today: date) -> str:
    out = StringIO()
    call_command("close_expired_accounts", "--today", today.isoformat(), stdout=out)
    return out.getvalue()


def test_open_while_the_contract_runs_then_read_only_during_the_grace_period(former_member):
    assert lifecycle.account_state(former_member, today=ENDED) == AccountState.OPEN
    assert not lifecycle.account_read_only(former_member, today=ENDED)
    assert lifecycle.account_read_only(former_member, today=date(2024, 7, 1))
    assert lifecycle.account_state(former_member, today=LAST_READ_ONLY_DAY) == AccountState.READ_ONLY
    assert lifecycle.account_state(former_member, today=FIRST_CLOSED_DAY) == AccountState.EXPIRED


def test_command_keeps_it_open_for_24_months_then_closes_it_once(former_member, django_capture_on_commit_callbacks):
    assert "1 read-only" in run(LAST_READ_ONLY_DAY) and "0 closed" in run(LAST_READ_ONLY_DAY)
    former_member.refresh_from_db()
    assert former_member.is_active
    with django_capture_on_commit_callbacks(execute=True):
        output = run(FIRST_CLOSED_DAY)
    assert "1 closed" in output
    former_member.refresh_from_db()
    assert not former_member.is_active
    event = AuditEvent.objects.get(action="account.deactivated")
    assert event.data["reason"] == DeactivationReason.END_OF_RELATIONS and event.actor_label == "system"
    assert mail.outbox[-1].to == [former_member.email]
    assert "0 closed" in run(FIRST_CLOSED_DAY) and "0 closed" in run(date(2027, 1, 1)), "idempotent"
    assert AuditEvent.objects.filter(action="account.deactivated").count() == 1


def test_a_new_contract_within_the_period_keeps_it_open(former_member):
    holder = former_member.profiles.get().person
    individual_contract(holder, effective_date=date(2025, 3, 1))
    assert lifecycle.account_state(former_member, today=FIRST_CLOSED_DAY) == AccountState.OPEN
    assert "0 closed" in run(FIRST_CLOSED_DAY)
    former_member.refresh_from_db()
    assert former_member.is_active


def test_an_affiliation_ends_with_its_contract():
    employee = f.profile(ProfileKind.MEMBER, person())
    contract = collective_contract(company(), end_date=ENDED)
    subscriber(contract, employee.person)  # the affiliation itself has no end date
    assert lifecycle.account_state(employee.user, today=FIRST_CLOSED_DAY) == AccountState.EXPIRED


def test_an_ended_affiliation_on_a_running_contract_ends_too():
    employee = f.profile(ProfileKind.MEMBER, person())
    subscriber(collective_contract(company()), employee.person, end_date=ENDED)
    assert lifecycle.account_read_only(employee.user, today=date(2025, 1, 1))


def test_company_agent_and_professional_follow_their_own_relations():
    firm = company()
    collective_contract(firm, end_date=ENDED)
    company_user = f.profile(ProfileKind.COMPANY, firm).user
    agent = Agent.objects.create(membership_number="MD000001", name="Cabinet", email="c@example.fr")
    Mandate.objects.create(
        agent=agent, contract=collective_contract(company()), start_date=date(2022, 1, 1), end_date=ENDED
    )
    agent_user = f.profile(ProfileKind.AGENT, agent).user
    pro = HealthProfessional.objects.create(kind="facility", name="Clinique", specialty="hospital", finess="123456782")
    TPAgreement.objects.create(professional=pro, number="TP-1", start_date=date(2020, 1, 1), end_date=ENDED)
    pro_user = f.profile(ProfileKind.PROFESSIONAL, pro).user
    for user in (company_user, agent_user, pro_user):
        assert lifecycle.account_state(user, today=LAST_READ_ONLY_DAY) == AccountState.READ_ONLY
    assert "3 closed" in run(FIRST_CLOSED_DAY)


def test_one_open_profile_keeps_the_whole_login_open(former_member):
    firm = company()
    collective_contract(firm)
    f.profile(ProfileKind.COMPANY, firm, account=former_member)
    assert lifecycle.account_state(former_member, today=FIRST_CLOSED_DAY) == AccountState.OPEN


def test_staff_and_records_without_any_relation_are_never_closed():
    staff = f.staff(StaffRole.CLAIMS).user
    newcomer = f.profile(ProfileKind.MEMBER, person()).user
    assert "0 closed" in run(date(2040, 1, 1))
    staff.refresh_from_db()
    newcomer.refresh_from_db()
    assert staff.is_active and newcomer.is_active


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("close_expired_accounts", "--today", "2026-13-45")


def test_delete_anonymises_and_the_login_no_longer_works(client, former_member):
    username, email = former_member.username, former_member.email
    admin = f.staff(StaffRole.ADMINISTRATOR).user
    lifecycle.account_delete(actor=admin, user=former_member, reason=DeactivationReason.FRAUD)
    user = User.objects.get(pk=former_member.pk)
    assert user.username.startswith(lifecycle.DELETED_PREFIX) and lifecycle.is_deleted(user)
    assert not User.objects.filter(email=email).exists()
    assert client.post("/login/", {"username": username, "password": f.PASSWORD}).status_code == 200
    with pytest.raises(ValidationError):
        lifecycle.account_reactivate(actor=admin, user=user)
    lifecycle.account_delete(actor=admin, user=user, reason=DeactivationReason.FRAUD)  # twice: no new event
    assert AuditEvent.objects.filter(action="account.deleted").count() == 1


def test_deactivate_twice_records_one_event(former_member):
    admin = f.staff(StaffRole.ADMINISTRATOR).user
    assert lifecycle.account_deactivate(actor=admin, user=former_member, reason="non_compliant_use")
    assert not lifecycle.account_deactivate(actor=admin, user=former_member, reason="non_compliant_use")
    assert AuditEvent.objects.filter(action="account.deactivated").count() == 1
    with pytest.raises(ValueError):
        lifecycle.account_deactivate(actor=admin, user=former_member, reason="because")
