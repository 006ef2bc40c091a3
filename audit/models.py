"""The evidence trail (SPEC X1): append-only events, each sealed by the hash of the one before.

Changing, removing, inserting or reordering a row breaks the chain at that row, so
``verify_chain`` can name it. The trail imports no domain app and keeps no foreign key:
the evidence outlives the users and objects it speaks about.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable
from datetime import UTC
from typing import Any, NoReturn

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
HEAD_ID = 1

_APPEND_ONLY_MESSAGE = _("The audit trail is append-only: its events can be neither changed nor deleted.")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove evidence; always a programming error."""


def target_reference(target: models.Model | None) -> tuple[str, str]:
    """How the trail names an object: its model label and its public id (else its key), never an FK."""
    if target is None:
        return "", ""
    if target.pk is None:
        raise ValueError("An audit event can only name a saved object.")
    public_id = getattr(target, "public_id", None)
    return target._meta.label_lower, str(public_id if public_id is not None else target.pk)


def _canonical_ip(ip: str | None) -> str | None:
    """The address in a spelling no database or Python version rewrites, so hashes stay stable."""
    return ipaddress.ip_address(ip).exploded if ip else None


class AuditEventQuerySet(models.QuerySet):
    """Bulk writes would bypass the chain: they are refused like single ones."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(_APPEND_ONLY_MESSAGE)

    def delete(self) -> NoReturn:
        raise AppendOnlyError(_APPEND_ONLY_MESSAGE)

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        target_type, target_id = target_reference(target)
        return self.filter(target_type=target_type, target_id=target_id)


class AuditEvent(models.Model):
    """One state change or one staff read of sensitive data, as it happened; never changed afterwards.

    The id is the position in the chain: ``audit.services.record`` allocates it from the
    chain head so ids are consecutive and a gap betrays a deleted row. Database triggers
    refuse UPDATE and DELETE on this table as well, for anyone going around the ORM.
    """

    id = models.BigAutoField(_("position in the chain"), primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    actor_id = models.BigIntegerField(_("actor identifier"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150)
    profile = models.CharField(_("profile"), max_length=16, blank=True)
    action = models.CharField(
        _("action"),
        max_length=64,
        db_index=True,
        validators=[RegexValidator(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", _("Use a dotted code such as contract.created."))],
    )
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target identifier"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_event_target_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action}"

    def save(
        self,
        *,
        force_insert: bool | tuple[type[models.Model], ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        """Insert only: a row already stored is evidence and stays as it is.

        The insert is forced because the id is set by hand: left alone, Django would first
        try an UPDATE of any row that already has that id.
        """
        if not self._state.adding or force_update or update_fields is not None:
            raise AppendOnlyError(_APPEND_ONLY_MESSAGE)
        super().save(force_insert=True, using=using)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(_APPEND_ONLY_MESSAGE)

    def compute_hash(self) -> str:
        """SHA-256 of the canonical JSON of every field and the previous hash: what seals the row."""
        payload = {
            "id": self.id,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "profile": self.profile,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "data": self.data,
            "ip": _canonical_ip(self.ip),
            "user_agent": self.user_agent,
            "prev_hash": self.prev_hash,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditChainHead(models.Model):
    """The one row saying where the chain ends; locking it makes appends take turns."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID)
    last_event_id = models.BigIntegerField(_("last event"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [
            models.CheckConstraint(
                name="audit_chain_head_single_row",
                condition=models.Q(id=HEAD_ID),
                violation_error_message=_("The audit trail has exactly one chain head."),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.last_event_id} {self.last_hash}"
