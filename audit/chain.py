"""Sealing and verifying the evidence trail (SPEC X1).

Writers append events without waiting for each other; ``seal`` chains the committed ones afterwards, in id order,
in short transactions: each seal is SHA-256(previous hash || content of the event), where the content is the
event's row as the database encodes it (``CONTENT``), so neither sealing nor verifying builds a Python object per
event. ``verify_chain`` streams events and seals as raw rows and names the first event that is not as sealed.

Ids are taken when an event is inserted but can commit out of order, and a transaction that rolls back leaves its
id unused forever. The sealer therefore seals only a prefix in which every missing id is proven never to come:
on PostgreSQL, ``record`` takes its transaction id before its event id, so every id up to the highest one visible
belongs to a transaction that existed when a snapshot was taken; once the oldest running transaction is younger
than that snapshot's horizon, those transactions have all ended and the missing ids are gaps for good. SQLite lets
one writer in at a time, so no committed id ever lies beyond one still in flight.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import psycopg
import psycopg.sql
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from audit import anchors as anchor_store
from audit import triggers
from audit.anchors import Anchor, UnreadableAnchorError
from audit.models import GENESIS_HASH, AuditCheckpoint, AuditEvent, AuditSeal

# The event as the database encodes it: PostgreSQL's binary record (type OIDs, lengths, values; the timestamp as
# microseconds, jsonb in its normalised text), SQLite's JSON array of the stored values.
CONTENT = {
    "postgresql": (
        "record_send(ROW(e.id, e.occurred_at, e.actor_id, e.actor_label::text, e.profile::text, e.action::text, "
        "e.target_type::text, e.target_id::text, e.data, e.ip, e.user_agent::text))"
    ),
    "sqlite": (
        "CAST(json_array(e.id, e.occurred_at, e.actor_id, e.actor_label, e.profile, e.action, e.target_type, "
        "e.target_id, e.data, e.ip, e.user_agent) AS BLOB)"
    ),
}
SEAL_BATCH = 5000
_STREAM_CHUNK = 10_000
_SEALER_LOCK = 0x617564_6974  # "audit": one sealer at a time per database
# The highest visible id, the oldest transaction of this database still running other than the sealer's own (it
# sees its own events, and seals them in its own transaction), and the first transaction id not yet given out.
# Transactions of other databases of the cluster are left out (they cannot insert here): the running transaction ids
# of this database come from pg_locks (each transaction holds the lock on its own id) joined with pg_stat_activity,
# both readable by any role; pg_locks gives 32-bit ids, compared with the low half of the snapshot's 64-bit ones.
_HORIZON = (
    "WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s), "
    "here AS (SELECT l.transactionid::text::bigint AS x FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND a.datname = current_database() "
    "AND l.pid <> pg_backend_pid()) "
    "SELECT coalesce((SELECT max(id) FROM audit_auditevent), 0), "
    "coalesce((SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap.s) x "
    "WHERE mod(x::text::bigint, 4294967296) IN (SELECT x FROM here)), pg_snapshot_xmax(snap.s)::text::bigint), "
    "pg_snapshot_xmax(snap.s)::text::bigint FROM snap"
)


def link(prev_hash: str, content: bytes) -> str:
    """The hash that seals an event: SHA-256 of the previous hash (hex) followed by the event's content."""
    return hashlib.sha256(prev_hash.encode("ascii") + bytes(content)).hexdigest()


# --- Sealing ---------------------------------------------------------------------------------------------------


