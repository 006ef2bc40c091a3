"""The trail's promises: every event chained, nothing changed or lost without verification naming it."""

from __future__ import annotations

import contextlib
import stat
import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import anchors, triggers
from audit.chain import Fault, VerificationResult, recomputed, seal, verify_chain
from audit.models import GENESIS_HASH, AppendOnlyError, AuditCheckpoint, AuditEvent, AuditSeal
from audit.services import anchor_head, record, record_access
from audit.tests import tampering
from core.middleware import RequestContextMiddleware
from core.testing.concurrency import finishes_while_open

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers with its database lock"
)


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


def test_sealed_events_chain_from_the_genesis_and_verify_clean(trail):
    seals = list(AuditSeal.objects.order_by("event_id"))
    assert [s.event_id for s in seals] == [event.id for event in trail]
    assert (seals[0].prev_event_id, seals[0].prev_hash) == (None, GENESIS_HASH)
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(seals, seals[1:], strict=False))
    assert verify_chain() == VerificationResult(ok=True, checked=5)


def test_recording_writes_one_insert_and_no_seal():
    with CaptureQueriesContext(connection) as queries:
        event = record(actor=None, action="contract.created")
    assert len(queries) == 1 and queries[0]["sql"].lstrip().upper().startswith(("INSERT", "WITH"))
    assert event.hash == "" and not AuditSeal.objects.exists()


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
    seal(wait=30)
    assert recomputed([event.id]) == {event.id: True}


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


def test_events_recorded_after_the_last_seal_are_reported_as_the_unsealed_tail(trail):
    record(actor=None, action="contract.created")
    result = verify_chain(seal_first=False)
    assert (result.ok, result.checked, result.unsealed) == (True, 5, 1)
    assert "1 more not sealed yet" in result.message


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
    record(actor=None, action="contract.cancelled")
    seal(wait=30)
    assert verify_chain() == VerificationResult(ok=True, checked=2)


def _in_thread(work, *args) -> threading.Thread:
    def run() -> None:
        try:
            work(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _hold_open(recorded: threading.Event, release: threading.Event, commit: bool) -> None:
    with pytest.raises(Boom) if not commit else contextlib.nullcontext(), transaction.atomic():
        record(actor=None, action="claim.submitted", data={"slow": True})
        recorded.set()
        release.wait(20)
        if not commit:
            raise Boom


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_writer_commits_while_another_holds_its_transaction_open():
    assert finishes_while_open(
        lambda: record(actor=None, action="claim.submitted"), lambda: record(actor=None, action="account.logged_in")
    )
    seal(wait=30)
    assert verify_chain() == VerificationResult(ok=True, checked=2)


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("commit", [True, False])
def test_the_sealer_stops_at_an_id_that_may_still_commit(commit):
    recorded, release = threading.Event(), threading.Event()
    slow = _in_thread(_hold_open, recorded, release, commit)
    assert recorded.wait(10)
    later = record(actor=None, action="account.logged_in")
    seal(wait=0.5)
    assert not AuditSeal.objects.filter(event_id__gte=later.id).exists()  # the open one's id lies below
    release.set()
    slow.join()
    seal(wait=30)
    assert AuditSeal.objects.filter(event_id=later.id).exists()
    assert verify_chain() == VerificationResult(ok=True, checked=2 if commit else 1)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_all_end_up_sealed():
    threads = [_in_thread(lambda: [record(actor=None, action="claim.submitted") for _ in range(10)]) for _ in range(4)]
    for thread in threads:
        thread.join()
    seal(wait=30)
    assert verify_chain() == VerificationResult(ok=True, checked=40)


# --- Append-only ----------------------------------------------------------------------------


def test_orm_refuses_to_change_or_delete_events(trail):
    event = trail[0]
    event.action = "contract.cancelled"
    refusals = [
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(id=event.id).update(action="x.y"),
        lambda: AuditEvent.objects.filter(id=event.id).delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["action"]),
        lambda: AuditEvent.objects.update_or_create(id=event.id, defaults={"action": "x.y"}),
    ]
    denied = (tampering.refusal()[0],) if settings.DATABASE_OWNER_URL else ()  # update_or_create locks the row
    for refused in refusals:
        with pytest.raises((AppendOnlyError, *denied)), transaction.atomic():
            refused()
    assert verify_chain().ok


