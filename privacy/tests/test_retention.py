"""The retention job (SPEC G3): anonymise after the retention period, keep what the law requires, twice = once."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from accounts.lifecycle import is_deleted
from audit.models import AuditEvent
from claims.models import CareDocument
from claims.tests.objects import _claim
from people.models import BankAccount, Person
from privacy.tests import factories as pf

pytestmark = pytest.mark.django_db


def purge(*args) -> str:
    out = io.StringIO()
    call_command("retention_purge", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list:
    return list(Person.objects.order_by("pk").values_list("last_name", "email", "address_line1"))


@pytest.fixture
def old_family(db):
    ended = timezone.localdate() - timedelta(days=3 * 365)
    fam = pf.family(ended=ended, address_line1="5 rue Nationale", postal_code="59000", city="Lille")
    claim, document = _claim(fam.holder, fam.holder, fam.contract, fam.profile.user)
    claim.status, claim.decided_at = "validated", timezone.now() - timedelta(days=900)
    claim.total_reimbursed = Decimal("20.00")
    claim.save()
    return fam, claim, document


def test_a_dry_run_changes_nothing(old_family):
    fam, _claim_, _document = old_family
    before, events = snapshot(), AuditEvent.objects.count()
    output = purge("--dry-run")
    assert "would anonymise: " + fam.holder.membership_number in output
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


def test_the_purge_anonymises_keeps_the_accounting_and_the_trail_verifies(old_family, settings):
    fam, claim, document = old_family
    recent = pf.family()
    stored = document.stored_name
    assert default_storage.exists(stored)
    purge()
    holder = Person.objects.get(pk=fam.holder.pk)
    assert (holder.last_name, holder.email, holder.address_line1, holder.city) == ("ANONYME", "", "", "")
    assert holder.membership_number == fam.holder.membership_number
    assert not BankAccount.objects.filter(person=holder).exists()
    assert not CareDocument.objects.filter(pk=document.pk).exists()
    claim.refresh_from_db()
    assert claim.total_claimed == Decimal("42.00") and claim.reference
    fam.contract.refresh_from_db()
    assert fam.contract.number
    fam.profile.user.refresh_from_db()
    assert is_deleted(fam.profile.user)
    assert Person.objects.get(pk=recent.holder.pk).last_name == recent.holder.last_name
    assert AuditEvent.objects.filter(action="privacy.retention_purged").get().data["anonymised"] == 2
    call_command("verify_audit")


def test_the_files_go_after_the_commit(old_family, django_capture_on_commit_callbacks):
    _fam, _claim_, document = old_family
    with django_capture_on_commit_callbacks(execute=True):
        purge()
    assert not default_storage.exists(document.stored_name)


def test_running_twice_does_what_once_does(old_family):
    purge()
    after_once, events = snapshot(), AuditEvent.objects.count()
    output = purge()
    assert snapshot() == after_once
    assert AuditEvent.objects.count() == events
    assert "0 person(s) anonymised" in output


def test_an_open_claim_or_request_holds_the_purge(old_family):
    fam, claim, _document = old_family
    claim.status, claim.decided_at = "in_progress", None
    claim.save()
    output = purge()
    assert "kept for now" in output
    assert Person.objects.get(pk=fam.holder.pk).last_name == fam.holder.last_name


def test_the_period_is_a_setting(old_family, settings):
    fam, _claim_, _document = old_family
    settings.DATA_RETENTION_MONTHS = 60
    purge()
    assert Person.objects.get(pk=fam.holder.pk).last_name == fam.holder.last_name


def test_people_still_covered_are_never_candidates(db):
    fam = pf.family()
    ended = pf.family(ended=date(2024, 6, 30))
    from contracts.tests import factories as cf

    cf.individual_contract(ended.holder, effective_date=date(2025, 1, 1))
    purge()
    assert Person.objects.get(pk=fam.holder.pk).last_name == fam.holder.last_name
    assert Person.objects.get(pk=ended.holder.pk).last_name == ended.holder.last_name


def test_expired_copies_are_deleted_once(db, django_capture_on_commit_callbacks):
    from privacy.choices import RequestStatus
    from privacy.tests.objects import _with_copy

    fam = pf.family()
    request = _with_copy(pf.privacy_request(fam.profile, status=RequestStatus.ANSWERED))
    request.export_expires_at = timezone.now() - timedelta(days=1)
    request.save()
    name = request.export_json_name
    assert "to delete: 1" in purge("--dry-run") and default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        purge()
    assert not default_storage.exists(name)
    assert "deleted: 0" in purge()
