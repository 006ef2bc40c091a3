"""The trail's promises: every event chained, nothing changed or lost without verification naming it."""

from __future__ import annotations

import stat
import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from audit.services import Fault, VerificationResult, anchor_head, record, record_access, verify_chain
from audit.tests import tampering
from core.middleware import RequestContextMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user(username="alice", password="a long enough password")


def record_during_request(**headers: str) -> AuditEvent:
    """Record from inside a request, the way views do, so the request context is filled."""
    events: list[AuditEvent] = []

    def view(request: HttpRequest) -> HttpResponse:
        events.append(record(actor=None, action="claim.submitted"))
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/", **headers))
    return events[0]


def assert_broken(fault: Fault, first_bad_id: int | None, reason: str) -> None:
    result = verify_chain()
    assert (result.ok, result.fault, result.first_bad_id) == (False, fault, first_bad_id), result
    assert reason in result.reason


# --- Recording --------------------------------------------------------------------------


def test_events_chain_from_the_genesis_and_verify_clean(trail):
    assert [event.id for event in trail] == [1, 2, 3, 4, 5]
    assert trail[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(trail, trail[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash) == (5, trail[-1].hash)
    assert verify_chain() == VerificationResult(ok=True, checked=5)


def test_event_names_actor_profile_and_target_by_public_id(user):
    event = record(actor=user, action="account.updated", target=user, profile="member")
    stored = AuditEvent.objects.get(id=event.id)
    assert (stored.actor_id, stored.actor_label, stored.profile) == (user.pk, "alice", "member")
    assert (stored.target_type, stored.target_id) == ("accounts.user", str(user.public_id))


def test_object_without_public_id_is_named_by_its_key():
    group = Group.objects.create(name="claims_officer")
    event = record(actor=None, action="group.created", target=group)
    assert (event.target_type, event.target_id) == ("auth.group", str(group.pk))


def test_system_and_anonymous_actors_are_labelled():
    assert record(actor=None, action="contribution.called").actor_label == "system"
    anonymous = record(actor=AnonymousUser(), action="account.reset_requested")
    assert (anonymous.actor_id, anonymous.actor_label) == (None, "anonymous")


def test_event_survives_the_deletion_of_its_actor(user):
    event = record(actor=user, action="account.closed", target=user)
    user.delete()
    assert AuditEvent.objects.get(id=event.id).actor_id == event.actor_id
    assert verify_chain().ok


def test_request_address_and_browser_are_kept_and_hash_survives_the_round_trip():
    event = record_during_request(REMOTE_ADDR="2001:DB8:0:0::1", HTTP_USER_AGENT="Firefox/140")
    stored = AuditEvent.objects.get(id=event.id)
    assert stored.ip == "2001:db8::1"
    assert stored.user_agent == "Firefox/140"
    assert stored.compute_hash() == stored.hash


def test_an_address_that_is_not_one_is_dropped_not_fatal(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    event = record_during_request(REMOTE_ADDR="<script>", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert event.ip is None
    assert verify_chain().ok


def test_data_with_decimal_date_uuid_and_float_is_stored_as_text_and_verifies():
    public_id = uuid.uuid4()
    data = {
        "amount": Decimal("1234.50"),
        "start": date(2025, 1, 1),
        "at": datetime(2025, 1, 1, 8, 30, tzinfo=UTC),
        "contract": public_id,
        "ratio": 1e20,
        "lines": [{"rate": Decimal("0.7")}],
    }
    event = record(actor=None, action="contract.created", data=data)
    stored = AuditEvent.objects.get(id=event.id).data
    assert stored["amount"] == "1234.50"
    assert stored["start"] == "2025-01-01"
    assert stored["contract"] == str(public_id)
    assert stored["ratio"] == "1e+20"
    assert stored["lines"] == [{"rate": "0.7"}]
    assert verify_chain().ok


def test_action_must_be_a_dotted_code():
    with pytest.raises(ValidationError):
        record(actor=None, action="Contract Created")
    assert not AuditEvent.objects.exists()


def test_record_access_is_one_event_per_staff_read(user):
    event = record_access(actor=user, target=user, reason="claim 42 review", profile="staff")
    assert (event.action, event.data, event.profile) == ("personal_data.viewed", {"reason": "claim 42 review"}, "staff")


def test_a_missing_head_restarts_after_the_last_event(trail):
    AuditChainHead.objects.all().delete()
    event = record(actor=None, action="contract.created")
    assert (event.id, event.prev_hash) == (6, trail[-1].hash)
    assert verify_chain().ok


# --- Transactions -------------------------------------------------------------------------


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_an_operation_that_rolls_back_leaves_no_event():
    record(actor=None, action="contract.created")
    with pytest.raises(Boom), transaction.atomic():
        record(actor=None, action="contract.cancelled")
        raise Boom
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["contract.created"]
    assert record(actor=None, action="contract.cancelled").id == 2
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_failed_append_leaves_nothing(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditChainHead, "save", fail)
    with pytest.raises(DatabaseError):
        record(actor=None, action="contract.created")
    assert not connection.in_atomic_block
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers with its database lock")
def test_concurrent_appends_take_turns():
    def append_many() -> None:
        try:
            for _ in range(10):
                record(actor=None, action="claim.submitted")
        finally:
            connection.close()

    threads = [threading.Thread(target=append_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verify_chain() == VerificationResult(ok=True, checked=40)


# --- Append-only ----------------------------------------------------------------------------


def test_orm_refuses_to_change_or_delete_events(trail):
    event = trail[0]
    event.action = "contract.cancelled"
    refusals = [
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(id=1).update(action="x.y"),
        lambda: AuditEvent.objects.filter(id=1).delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["action"]),
        lambda: AuditEvent.objects.update_or_create(id=1, defaults={"action": "x.y"}),
    ]
    for refused in refusals:
        with pytest.raises(AppendOnlyError), transaction.atomic():
            refused()
    assert verify_chain().ok


def test_an_explicit_id_never_overwrites_an_event(trail):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent(id=1, occurred_at=timezone.now(), actor_label="system", action="x.y", prev_hash="", hash="f").save()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET action = 'contract.cancelled' WHERE id = 2", "DELETE FROM audit_auditevent"],
)
def test_database_triggers_refuse_raw_update_and_delete(trail, sql):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        tampering.run_sql(sql)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_keeps_the_triggers():
    record(actor=None, action="contract.created")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record(actor=None, action="contract.created")
    with pytest.raises(IntegrityError), transaction.atomic():
        tampering.delete_event(1)


# --- Tampering by a database superuser -------------------------------------------------------


def test_modified_data_is_named(trail, superuser):
    tampering.set_data(3, {"n": 300})
    assert_broken(Fault.ROW_MODIFIED, 3, "hash mismatch (row modified)")


def test_deleted_middle_event_is_named(trail, superuser):
    tampering.delete_event(3)
    assert_broken(Fault.ROWS_DELETED, 4, "missing event(s) before 4 (deleted)")


def test_deleted_first_event_is_named(trail, superuser):
    tampering.delete_event(1)
    assert_broken(Fault.ROWS_DELETED, 2, "missing event(s) before 2 (deleted)")


def test_deleted_last_event_is_caught_by_the_head(trail, superuser):
    tampering.delete_event(5)
    assert_broken(Fault.HEAD_MISMATCH, 5, "the chain head names event 5 but the trail ends at event 4")


def test_deleted_last_event_with_head_rewound_is_caught_by_the_anchor(trail, superuser):
    anchor_head()
    tampering.delete_event(5)
    tampering.move_head(trail[3])
    assert_broken(Fault.ANCHOR_MISMATCH, 5, "no longer matches event 5")


def test_forged_event_with_a_valid_hash_breaks_the_order(trail, superuser):
    tampering.delete_event(3)
    tampering.forge(3, prev_hash=trail[1].hash)
    assert_broken(Fault.OUT_OF_ORDER, 4, "event 4 does not follow 3 (inserted or reordered)")


def test_forged_event_appended_without_the_head_is_named(trail, superuser):
    tampering.forge(6, prev_hash=trail[-1].hash)
    assert_broken(Fault.HEAD_MISMATCH, 6, "event 6 lies beyond the chain head")


def test_forged_first_event_is_named(trail, superuser):
    tampering.delete_event(1)
    tampering.forge(1, prev_hash="f" * 64)
    assert_broken(Fault.OUT_OF_ORDER, 1, "event 1 does not start the chain")


def test_swapped_events_are_named(trail, superuser):
    tampering.swap(3, 4)
    assert_broken(Fault.OUT_OF_ORDER, 3, "event 3 does not follow 2 (inserted or reordered)")


def test_rewritten_chain_passes_the_hashes_but_not_the_anchor(trail, superuser):
    anchor_head()
    tampering.set_data(3, {"n": 300})
    tampering.reseal_from(3)
    assert_broken(Fault.ANCHOR_MISMATCH, 5, "anchor written at")


def test_rewritten_chain_without_anchor_is_invisible(trail, superuser):
    tampering.set_data(3, {"n": 300})
    tampering.reseal_from(3)
    assert verify_chain().ok  # why the head is written outside the database


def test_tampering_beyond_the_first_chunk_is_found(superuser):
    previous = GENESIS_HASH
    events = []
    for event_id in range(1, 2101):
        event = AuditEvent(
            id=event_id, occurred_at=timezone.now(), actor_label="system", action="claim.paid", prev_hash=previous
        )
        event.hash = previous = event.compute_hash()
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    AuditChainHead.objects.create(last_event_id=2100, last_hash=previous)
    assert verify_chain().checked == 2100
    tampering.delete_event(2050)
    assert_broken(Fault.ROWS_DELETED, 2051, "before 2051")


# --- Anchoring ------------------------------------------------------------------------------


def test_anchor_appends_the_head_once_to_a_private_file(trail, settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "anchors" / "audit-head.log"
    first = anchor_head()
    assert first is not None
    assert anchor_head() is None
    record(actor=None, action="contract.created")
    second = anchor_head()
    lines = settings.AUDIT_HEAD_FILE.read_text().splitlines()
    assert lines == [first.line().strip(), second.line().strip()]
    assert lines[1].split()[1:] == ["6", AuditEvent.objects.get(id=6).hash]
    assert datetime.fromisoformat(lines[0].split()[0]).utcoffset().total_seconds() == 0
    assert stat.S_IMODE(settings.AUDIT_HEAD_FILE.stat().st_mode) == 0o600


def test_nothing_to_anchor_on_an_empty_trail(settings):
    assert anchor_head() is None
    assert not settings.AUDIT_HEAD_FILE.exists()


def test_unreadable_anchor_file_is_reported(trail, settings):
    anchor_head()
    with settings.AUDIT_HEAD_FILE.open("a") as handle:
        handle.write("edited by hand\n")
    result = verify_chain()
    assert (result.ok, result.fault, result.first_bad_id) == (False, Fault.ANCHOR_UNREADABLE, None)
    assert "line 2 of the anchor file is unreadable" in result.message
