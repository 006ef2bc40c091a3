"""``seed_demo``: a realistic insurer, ready logins that work, a JSON file, and a second run that changes nothing.

The demo is built once for the module, inside a transaction rolled back at the end;
each test runs in its own savepoint within it, as Django's TestCase does.
"""

import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone
from schwifty import IBAN
from stdnum.fr import nir, siret

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile, User
from accounts.permissions import staff_roles
from audit.models import AuditEvent
from contracts.choices import AffiliationRole, ContractKind, ProductLine
from contracts.models import Affiliation, Contract, Mandate, ZoneCountry
from people.models import Agent, BankAccount, Company, Person, ReferenceSalary
from providers.models import HealthProfessional, TPAgreement

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Demo:
    document: dict
    output: str
    path: Path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built once; files it writes go to a temporary folder, the database is rolled back after."""
    var = tmp_path_factory.mktemp("var")
    files = {"VAR_DIR": var, "MEDIA_ROOT": var / "files", "AUDIT_ANCHOR_DIR": var / "audit-anchors"}
    settings = override_settings(**files, EMAIL_FILE_PATH=str(var / "mail"))
    with django_db_blocker.unblock(), settings, transaction.atomic():
        # the claims terms a data migration publishes, which a transactional test run before on this worker flushed
        # (the per-test fixture that puts them back runs after this module's fixture)
        from importlib import import_module

        from django.apps import apps

        import_module("claims.migrations.0002_claims_terms").publish(apps, None)
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        path = var / "demo-accounts.json"
        yield Demo(document=json.loads(path.read_text(encoding="utf-8")), output=out.getvalue(), path=path)
        transaction.set_rollback(True)


def table_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


def test_the_insurer_has_the_expected_size(demo):
    holders = Person.objects.filter(held_contracts__kind=ContractKind.INDIVIDUAL).distinct().count()
    assert holders == 200
    covered = Affiliation.objects.filter(contract__kind=ContractKind.INDIVIDUAL).values("person").distinct()
    assert covered.count() >= 1.8 * holders  # families: about 2.3 people per holder
    assert Company.objects.count() == 10
    assert Agent.objects.count() == 3
    assert HealthProfessional.objects.count() >= 20  # the Paris network, and partners in the other towns (M11)
    assert TPAgreement.objects.count() == HealthProfessional.objects.count()
    assert HealthProfessional.objects.filter(is_partner_network=True).count() >= 15
    employees = Affiliation.objects.filter(contract__kind=ContractKind.COLLECTIVE, role=AffiliationRole.SUBSCRIBER)
    per_company = Counter(employees.values_list("contract__holder_company", flat=True).distinct())
    assert len(per_company) == 10
    assert Mandate.objects.filter(contract__kind=ContractKind.INDIVIDUAL).exists()
    assert Mandate.objects.filter(contract__kind=ContractKind.COLLECTIVE).exists()


def test_the_insurer_looks_like_a_real_one(demo):
    today = timezone.localdate()
    assert Contract.objects.filter(product__line=ProductLine.EXPAT_HEALTH, kind=ContractKind.INDIVIDUAL).count() >= 30
    assert Contract.objects.filter(product__line=ProductLine.WELFARE).exists()
    recently_ended = Contract.objects.filter(end_date__lt=today, end_date__gte=today.replace(year=today.year - 2))
    assert recently_ended.count() >= 3
    child_cover_ended = Affiliation.objects.filter(
        role=AffiliationRole.CHILD, end_date__lt=today, contract__end_date=None
    )
    assert child_cover_ended.exists()
    assert ReferenceSalary.objects.filter(person__affiliations__contract__product__line=ProductLine.WELFARE).exists()
    assert BankAccount.objects.filter(valid_to__isnull=False).exists()
    zone_countries = set(ZoneCountry.objects.values_list("country", flat=True))
    expatriates = Affiliation.objects.filter(role=AffiliationRole.SUBSCRIBER, contract__zone__isnull=False)
    assert expatriates.filter(contract__kind=ContractKind.COLLECTIVE).exists()
    for affiliation in expatriates.select_related("person"):
        assert affiliation.country_of_expatriation.code in zone_countries
        assert affiliation.person.country_of_residence == affiliation.country_of_expatriation


def test_identifiers_are_valid(demo):
    for number in Person.objects.exclude(nir="").values_list("nir", flat=True).iterator():
        assert nir.is_valid(number)
    assert all(IBAN(iban).compact for iban in BankAccount.objects.values_list("iban", flat=True).iterator())
    assert all(siret.is_valid(number) for number in Company.objects.values_list("siret", flat=True))
    numbers = Person.objects.exclude(membership_number=None).values_list("membership_number", flat=True)
    assert all(len(number) == 10 and number.startswith("1") for number in numbers)
    assert all(number.startswith(("IND-", "COL-")) for number in Contract.objects.values_list("number", flat=True))
    for model in (Person, Company, Contract, Affiliation, HealthProfessional):
        for row in model.objects.order_by("?")[:25]:
            row.full_clean()


def test_the_accounts_file_lists_ready_logins_and_records_to_register_with(demo):
    document = demo.document
    kinds = Counter(entry["profile"] for entry in document["accounts"])
    assert kinds[ProfileKind.MEMBER] == 3 and kinds["member+company"] == 1
    assert kinds[ProfileKind.COMPANY] == kinds[ProfileKind.AGENT] == kinds[ProfileKind.PROFESSIONAL] == 1
    assert kinds[ProfileKind.STAFF] == len(StaffRole)
    for entry in document["accounts"]:
        assert entry["username"] and len(entry["password"]) >= 14
    unregistered = document["unregistered"]
    assert [len(unregistered[key]) for key in ("members", "companies", "professionals")] == [5, 3, 3]
    assert 1 <= len(unregistered["agents"]) <= 2
    assert "demo-accounts.json" in demo.output and "staff.claims" in demo.output


def test_unregistered_records_match_the_insurer_records_and_have_no_login(demo):
    unregistered = demo.document["unregistered"]
    for entry in unregistered["members"]:
        person = Person.objects.get(membership_number=entry["membership_number"])
        assert (person.last_name, person.first_name, person.birth_date.isoformat()) == (
            entry["last_name"], entry["first_name"], entry["birth_date"],
        )  # fmt: skip
        assert not person.profiles.exists() and entry["email"]
    for entry in unregistered["companies"]:
        company = Company.objects.get(membership_number=entry["membership_number"], siret=entry["siret"])
        assert company.name == entry["name"] and not company.profiles.exists()
        assert set(entry["responsible"]) == {"last_name", "first_name", "birth_date", "phone"}
    for entry in unregistered["agents"]:
        assert not Agent.objects.get(membership_number=entry["membership_number"]).profiles.exists()
        assert set(entry["responsible"]) == {"last_name", "first_name", "birth_date", "phone", "email"}
    for entry in unregistered["professionals"]:
        agreement = TPAgreement.objects.select_related("professional").get(number=entry["agreement_number"])
        assert entry["rpps_or_finess"] in (agreement.professional.rpps, agreement.professional.finess)
        assert not agreement.professional.profiles.exists()


def test_every_ready_login_authenticates_by_username_and_by_membership_number(demo):
    request = RequestFactory().post("/login/")
    for entry in demo.document["accounts"]:
        user = authenticate(request, username=entry["username"], password=entry["password"])
        assert user is not None, entry["label"]
        assert user.email_confirmed_at and not user.must_change_password
        validate_password(entry["password"], user=user)
        if entry["membership_number"]:
            assert authenticate(request, username=entry["membership_number"], password=entry["password"]) == user


def test_ready_logins_hold_the_right_profiles(demo):
    by_label = {entry["label"]: entry for entry in demo.document["accounts"]}
    both = User.objects.get(username=by_label["Member and company correspondent (two profiles)"]["username"])
    assert sorted(both.profiles.values_list("kind", flat=True)) == ["company", "member"]
    member = Profile.objects.get(
        user__username=by_label["Member – individual domestic contract with family"]["username"]
    )
    subscriber = member.person.affiliations.get(contract__product__line=ProductLine.HEALTH)
    assert subscriber.dependants.count() >= 2
    expat = Profile.objects.get(user__username=by_label["Member – expatriate holder"]["username"]).person
    assert expat.country_of_residence != "FR"
    for role, username in ((StaffRole.CLAIMS, "staff.claims"), (StaffRole.DPO, "staff.dpo")):
        staff = User.objects.get(username=username)
        assert staff.is_staff and list(staff.groups.values_list("name", flat=True)) == [role.value]
    agent = Profile.objects.get(kind=ProfileKind.AGENT).agent
    assert agent.mandates.filter(end_date=None).count() >= 5


def test_staff_logins_act_in_a_staff_profile_holding_their_role(demo):
    staff = [entry for entry in demo.document["accounts"] if entry["profile"] == ProfileKind.STAFF]
    assert len(staff) == len(StaffRole)
    for entry in staff:
        profile = Profile.objects.get(user__username=entry["username"])
        assert profile.kind == ProfileKind.STAFF and profile.is_active
        assert staff_roles(profile) == set(entry["roles"])


def test_a_demo_whose_staff_logins_have_no_profile_gets_them_at_the_next_run(demo):
    """Demos built before staff logins had their profile are completed, through the audited service."""
    Profile.objects.filter(kind=ProfileKind.STAFF).delete()
    added = AuditEvent.objects.filter(action="profile.added", data__kind=ProfileKind.STAFF)
    before = added.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Profile.objects.filter(kind=ProfileKind.STAFF).count() == len(StaffRole)
    assert added.count() == before + len(StaffRole)
    counts = table_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert table_counts() == counts


def test_the_demo_offers_foreign_currencies(demo):
    from claims.currency import EURO, known_currencies, latest_rates

    currencies = known_currencies()
    assert currencies[0] == EURO and {"USD", "GBP", "CHF", "JPY"} <= set(currencies)
    assert all(rate.rate > 0 for rate in latest_rates())
    assert AuditEvent.objects.filter(action="claims.exchange_rates_loaded").count() == 1


def test_a_second_run_changes_nothing_but_rewrites_the_file(demo):
    before = table_counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert table_counts() == before, "the staff invitation links of the file still work: kept, not mailed again"
    assert json.loads(demo.path.read_text(encoding="utf-8")) == demo.document
    assert "already there" in out.getvalue()


def test_without_the_file_the_staff_get_new_invitation_links_and_nothing_else_changes(demo):
    before = table_counts()
    demo.path.unlink()
    call_command("seed_demo", stdout=io.StringIO())
    after = table_counts()
    staff = len(StaffRole)
    mailed = ("outbox.OutgoingEmail", "audit.AuditEvent")
    assert all(after[table] == before[table] + staff for table in mailed)
    assert {k: v for k, v in after.items() if k not in mailed} == {k: v for k, v in before.items() if k not in mailed}
    document = json.loads(demo.path.read_text(encoding="utf-8"))
    links = [a["invitation_link"] for a in document["accounts"] if a["profile"] == ProfileKind.STAFF]
    assert len(set(links)) == staff
    assert all("/2fa/invitation/" in link for link in links)
    old = {a["invitation_link"] for a in demo.document["accounts"] if a["profile"] == ProfileKind.STAFF}
    assert not old & set(links)


def test_the_staff_get_their_invitation_mailed_and_printed(demo):
    """Issue 16: a demo staff login sets up its second factor from the link mailed to it, which the command also
    prints and writes in the accounts file; the password alone sets nothing up."""
    from outbox.models import OutgoingEmail

    entries = [a for a in demo.document["accounts"] if a["profile"] == ProfileKind.STAFF]
    assert len(entries) == len(StaffRole)
    assert all(entry["invitation_link"] in demo.output for entry in entries)
    assert OutgoingEmail.objects.filter(template="twofactor/emails/invitation").count() >= len(StaffRole)


def test_seed_scale_after_the_demo_uses_its_own_numbers(demo):
    demo_numbers = set(Person.objects.exclude(membership_number=None).values_list("membership_number", flat=True))
    call_command("seed_scale", members=40, stdout=io.StringIO())
    scale_numbers = Person.objects.filter(membership_number__gte="1100000000").values_list(
        "membership_number", flat=True
    )
    assert scale_numbers.count() >= 40 and not demo_numbers & set(scale_numbers)
    assert AuditEvent.objects.filter(action="demo.scale_seeded").count() == 1


def test_the_demo_members_home_tells_what_is_happening(demo):
    """Issue 14: the demo member (holder 0) sees the last reimbursements, a refused item waiting for a document, a
    claim in review, a ceiling used up and an overdue call."""
    from accounts.choices import ProfileKind
    from accounts.models import Profile
    from demo.members import holder_number
    from members.selectors import home_summary

    profile = Profile.objects.get(kind=ProfileKind.MEMBER, person__membership_number=holder_number(0))
    summary = home_summary(profile)
    # The home reads the benefits ledger (issue 13): the demo's NOEMIE file, imported after the claims were decided,
    # brings the last reimbursements; the claims follow on "My reimbursements".
    assert len(summary.reimbursements) == 3
    assert {r.channel for r in summary.reimbursements} == {"scheme_flow"}
    assert all(r.reference.startswith("NOE-DEMO-") and r.claim_id is None for r in summary.reimbursements)
    assert all(r.spent == r.compulsory + r.reimbursed + r.left_to_pay for r in summary.reimbursements)
    assert {item.kind for item in summary.awaited} >= {"missing_document"}  # the lab invoice: added on its claim
    assert summary.contributions.overdue_count >= 1
    assert [c.reference for c in summary.claims_in_progress] == ["CLM-DEMO-000004"]
    assert summary.ceilings and summary.ceilings[0].left == 0