def test_an_explicit_id_never_overwrites_an_event(trail):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent(id=trail[0].id, occurred_at=timezone.now(), actor_label="system", action="x.y").save()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'contract.cancelled'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditseal SET hash = 'f'",
        "DELETE FROM audit_auditseal",
        "DELETE FROM audit_auditcheckpoint",
    ],
)
def test_database_triggers_refuse_raw_update_and_delete(trail, sql):
    verify_chain()  # leaves a checkpoint
    error, message = tampering.refusal()
    with pytest.raises(error, match=message), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_keeps_the_triggers():
    record(actor=None, action="contract.created")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record(actor=None, action="contract.created")
    with pytest.raises(tampering.refusal()[0]), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


# --- Tampering by a database superuser -------------------------------------------------------


def test_modified_data_is_named(trail):
    tampering.set_data(trail[2].id, {"n": 300})
    assert_broken(Fault.ROW_MODIFIED, trail[2].id, "hash mismatch (row modified)")


def test_deleted_middle_event_is_named(trail):
    tampering.delete_sealed(trail[2].id)
    assert_broken(Fault.ROWS_DELETED, trail[3].id, f"missing event(s) before {trail[3].id} (deleted)")


def test_deleted_event_whose_seal_stays_is_named(trail):
    tampering.delete_event(trail[2].id)
    assert_broken(Fault.ROWS_DELETED, trail[3].id, "deleted")


def test_deleted_first_event_is_named(trail):
    tampering.delete_sealed(trail[0].id)
    assert_broken(Fault.ROWS_DELETED, trail[1].id, "deleted")


def test_deleted_last_event_is_caught_by_its_seal(trail):
    tampering.delete_event(trail[4].id)
    assert_broken(Fault.ROWS_DELETED, trail[4].id, f"event {trail[4].id} is sealed but missing")


def test_truncated_tail_is_caught_by_the_anchor(trail):
    anchor_head()
    tampering.delete_sealed(trail[4].id)
    tampering.delete_sealed(trail[3].id)
    assert_broken(Fault.ANCHOR_MISMATCH, trail[4].id, f"no longer matches event {trail[4].id}")


def test_emptied_trail_is_caught_by_the_anchor(trail):
    anchor_head()
    tampering.run_sql("DELETE FROM audit_auditseal")
    tampering.run_sql("DELETE FROM audit_auditevent")
    assert_broken(Fault.ANCHOR_MISMATCH, trail[4].id, "trail truncated or rewritten")


def test_event_inserted_in_the_middle_unsealed_is_named(trail):
    tampering.delete_sealed(trail[2].id)
    tampering.forge(trail[2].id)
    assert_broken(Fault.OUT_OF_ORDER, trail[2].id, "not sealed but lies inside the sealed trail")


def test_event_replaced_with_a_valid_seal_is_caught_at_the_next_link(trail):
    tampering.delete_sealed(trail[2].id)
    tampering.forge_sealed(trail[2].id, after=trail[1].id)
    assert_broken(Fault.OUT_OF_ORDER, trail[3].id, f"event {trail[3].id} does not follow {trail[2].id}")


def test_swapped_events_are_named(trail):
    tampering.swap(trail[2].id, trail[3].id)
    assert_broken(Fault.ROW_MODIFIED, trail[2].id, "hash mismatch")


def test_rewritten_chain_passes_the_hashes_but_not_the_anchor(trail):
    anchor_head()
    tampering.set_data(trail[2].id, {"n": 300})
    tampering.reseal_from(trail[2].id)
    assert_broken(Fault.ANCHOR_MISMATCH, trail[4].id, "anchor written at")


def test_rewritten_chain_without_anchor_is_invisible(trail):
    tampering.set_data(trail[2].id, {"n": 300})
    tampering.reseal_from(trail[2].id)
    assert verify_chain().ok  # why the chain end is written outside the database


def test_dropped_triggers_are_reported(trail):
    tampering.owner_powers()
    triggers.drop(connection)
    result = verify_chain()
    assert (result.ok, result.fault) == (False, Fault.TRIGGERS_MISSING)
    assert "audit_event_no_update" in result.reason


