"""Reads of requests, each scoped to the viewer (DESIGN: one place decides who sees what)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from core.home import Awaited
from demarches.choices import OPEN_STATUSES, RequestStatus
from demarches.models import Request, RequestAttachment, RequestEvent, RequestMessage

_AUTHOR_KINDS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)
_QUEUE_RELATED = (
    "author",
    "author_profile__person",
    "author_profile__company",
    "author_profile__agent",
    "assigned_to",
    "subject_person",
    "subject_company",
    "subject_contract",
)


def _as_uuid(value: UUID | str) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def request_list(*, actor: Profile | None, status: str | None = None) -> QuerySet[Request]:
    """The requests sent in this profile (a company's or agent's requests stay with the login that sent them)."""
    if actor is None or actor.kind not in _AUTHOR_KINDS:
        return Request.objects.none()
    requests = Request.objects.filter(author_profile=actor, author_id=actor.user_id)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("subject_contract", "subject_person", "subject_company").order_by(
        "-submitted_at", "-pk"
    )


def request_get(*, actor: Profile | None, public_id: UUID | str) -> Request | None:
    key = _as_uuid(public_id)
    return request_list(actor=actor).filter(public_id=key).first() if key else None


def request_with_author(*, author: User, idempotency_key: str) -> Request | None:
    return Request.objects.filter(author=author, idempotency_key=idempotency_key).first()


@dataclass(frozen=True)
class QueueFilters:
    """What a back-office queue view asks for; empty values filter nothing."""

    kind: str = ""
    status: str = "open"
    older_than_days: int | None = None
    assignment: str = ""  # "me", "unassigned" or ""
    overdue: bool = False


def overdue_complaints_q(today=None) -> Q:
    """Open complaints past their acknowledgement or answer deadline."""
    today = today or timezone.localdate()
    late_ack = Q(acknowledged_at__isnull=True, acknowledge_by__lt=today)
    return Q(status__in=OPEN_STATUSES, answer_by__isnull=False) & (late_ack | Q(answer_by__lt=today))


def request_queue(*, actor: Profile, filters: QueueFilters) -> QuerySet[Request]:
    """The back-office queue, oldest first, with what each row shows."""
    requests = Request.objects.all()
    if filters.status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        requests = requests.filter(status=filters.status)
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    if filters.older_than_days is not None:
        requests = requests.filter(submitted_at__lt=timezone.now() - timedelta(days=filters.older_than_days))
    if filters.assignment == "me":
        requests = requests.filter(assigned_to_id=actor.user_id)
    elif filters.assignment == "unassigned":
        requests = requests.filter(assigned_to__isnull=True)
    if filters.overdue:
        requests = requests.filter(overdue_complaints_q())
    return requests.select_related(*_QUEUE_RELATED).order_by("submitted_at", "pk")


def queue_pending_count() -> int:
    """Requests waiting for the back office (not those waiting for the user)."""
    return Request.objects.filter(status=RequestStatus.IN_PROGRESS).count()


def request_get_for_staff(*, public_id: UUID | str) -> Request | None:
    key = _as_uuid(public_id)
    if key is None:
        return None
    return Request.objects.select_related(*_QUEUE_RELATED, "subject_contract__product").filter(public_id=key).first()


def request_history(*, request: Request) -> QuerySet[RequestEvent]:
    return request.events.select_related("actor").order_by("created_at", "pk")


def request_thread(*, request: Request, include_internal: bool) -> QuerySet[RequestMessage]:
    messages = request.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=RequestAttachment.objects.order_by("created_at", "pk"))
    )
    if not include_internal:
        messages = messages.filter(internal=False)
    return messages.order_by("created_at", "pk")


def request_documents(*, request: Request) -> QuerySet[RequestAttachment]:
    """The documents sent with the request itself (those of messages are shown in the thread)."""
    return request.attachments.filter(message__isnull=True).order_by("created_at", "pk")


def attachment_get(*, request: Request, public_id: UUID | str, include_internal: bool) -> RequestAttachment | None:
    key = _as_uuid(public_id)
    if key is None:
        return None
    attachments = request.attachments.filter(public_id=key)
    if not include_internal:
        attachments = attachments.filter(Q(message__isnull=True) | Q(message__internal=False))
    return attachments.first()


def awaited_requests(*, actor: Profile | None, limit: int = 5) -> list[Awaited]:
    """The profile's requests waiting for its answer, for a home (one query)."""
    return [
        Awaited(
            "request",
            gettext("Request %(reference)s waits for your answer.") % {"reference": request.reference},
            reverse("demarches:detail", args=[request.public_id]),
        )
        for request in request_list(actor=actor, status=RequestStatus.AWAITING_RETURN)[:limit]
    ]