class Sealer:
    """Chains committed events in id order; remembers an observation of the horizon from one pass to the next."""

    def __init__(self, batch: int = SEAL_BATCH):
        self.batch = batch
        self.pending: tuple[int, int] | None = None  # (highest id seen, snapshot xmax) awaiting proof
        self.proven = 0  # every id up to this one is committed or will never be
        self.blocked = False  # the last pass stopped at a missing id that may still commit

    def run(self) -> int:
        """Seal everything sealable now, batch by batch; the number of events sealed."""
        self._observe()
        total = 0
        while True:
            count = self._seal_batch()
            total += count
            if count < self.batch:
                return total

    def _observe(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
                self.proven = cursor.fetchone()[0]
                return
            cursor.execute(_HORIZON)
            highest, xmin, xmax = cursor.fetchone()
        if self.pending is not None and xmin >= self.pending[1]:
            self.proven, self.pending = max(self.proven, self.pending[0]), None
        if xmin >= xmax:  # no transaction running at all: everything visible is final
            self.proven = max(self.proven, highest)
        elif self.pending is None and highest > self.proven:
            self.pending = (highest, xmax)

    def _seal_batch(self) -> int:
        try:
            with transaction.atomic():
                if not _sealer_lock():
                    return 0
                rows = list(self._links(*last_seal()))
                _insert_seals(rows)
        except IntegrityError:  # another sealer (SQLite has no advisory lock) sealed these first
            return 0
        return len(rows)

    def _links(self, last_id: int | None, last_hash: str) -> Iterator[tuple[int, int | None, str, str]]:
        self.blocked = False
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, {CONTENT[connection.vendor]} FROM audit_auditevent e "  # noqa: S608 (constants)
                "WHERE e.id > %s ORDER BY e.id LIMIT %s",
                [last_id or 0, self.batch],
            )
            rows = cursor.fetchall()
        for event_id, content in rows:
            if event_id != (last_id or 0) + 1 and event_id - 1 > self.proven:
                self.blocked = True  # a lower id may still commit: wait for it or for the proof it never will
                return
            sealed = link(last_hash, content)
            yield event_id, last_id, last_hash, sealed
            last_id, last_hash = event_id, sealed


def seal(*, batch: int = SEAL_BATCH, wait: float = 0.0) -> int:
    """Seal what can be sealed; with ``wait``, keep trying that many seconds while a missing id holds it up."""
    sealer = Sealer(batch)
    total = sealer.run()
    deadline = time.monotonic() + wait
    while sealer.blocked and time.monotonic() < deadline:
        time.sleep(0.05)
        total += sealer.run()
    return total


def seal_forever(*, interval: float = 1.0, batch: int = SEAL_BATCH) -> Iterator[int]:
    """The worker's loop: seal, sleep, again; yields the count of each pass."""
    sealer = Sealer(batch)
    while True:
        yield sealer.run()
        time.sleep(interval)


def _sealer_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEALER_LOCK])
        return cursor.fetchone()[0]


