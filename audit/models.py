"""The evidence trail (SPEC X1): append-only events, chained by a sealer once they are committed.

Writers only INSERT an event (``audit.services.record``): they share no row and wait for nobody. The sealer
(``audit.chain.seal``) then chains the committed events in id order, writing for each an ``AuditSeal`` whose hash
covers the event and the hash before it. Changing, removing, inserting or reordering a sealed event breaks the chain
at that event, so ``verify_chain`` can name it. The trail imports no domain app and keeps no foreign key: the
evidence outlives the users and objects it speaks about.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64

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


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes would bypass the chain: they are refused like single ones."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(_APPEND_ONLY_MESSAGE)

    def delete(self) -> NoReturn:
        raise AppendOnlyError(_APPEND_ONLY_MESSAGE)


class AppendOnlyModel(models.Model):
    """Rows that are inserted once and never changed nor deleted (the triggers refuse it in the database too)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(
        self,
        *,
        force_insert: bool | tuple[type[models.Model], ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        """Insert only: a row already stored is evidence and stays as it is; an id given by hand never overwrites
        a stored row."""
        if not self._state.adding or force_update or update_fields is not None:
            raise AppendOnlyError(_APPEND_ONLY_MESSAGE)
        super().save(force_insert=True, using=using)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(_APPEND_ONLY_MESSAGE)


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        target_type, target_id = target_reference(target)
        return self.filter(target_type=target_type, target_id=target_id)


class AuditEvent(AppendOnlyModel):
    """One state change or one staff read of sensitive data, as it happened; never changed afterwards.

    The id comes from the database sequence: writers never wait for each other. Ids are not consecutive (a
    transaction that rolls back leaves its id unused) and may commit out of order; the sealer chains them in id
    order once no lower id can still appear. Database triggers refuse UPDATE and DELETE on this table as well, for
    anyone going around the ORM.
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

    @property
    def sealed(self) -> AuditSeal | None:
        """The event's seal, None while the sealer has not reached it (load with ``select_related("seal")``)."""
        try:
            return self.seal
        except AuditSeal.DoesNotExist:
            return None

    @property
    def hash(self) -> str:
        return self.sealed.hash if self.sealed else ""

    @property
    def prev_hash(self) -> str:
        return self.sealed.prev_hash if self.sealed else ""


class AuditSeal(AppendOnlyModel):
    """The link of one committed event in the chain: SHA-256 of the hash before it and of the event's content.

    Written by the sealer only, in id order, never for an id below one already sealed. No database foreign key:
    checking it would lock the event rows; the chain itself is what ties seal and event together.
    """

    event = models.OneToOneField(
        AuditEvent,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="seal",
        verbose_name=_("event"),
    )
    prev_event_id = models.BigIntegerField(_("previous event"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")

    def __str__(self) -> str:
        return f"#{self.event_id} {self.hash}"


class AuditCheckpoint(AppendOnlyModel):
    """A point up to which the whole chain was verified: ``verify_audit --from-checkpoint`` starts there."""

    event_id = models.BigIntegerField(_("last event verified"))
    hash = models.CharField(_("hash"), max_length=64)
    checked = models.BigIntegerField(_("events verified"))
    created_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"#{self.event_id} {self.hash}"
