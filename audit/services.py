"""Writing and anchoring the evidence trail (SPEC X1); sealing and verifying are in ``audit.chain``.

``record`` is the only way an event enters the trail. It joins the caller's transaction, so an operation that
rolls back leaves no evidence of something that never happened, and it is a single INSERT that waits for no other
writer: the chain is built afterwards by the sealer.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from audit import anchors
from audit.anchors import Anchor
from audit.chain import Fault, VerificationResult, last_seal, seal, sealed_count, verify_chain
from audit.models import AuditEvent, target_reference
from core.middleware import current_request_context

__all__ = ["Fault", "VerificationResult", "anchor_head", "record", "record_access", "verify_chain"]

ACCESS_ACTION = "personal_data.viewed"

# On PostgreSQL the transaction takes its id (pg_current_xact_id) before the event takes its id from the sequence:
# what lets the sealer prove that a missing id will never commit (see audit.chain).
_INSERT_PG = (
    "WITH txid AS MATERIALIZED (SELECT pg_current_xact_id()) "
    "INSERT INTO audit_auditevent "
    "(occurred_at, actor_id, actor_label, profile, action, target_type, target_id, data, ip, user_agent) "
    "SELECT %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::inet, %s FROM txid RETURNING id"
)


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    profile: str = "",
) -> AuditEvent:
    """Append one event, in the caller's transaction if there is one: one INSERT, no lock on a shared row."""
    event = _new_event(actor=actor, action=action, target=target, data=data, profile=profile)
    _validate(event)
    if connection.vendor != "postgresql":
        event.save()
        return event
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_PG, _columns(event))
        event.id = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias
    return event


def _columns(event: AuditEvent) -> list[Any]:
    return [
        event.occurred_at,
        event.actor_id,
        event.actor_label,
        event.profile,
        event.action,
        event.target_type,
        event.target_id,
        json.dumps(event.data),
        event.ip,
        event.user_agent,
    ]


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


# The columns a caller's values reach; the others are set here (time, actor id) or already checked (address, data).
_CHECKED_FIELDS = tuple(
    AuditEvent._meta.get_field(name)
    for name in ("actor_label", "profile", "action", "target_type", "target_id", "user_agent")
)


def _validate(event: AuditEvent) -> None:
    """What ``full_clean`` would refuse in an event (a blank, a length, an action that is not a dotted code), in a
    tenth of its time: ``record`` runs in every audited write."""
    errors: dict[str, list[ValidationError]] = {}
    for field in _CHECKED_FIELDS:
        value = getattr(event, field.attname)
        try:
            if value in field.empty_values and not field.blank:
                raise ValidationError(field.error_messages["blank"], code="blank")
            field.run_validators(value)
        except ValidationError as error:
            errors[field.name] = error.error_list
    if errors:
        raise ValidationError(errors)


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
    if _plain(data):  # the usual case, strings and integers: nothing to convert
        return dict(data)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, allow_nan=False), parse_float=str)


def _plain(value: Any) -> bool:
    """Made only of what JSON reads back as it was: exact str, int, bool, None, in dicts (string keys) and lists."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    if kind is list:
        return all(_plain(item) for item in value)
    return False


def _valid_ip(ip: str | None) -> str | None:
    """A forwarded header can carry anything; only a real address is kept (the column would refuse the rest)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    return None if getattr(address, "scope_id", None) else str(address)


# --- Anchoring outside the database --------------------------------------------------------------------------


def anchor_head() -> Anchor | None:
    """Seal, then write a signed anchor of where the sealed chain ends (``audit.anchors``), out of reach of whoever
    controls the database. Returns None when the latest anchor already says so."""
    seal()
    last_id, last_hash = last_seal()
    if last_id is None:
        return None
    previous = anchors.latest()
    if previous and (previous.event_id, previous.hash) == (last_id, last_hash):
        return None
    anchor = Anchor(timezone.now().isoformat(timespec="seconds"), last_id, last_hash, sealed_count(last_id))
    anchors.write(anchor)
    return anchor