def last_seal() -> tuple[int | None, str]:
    """Where the sealed chain ends: the last sealed event's id (None before the first) and its hash."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_id, hash FROM audit_auditseal ORDER BY event_id DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (None, GENESIS_HASH)


def sealed_count(up_to: int) -> int:
    """How many events are sealed up to this one (what an anchor records, so a shortened trail shows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditseal WHERE event_id <= %s", [up_to])
        return cursor.fetchone()[0]


def _insert_seals(rows: list[tuple[int, int | None, str, str]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO audit_auditseal (event_id, prev_event_id, prev_hash, hash) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[])",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            cursor.executemany(
                "INSERT INTO audit_auditseal (event_id, prev_event_id, prev_hash, hash) VALUES (%s, %s, %s, %s)", rows
            )


def recomputed(event_ids: Iterable[int]) -> dict[int, bool]:
    """For a page of sealed events: does each one still hash to its seal? (Unsealed events are left out.)"""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT e.id, s.prev_hash, s.hash, {CONTENT[connection.vendor]} FROM audit_auditevent e "  # noqa: S608 (constants)
        f"JOIN audit_auditseal s ON s.event_id = e.id WHERE e.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0]: link(row[1], row[3]) == row[2] for row in cursor.fetchall()}


# --- Verification ----------------------------------------------------------------------------------------------


class Fault(StrEnum):
    """What kind of tampering a broken chain points to."""

    ROW_MODIFIED = "row_modified"
    ROWS_DELETED = "rows_deleted"
    OUT_OF_ORDER = "out_of_order"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    ANCHOR_MISMATCH = "anchor_mismatch"
    ANCHOR_UNREADABLE = "anchor_unreadable"
    TRIGGERS_MISSING = "triggers_missing"
    TOO_FEW_EVENTS = "too_few_events"


@dataclass(frozen=True)
class VerificationResult:
    """The verdict on the trail; when broken, the first bad event and why; the tail not sealed yet."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    fault: Fault | None = None
    unsealed: int = 0
    unsealed_since: datetime | None = None

    @property
    def message(self) -> str:
        if not self.ok and self.first_bad_id is None:
            return _("Audit trail broken: %(reason)s") % {"reason": self.reason}
        if not self.ok:
            reason = {"id": self.first_bad_id, "reason": self.reason}
            return _("Audit trail broken at event %(id)d: %(reason)s") % reason
        message = _("Audit trail intact: %(count)d events") % {"count": self.checked}
        if self.unsealed:
            message += " " + _("(%(count)d more not sealed yet, the oldest recorded at %(time)s)") % {
                "count": self.unsealed,
                "time": self.unsealed_since.isoformat(timespec="seconds") if self.unsealed_since else "?",
            }
        return message


class _Broken(Exception):
    """Control flow inside verify_chain only: the first fault stops the walk."""

    def __init__(self, fault: Fault, event_id: int | None, reason: str):
        super().__init__(reason)
        self.fault, self.event_id, self.reason = fault, event_id, reason


def verify_chain(*, from_checkpoint: bool = False, seal_first: bool = True, min_events: int = 0) -> VerificationResult:
    """Walk the sealed trail in constant memory and name the first event that is not as sealed.

    Only events up to the last seal read before the walk are walked: events appended meanwhile are the unsealed
    tail, counted and reported, protected until sealed by the append-only triggers (whose presence is checked).
    A full walk that finds the trail intact leaves a checkpoint; ``from_checkpoint`` starts at the last one, after
    checking that its seal is unchanged and that every anchor before it still matches.

    The latest signed anchor must verify and still match: the trail must contain the anchored event with the anchored
    hash and exactly the anchored number of sealed events up to it, so an emptied or shortened trail fails. So does
    one with fewer than ``min_events`` sealed events.
    """
    if seal_first:
        seal()
    walk = _Walk()
    try:
        anchors = _anchors_by_event()
        last_id, _last_hash = last_seal()
        start = _checkpoint_start(anchors) if from_checkpoint else None
        walk.run(last_id or 0, start, anchors)
        _check_unreached_anchors(anchors)
        _check_count(walk.base + walk.checked, min_events)
        _check_triggers()
    except UnreadableAnchorError as error:
        reason = _("anchor %(name)s: %(why)s") % {"name": error.name, "why": error.why} if error.name else error.why
        return VerificationResult(ok=False, checked=walk.checked, reason=reason, fault=Fault.ANCHOR_UNREADABLE)
    except _Broken as broken:
        return VerificationResult(False, walk.checked, broken.event_id, broken.reason, broken.fault)
    if not from_checkpoint and walk.last_id is not None:
        AuditCheckpoint(event_id=walk.last_id, hash=walk.last_hash, checked=walk.checked).save()
    unsealed, since = _unsealed_tail(last_id or 0)
    return VerificationResult(ok=True, checked=walk.checked, unsealed=unsealed, unsealed_since=since)


class _Walk:
    """Checks each event against its seal and the event before it; remembers how far it got.

    On PostgreSQL, outside a transaction, a long walk is cut into id ranges streamed at once on their own connections
    sharing one snapshot (``_parallel``): the database's share of the work, serialising each event as the sealer did,
    runs on several cores. Each range starts from the last event below it and its seal, read in that same snapshot,
    which is exactly where the range before it must end, so the verdict is the one of a single walk: every event
    checked against its seal and the one before it, the ranges' faults taken in id order.
    """

    def __init__(self) -> None:
        self.checked = 0
        self.base = 0  # events before the starting checkpoint
        self.last_id: int | None = None
        self.last_hash = GENESIS_HASH

    def run(self, frontier: int, start: tuple[int, str] | None, anchors: dict[int, list[Anchor]]) -> None:
        if start is not None:
            self.last_id, self.last_hash, self.base = start
        ranges = _ranges(self.last_id or 0, frontier)
        if len(ranges) > 1:
            segments = _parallel(ranges, (self.last_id, self.last_hash), set(anchors))
        else:
            segments = [_segment(_stream(self.last_id or 0, frontier), self.last_id, self.last_hash, set(anchors))]
        for segment in segments:
            for event_id, (sealed, position) in segment.watched.items():
                _check_anchors(event_id, sealed, anchors.pop(event_id, []), self.base + self.checked + position)
            self.checked += segment.checked
            if segment.fault is not None:
                raise segment.fault
            self.last_id, self.last_hash = segment.last_id, segment.last_hash
        if (self.last_id or 0) != frontier:
            reason = _("event %(id)d is sealed but missing (deleted)") % {"id": frontier}
            raise _Broken(Fault.ROWS_DELETED, frontier, reason)


@dataclass
class _Segment:
    """What the walk of one id range found: events checked, where it ended, the watched (anchored) events met on the
    way with their hash and position in the range, and the first fault."""

    checked: int
    last_id: int | None
    last_hash: str | None
    watched: dict[int, tuple[str, int]]
    fault: _Broken | None


def _segment(rows: Iterable[tuple], last_id: int | None, last_hash: str | None, watch: set[int]) -> _Segment:
    """Walk rows (id, seal's previous id, previous hash, hash, content) from the given link: the hot loop, kept to
    one hash and three comparisons an event; the first mismatch is then explained by ``_fault``."""
    sha256, checked, watched, fault = hashlib.sha256, 0, {}, None
    for event_id, prev_event_id, prev_hash, sealed, content in rows:
        if (
            sealed is None
            or prev_event_id != last_id
            or prev_hash != last_hash
            or sha256(prev_hash.encode("ascii") + content).hexdigest() != sealed
        ):
            fault = _fault(event_id, prev_event_id, prev_hash, sealed, content, last_id, last_hash)
            break
        checked += 1
        if event_id in watch:
            watched[event_id] = (sealed, checked)
        last_id, last_hash = event_id, sealed
    return _Segment(checked, last_id, last_hash, watched, fault)


def _fault(event_id, prev_event_id, prev_hash, sealed, content, last_id, last_hash) -> _Broken:  # noqa: PLR0913
    if sealed is None:
        reason = _("event %(id)d is not sealed but lies inside the sealed trail (inserted)") % {"id": event_id}
        return _Broken(Fault.OUT_OF_ORDER, event_id, reason)
    if prev_event_id != last_id:
        if prev_event_id is not None and (last_id is None or prev_event_id > last_id):
            reason = _("missing event(s) before %(id)d (deleted)") % {"id": event_id}
            return _Broken(Fault.ROWS_DELETED, event_id, reason)
        reason = _("event %(id)d was not sealed before %(next)d (inserted or reordered)")
        return _Broken(Fault.OUT_OF_ORDER, last_id, reason % {"id": last_id, "next": event_id})
    if prev_hash != last_hash:
        reason = _("event %(id)d does not follow %(previous)s (inserted or reordered)")
        return _Broken(Fault.OUT_OF_ORDER, event_id, reason % {"id": event_id, "previous": last_id})
    return _Broken(Fault.ROW_MODIFIED, event_id, _("hash mismatch (row modified)"))


_ROWS = (
    "SELECT e.id, s.prev_event_id, s.prev_hash, s.hash, {content} "
    "FROM audit_auditevent e LEFT JOIN audit_auditseal s ON s.event_id = e.id "
    "WHERE e.id > %s AND e.id <= %s ORDER BY e.id"
)
# Below this many ids one stream is as fast as several connections.
PARALLEL_MIN = 200_000


def _ranges(after: int, frontier: int) -> list[tuple[int, int]]:
    """The id ranges to walk at once: one per core on a long PostgreSQL walk outside a transaction (other
    connections would not see the caller's uncommitted rows), else one."""
    workers = min(os.cpu_count() or 1, 4)
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or workers < 2
        or frontier - after < max(PARALLEL_MIN, 2)
    ):
        return [(after, frontier)]
    bounds = [after + (frontier - after) * part // workers for part in range(workers + 1)]
    return list(itertools.pairwise(bounds))


def _parallel(ranges: list[tuple[int, int]], start: tuple[int | None, str], watch: set[int]) -> list[_Segment]:
    """Walk the ranges at once, all in the snapshot of the first one: the first here, each other one in a forked
    process on its own connection. Processes, not threads: the walk is Python hashing small rows, which holds the
    interpreter lock, so threads would add the database's cores but not the verifier's."""
    params = connection.get_connection_params()
    with psycopg.Connection.connect(**params) as first:
        first.isolation_level, first.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        snapshot = first.execute("SELECT pg_export_snapshot()").fetchone()[0]
        context = multiprocessing.get_context("fork")  # the arguments reach the child by fork, unpickled
        children = []
        for bounds in ranges[1:]:
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(target=_walk_range, args=(sender, params, snapshot, bounds, watch), daemon=True)
            child.start()
            sender.close()
            children.append((child, receiver))
        segments = [_walk_on(first, ranges[0], start, watch)]
        for child, receiver in children:
            try:
                outcome = receiver.recv()
            except EOFError:  # the process died before it could answer
                outcome = ("error", "no answer")
            child.join()
            if outcome[0] == "error":
                raise RuntimeError(f"a verifying process failed ({child.exitcode}): {outcome[1]}")
            checked, last_id, last_hash, watched, fault = outcome[1]
            segments.append(_Segment(checked, last_id, last_hash, watched, _Broken(*fault) if fault else None))
    return segments


def _walk_on(conn: psycopg.Connection, bounds: tuple[int, int], link: tuple[int | None, str | None], watch) -> _Segment:
    sql = _ROWS.format(content=CONTENT["postgresql"])
    with psycopg.Cursor(conn) as cursor:  # server-side binding: Django's cursor class binds in text only
        return _segment(cursor.stream(sql, list(bounds), binary=True, size=_STREAM_CHUNK), *link, watch)


def _walk_range(sender, params: dict, snapshot: str, bounds: tuple[int, int], watch: set[int]) -> None:
    """In a forked process: one range, in the exported snapshot, from the last event below it (read in that same
    snapshot); the result sent back as plain values (a fault as its arguments). The parent's connections are left
    alone: a forked process ends with ``os._exit``, which closes nothing of theirs."""
    try:
        with psycopg.Connection.connect(**params) as conn:
            conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
            conn.execute(psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
            segment = _walk_on(conn, bounds, _link_at(conn, bounds[0]), watch)
        fault = segment.fault
        broken = (fault.fault, fault.event_id, fault.reason) if fault is not None else None
        sender.send(("ok", (segment.checked, segment.last_id, segment.last_hash, segment.watched, broken)))
    except Exception as error:  # noqa: BLE001 (reported to the parent, which raises it)
        sender.send(("error", repr(error)))
    finally:
        sender.close()


def _link_at(conn: psycopg.Connection, up_to: int) -> tuple[int | None, str | None]:
    """The last event at or below this id and its seal: where a walk of the range ending there ends."""
    row = conn.execute(
        "SELECT e.id, s.hash FROM audit_auditevent e LEFT JOIN audit_auditseal s ON s.event_id = e.id "
        "WHERE e.id <= %s ORDER BY e.id DESC LIMIT 1",
        [up_to],
    ).fetchone()
    return (row[0], row[1]) if row else (None, GENESIS_HASH)


def _stream(after: int, frontier: int) -> Iterator[tuple]:
    """Events ``after`` < id <= ``frontier`` with their seals, as raw rows, through a server-side cursor."""
    sql = _ROWS.format(content=CONTENT[connection.vendor])
    if connection.vendor == "postgresql":  # psycopg's own cursor: Django's binds client-side, in text only
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            yield from cursor.stream(sql, [after, frontier], binary=True, size=_STREAM_CHUNK)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [after, frontier])
        while rows := cursor.fetchmany(_STREAM_CHUNK):
            yield from rows


def _anchors_by_event() -> dict[int, list[Anchor]]:
    """The latest anchor only: matching its hash at its event proves the whole chain up to there is the one anchored
    (each hash covers all before it), so older anchors add nothing, and verification reads one object however many
    years of anchors the storage holds."""
    latest = anchor_store.latest()
    return {latest.event_id: [latest]} if latest else {}


def _checkpoint_start(anchors: dict[int, list[Anchor]]) -> tuple[int, str, int] | None:
    """The last checkpoint, if its seal is unchanged; the anchors before it are checked against their seals."""
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    if checkpoint is None:
        return None
    before = sorted(event_id for event_id in anchors if event_id <= checkpoint.event_id)
    sealed = _seal_hashes([checkpoint.event_id, *before])
    if sealed.get(checkpoint.event_id) != checkpoint.hash:
        reason = _("the checkpoint of event %(id)d no longer matches its seal (trail rewritten)")
        raise _Broken(Fault.CHECKPOINT_MISMATCH, checkpoint.event_id, reason % {"id": checkpoint.event_id})
    for event_id in before:
        _check_anchors(event_id, sealed.get(event_id), anchors.pop(event_id), None)
    return checkpoint.event_id, checkpoint.hash, checkpoint.checked


def _seal_hashes(event_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for offset in range(0, len(event_ids), 500):
        seals = AuditSeal.objects.filter(event_id__in=event_ids[offset : offset + 500])
        found.update(seals.values_list("event_id", "hash"))
    return found


def _check_anchors(event_id: int, sealed: str | None, anchors: list[Anchor], count: int | None) -> None:
    """Each anchor of this event names its hash and (when the walk counted from the genesis) its event count."""
    for anchor in anchors:
        if anchor.hash != sealed or (count is not None and anchor.events != count):
            raise _anchor_broken(anchor)


def _check_count(total: int, minimum: int) -> None:
    if total < minimum:
        reason = _("%(count)d sealed events where at least %(minimum)d are expected (trail emptied or shortened)")
        raise _Broken(Fault.TOO_FEW_EVENTS, None, reason % {"count": total, "minimum": minimum})


def _check_unreached_anchors(anchors: dict[int, list[Anchor]]) -> None:
    """An anchor beyond the walked events names evidence that has since disappeared."""
    if anchors:
        raise _anchor_broken(anchors[min(anchors)][0])


def _anchor_broken(anchor: Anchor) -> _Broken:
    reason = _("anchor written at %(time)s no longer matches event %(id)d (trail truncated or rewritten)")
    return _Broken(Fault.ANCHOR_MISMATCH, anchor.event_id, reason % {"time": anchor.written_at, "id": anchor.event_id})


def _check_triggers() -> None:
    missing = triggers.missing(connection)
    if missing:
        reason = _("append-only triggers missing or disabled: %(names)s") % {"names": ", ".join(missing)}
        raise _Broken(Fault.TRIGGERS_MISSING, None, reason)


def _unsealed_tail(frontier: int) -> tuple[int, datetime | None]:
    tail = AuditEvent.objects.filter(id__gt=frontier)
    return tail.count(), tail.order_by("id").values_list("occurred_at", flat=True).first()
