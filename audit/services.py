"""Writing, anchoring and verifying the evidence trail (SPEC X1).

``record`` is the only way an event enters the trail. It joins the caller's transaction,
so an operation that rolls back leaves no evidence of something that never happened.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import GENESIS_HASH, HEAD_ID, AuditChainHead, AuditEvent, target_reference
from core.middleware import current_request_context

ACCESS_ACTION = "personal_data.viewed"
_ITERATION_CHUNK = 2000


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    profile: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction if there is one.

    The id is taken from the locked chain head rather than from the database sequence:
    it is part of the hash, so it must be known before the single INSERT, and taking turns
    on the head keeps ids consecutive, which is how a deleted event shows.
    """
    with transaction.atomic():
        head = _locked_head()
        event = _new_event(actor=actor, action=action, target=target, data=data, profile=profile)
        event.id, event.prev_hash = head.last_event_id + 1, head.last_hash
        event.full_clean(exclude=["hash"], validate_unique=False)
        event.hash = event.compute_hash()
        event.save()
        head.last_event_id, head.last_hash = event.id, event.hash
        head.save(update_fields=["last_event_id", "last_hash"])
    return event


def record_access(
    *,
    actor: AbstractBaseUser | None,
    target: models.Model,
    reason: str = "",
    profile: str = "",
) -> AuditEvent:
    """The event SECURITY.md asks for each time staff read health data or an IBAN."""
    return record(actor=actor, action=ACCESS_ACTION, target=target, data={"reason": reason}, profile=profile)


def personal_data_viewed(
    *, actor: AbstractBaseUser, reason: str, target: models.Model | None = None, shown: Iterable[models.Model] = ()
) -> None:
    """A staff page showed someone's personal data (SPEC G4): one event per page, naming the object shown or the
    public ids of the rows of a list page; nothing for an empty list."""
    if target is not None:
        record_access(actor=actor, target=target, reason=reason, profile="staff")
        return
    ids = [str(getattr(row, "public_id", row.pk)) for row in shown]
    if ids:
        record(actor=actor, action=ACCESS_ACTION, data={"reason": reason, "shown": ids}, profile="staff")


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the transaction ends so that appends take turns.

    A missing head (a flushed database, a deleted row) restarts from the last event rather
    than from the genesis, which would collide with the ids already used.
    """
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(pk=HEAD_ID).first()
    if head is None:
        last = AuditEvent.objects.order_by("id").last()
        start = {"last_event_id": last.id, "last_hash": last.hash} if last else {}
        head = heads.get_or_create(pk=HEAD_ID, defaults=start)[0]
    return head


def _new_event(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None,
    data: Mapping[str, Any] | None,
    profile: str,
) -> AuditEvent:
    context = current_request_context()
    actor_id, actor_label = _actor_reference(actor)
    target_type, target_id = target_reference(target)
    return AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        profile=profile,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=_plain_json(data or {}),
        ip=_valid_ip(context.ip),
        user_agent=context.user_agent[:300],
    )


def _actor_reference(actor: AbstractBaseUser | AnonymousUser | None) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if actor.is_anonymous:
        return None, "anonymous"
    return actor.pk, actor.get_username()


def _plain_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """Data reduced to what reads back identically from any database, so its hash can be recomputed.

    Decimal, dates and UUIDs become strings; so do floats, because PostgreSQL's jsonb
    may print a float differently from Python (1e+20 comes back as an integer).
    """
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, allow_nan=False), parse_float=str)


def _valid_ip(ip: str | None) -> str | None:
    """A forwarded header can carry anything; only a real address is kept (the column would refuse the rest)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    return None if getattr(address, "scope_id", None) else str(address)


# --- Anchoring the head outside the database -----------------------------------------

_ANCHOR_LINE = re.compile(r"^(\S+) ([1-9][0-9]*) ([0-9a-f]{64})$")


class UnreadableAnchorError(Exception):
    """A line of the anchor file that is not "<time> <event id> <hash>"."""

    def __init__(self, line_number: int):
        super().__init__(line_number)
        self.line_number = line_number