def test_tampering_beyond_the_first_chunk_is_found():
    AuditEvent.objects.bulk_create(
        AuditEvent(occurred_at=timezone.now(), actor_label="system", action="claim.paid") for _ in range(2100)
    )
    seal(wait=30)
    assert verify_chain().checked == 2100
    target = AuditEvent.objects.order_by("id")[2050].id
    tampering.set_data(target, {"x": 1})
    assert_broken(Fault.ROW_MODIFIED, target, "row modified")


# --- Checkpoints ------------------------------------------------------------------------------


def test_a_full_verification_leaves_a_checkpoint_the_next_one_starts_from(trail):
    assert verify_chain().ok
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.event_id, checkpoint.checked) == (trail[-1].id, 5)
    record(actor=None, action="contract.created")
    seal()
    assert verify_chain(from_checkpoint=True) == VerificationResult(ok=True, checked=1)
    assert AuditCheckpoint.objects.count() == 1  # only full walks leave one


def test_from_a_checkpoint_a_modified_later_event_is_named(trail):
    verify_chain()
    later = record(actor=None, action="contract.created")
    seal()
    tampering.set_data(later.id, {"n": 1})
    assert verify_chain(from_checkpoint=True).first_bad_id == later.id


def test_from_a_checkpoint_a_rewritten_past_is_caught_by_the_checkpoint(trail):
    verify_chain()
    tampering.set_data(trail[1].id, {"n": 300})
    tampering.reseal_from(trail[1].id)
    result = verify_chain(from_checkpoint=True)
    assert (result.ok, result.fault, result.first_bad_id) == (False, Fault.CHECKPOINT_MISMATCH, trail[-1].id)


def test_without_a_checkpoint_the_walk_starts_at_the_genesis(trail):
    assert verify_chain(from_checkpoint=True) == VerificationResult(ok=True, checked=5)


# --- Anchoring ------------------------------------------------------------------------------


def test_anchor_writes_the_head_once_signed_into_a_private_folder(trail, settings):
    first = anchor_head()
    assert first is not None
    assert anchor_head() is None
    record(actor=None, action="contract.created")
    second = anchor_head()
    assert anchors.everything() == [first, second]
    head = AuditSeal.objects.latest("event_id")
    assert (second.event_id, second.hash, second.events) == (head.event_id, head.hash, 6)
    assert datetime.fromisoformat(first.written_at).utcoffset().total_seconds() == 0
    stored = sorted(settings.AUDIT_ANCHOR_DIR.iterdir())
    assert [stat.S_IMODE(path.stat().st_mode) for path in stored] == [0o600, 0o600]
    assert stat.S_IMODE(settings.AUDIT_ANCHOR_DIR.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.AUDIT_ANCHOR_KEY_FILE.stat().st_mode) == 0o600


def test_nothing_to_anchor_on_an_empty_trail(settings):
    assert anchor_head() is None
    assert not settings.AUDIT_ANCHOR_DIR.exists()


def test_unreadable_anchor_is_reported(trail, settings):
    anchor_head()
    (settings.AUDIT_ANCHOR_DIR / "anchor-99999999999999999999-x.json").write_text("edited by hand\n")
    result = verify_chain()
    assert (result.ok, result.fault, result.first_bad_id) == (False, Fault.ANCHOR_UNREADABLE, None)
    assert "anchor anchor-99999999999999999999-x.json: unreadable" in result.message


def test_a_tampered_anchor_signature_is_reported(trail, settings):
    anchor_head()
    [path] = settings.AUDIT_ANCHOR_DIR.iterdir()
    path.write_text(path.read_text().replace('"events": 5', '"events": 4'))
    result = verify_chain()
    assert (result.ok, result.fault) == (False, Fault.ANCHOR_UNREADABLE)
    assert result.message.endswith(f"anchor {path.name}: bad signature")


def test_an_anchor_signed_with_another_key_is_reported(trail, settings):
    anchor_head()
    settings.AUDIT_ANCHOR_PUBLIC_KEY = anchors.public_key_text(Ed25519PrivateKey.generate())
    assert verify_chain().fault == Fault.ANCHOR_UNREADABLE


def test_anchors_are_verified_with_the_public_key_alone(trail, settings, tmp_path):
    anchor_head()
    settings.AUDIT_ANCHOR_PUBLIC_KEY = anchors.public_key_text(anchors.signing_key())
    settings.AUDIT_ANCHOR_KEY_FILE = tmp_path / "unreadable" / "key"
    assert verify_chain().ok
