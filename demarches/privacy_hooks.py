"""What the requests (démarches) hold about a person, for the privacy app (SPEC G2, G3). Erasing deletes the
attached files and the content of the messages and forms; references, kinds, statuses and dates stay as the
evidence of how each request was handled."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from demarches.choices import OPEN_STATUSES
from demarches.models import Request, RequestAttachment, RequestMessage
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register

ERASED_TEXT = "[erased]"


def _requests(subject: Subject):
    condition = Q(pk__in=[])
    if subject.person is not None:
        condition |= Q(subject_person=subject.person)
    if subject.user is not None:
        condition |= Q(author=subject.user)
    return Request.objects.filter(condition)


def export(subject: Subject) -> list:
    messages = RequestMessage.objects.filter(internal=False).order_by("created_at")
    requests = (
        _requests(subject)
        .prefetch_related(Prefetch("messages", queryset=messages), "attachments")
        .order_by("submitted_at")
    )
    return [
        {
            "reference": request.reference,
            "kind": request.kind,
            "status": request.status,
            "submitted_at": request.submitted_at,
            "closed_at": request.closed_at,
            "form": request.payload,
            "our_answer": request.answer,
            "messages": [
                {"at": message.created_at, "from_us": message.by_staff, "text": message.body}
                for message in request.messages.all()
            ],
            "attachments": [attachment.original_name for attachment in request.attachments.all()],
        }
        for request in requests
    ]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    requests = _requests(subject)
    if not requests.exists():
        return outcome
    if not full:
        outcome.kept.append(Kept("requests_in_force"))
        return outcome
    attachments = RequestAttachment.objects.filter(request__in=requests)
    outcome.files_to_delete += [name for name in attachments.values_list("file", flat=True) if name]
    outcome.add("request_attachments", attachments.delete()[0])
    outcome.add(
        "request_messages",
        RequestMessage.objects.filter(request__in=requests).exclude(body=ERASED_TEXT).update(body=ERASED_TEXT),
    )
    outcome.add("request_forms", requests.exclude(payload={}, answer={}).update(payload={}, answer={}))
    outcome.kept.append(Kept("requests_evidence"))
    return outcome


def open_matters(person) -> list[str]:
    return list(
        Request.objects.filter(subject_person=person, status__in=OPEN_STATUSES).values_list("reference", flat=True)
    )


def audit_targets(subject: Subject) -> list[tuple[str, str]]:
    return [("demarches.request", str(pk)) for pk in _requests(subject).values_list("public_id", flat=True)]


register(
    PrivacyHook(
        name="requests", export=export, erase=erase, open_matters=open_matters, audit_targets=audit_targets, order=40
    )
)