@dataclass(frozen=True)
class Anchor:
    """One line of the anchor file: at that time, the chain ended at that event with that hash."""

    written_at: str
    event_id: int
    hash: str

    @classmethod
    def parse(cls, line: str) -> Anchor:
        """Raises ValueError on anything but a line this module wrote."""
        match = _ANCHOR_LINE.match(line.strip())
        if match is None:
            raise ValueError(line)
        datetime.fromisoformat(match[1])
        return cls(written_at=match[1], event_id=int(match[2]), hash=match[3])

    def line(self) -> str:
        return f"{self.written_at} {self.event_id} {self.hash}\n"


def anchor_head() -> Anchor | None:
    """Write the chain head to ``AUDIT_HEAD_FILE``, out of reach of whoever controls the database.

    A superuser could rewrite the whole chain with valid hashes; an anchor written earlier
    would then no longer match. Returns None when the head is already the last line written.
    """
    head = AuditChainHead.objects.filter(pk=HEAD_ID, last_event_id__gt=0).first()
    if head is None:
        return None
    path = Path(settings.AUDIT_HEAD_FILE)
    previous = _last_anchor(path)
    if previous and (previous.event_id, previous.hash) == (head.last_event_id, head.last_hash):
        return None
    anchor = Anchor(timezone.now().isoformat(timespec="seconds"), head.last_event_id, head.last_hash)
    _append_private(path, anchor.line())
    return anchor


def _last_anchor(path: Path) -> Anchor | None:
    """The last line only: the file grows for years and need not be read to append to it."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(max(0, handle.seek(0, os.SEEK_END) - 1024))
        lines = handle.read().decode("ascii", errors="replace").splitlines()
    try:
        return Anchor.parse(lines[-1]) if lines else None
    except ValueError:
        return None


def _append_private(path: Path, line: str) -> None:
    """Append and flush to disk; the file is readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _anchors_by_event(path: Path) -> dict[int, list[Anchor]]:
    """Every anchor ever written, kept per event: an older anchor is exactly what catches a rewrite."""
    anchors: dict[int, list[Anchor]] = defaultdict(list)
    if not path.exists():
        return anchors
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                anchor = Anchor.parse(line)
            except ValueError as error:
                raise UnreadableAnchorError(number) from error
            anchors[anchor.event_id].append(anchor)
    return anchors


# --- Verification ---------------------------------------------------------------------


class Fault(StrEnum):
    """What kind of tampering a broken chain points to."""

    ROW_MODIFIED = "row_modified"
    ROWS_DELETED = "rows_deleted"
    OUT_OF_ORDER = "out_of_order"
    HEAD_MISMATCH = "head_mismatch"
    ANCHOR_MISMATCH = "anchor_mismatch"
    ANCHOR_UNREADABLE = "anchor_unreadable"


@dataclass(frozen=True)
class VerificationResult:
    """The verdict on the trail; when broken, the first bad event and why."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    fault: Fault | None = None

    @property
    def message(self) -> str:
        if self.ok:
            return _("Audit trail intact: %(count)d events") % {"count": self.checked}
        if self.first_bad_id is None:
            return _("Audit trail broken: %(reason)s") % {"reason": self.reason}
        return _("Audit trail broken at event %(id)d: %(reason)s") % {"id": self.first_bad_id, "reason": self.reason}


class _Broken(Exception):
    """Control flow inside verify_chain only: the first fault stops the walk."""

    def __init__(self, fault: Fault, event_id: int | None, reason: str):
        super().__init__(reason)
        self.fault, self.event_id, self.reason = fault, event_id, reason


def verify_chain() -> VerificationResult:
    """Walk the whole trail in constant memory and name the first event that is not as written.

    The anchors and the head are read before the walk, and only events up to that head are
    walked, so events the running portal appends meanwhile are not mistaken for faults.
    """
    walk = _ChainWalk()
    try:
        anchors = _anchors_by_event(Path(settings.AUDIT_HEAD_FILE))
        head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
        events = AuditEvent.objects.order_by("id")
        if head is not None:
            events = events.filter(id__lte=head.last_event_id)
        walk.run(events.iterator(chunk_size=_ITERATION_CHUNK), anchors)
        _check_head(head, walk.last)
        _check_unreached_anchors(anchors)
    except UnreadableAnchorError as error:
        reason = _("line %(line)d of the anchor file is unreadable") % {"line": error.line_number}
        return VerificationResult(ok=False, checked=walk.checked, reason=reason, fault=Fault.ANCHOR_UNREADABLE)
    except _Broken as broken:
        return VerificationResult(False, walk.checked, broken.event_id, broken.reason, broken.fault)
    return VerificationResult(ok=True, checked=walk.checked)


class _ChainWalk:
    """Checks each event against the one before it; remembers how far it got."""

    def __init__(self) -> None:
        self.checked = 0
        self.last: AuditEvent | None = None

    def run(self, events: Iterable[AuditEvent], anchors: dict[int, list[Anchor]]) -> None:
        for event in events:
            _check_link(event, self.last)
            if event.compute_hash() != event.hash:
                raise _Broken(Fault.ROW_MODIFIED, event.id, _("hash mismatch (row modified)"))
            _check_anchors(event, anchors.pop(event.id, []))
            self.checked, self.last = self.checked + 1, event


def _check_link(event: AuditEvent, previous: AuditEvent | None) -> None:
    """Consecutive ids and matching hashes: a gap is a deletion, a broken link an insertion or a swap."""
    if event.id != (previous.id + 1 if previous else 1):
        raise _Broken(Fault.ROWS_DELETED, event.id, _("missing event(s) before %(id)d (deleted)") % {"id": event.id})
    if event.prev_hash == (previous.hash if previous else GENESIS_HASH):
        return
    if previous is None:
        raise _Broken(Fault.OUT_OF_ORDER, event.id, _("event 1 does not start the chain (inserted or reordered)"))
    reason = _("event %(id)d does not follow %(previous)d (inserted or reordered)")
    raise _Broken(Fault.OUT_OF_ORDER, event.id, reason % {"id": event.id, "previous": previous.id})


def _check_anchors(event: AuditEvent, anchors: list[Anchor]) -> None:
    for anchor in anchors:
        if anchor.hash != event.hash:
            raise _anchor_broken(anchor)


def _check_unreached_anchors(anchors: dict[int, list[Anchor]]) -> None:
    """An anchor beyond the walked events names evidence that has since disappeared."""
    if anchors:
        raise _anchor_broken(anchors[min(anchors)][0])


def _anchor_broken(anchor: Anchor) -> _Broken:
    reason = _("anchor written at %(time)s no longer matches event %(id)d (trail truncated or rewritten)")
    return _Broken(Fault.ANCHOR_MISMATCH, anchor.event_id, reason % {"time": anchor.written_at, "id": anchor.event_id})


def _check_head(head: AuditChainHead | None, last: AuditEvent | None) -> None:
    """The head must name the last event walked, and no stored event may lie beyond it."""
    if head is None:
        if last is not None:
            raise _Broken(Fault.HEAD_MISMATCH, None, _("the chain head is missing"))
        return
    last_id = last.id if last else 0
    if head.last_event_id != last_id:
        reason = _("the chain head names event %(head)d but the trail ends at event %(last)d (events deleted)")
        raise _Broken(Fault.HEAD_MISMATCH, last_id + 1, reason % {"head": head.last_event_id, "last": last_id})
    if last is not None and head.last_hash != last.hash:
        reason = _("the chain head does not match event %(id)d (head or event rewritten)") % {"id": last_id}
        raise _Broken(Fault.HEAD_MISMATCH, last_id, reason)
    _check_nothing_beyond_head()


def _check_nothing_beyond_head() -> None:
    """The highest id is read first: an event committed before that read had its head committed with it."""
    highest = AuditEvent.objects.aggregate(highest=Max("id"))["highest"] or 0
    head_id = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("last_event_id", flat=True).first() or 0
    if highest > head_id:
        reason = _("event %(id)d lies beyond the chain head (inserted)") % {"id": highest}
        raise _Broken(Fault.HEAD_MISMATCH, highest, reason)
