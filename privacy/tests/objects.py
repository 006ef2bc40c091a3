"""The privacy pages in the access matrix (SECURITY.md, object-level access).

A rights request is seen only by the login and profile that filed it (members, companies, agents, professionals):
on the website, over the API and through its copy. The DPO and administrators open every request in the back
office, and only they open the evidence trail's events; nobody else opens any of these there.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.services import record
from core.testing.objects import Target, kinds, register, roles
from people.tests.factories import person
from privacy.choices import RequestStatus, RightKind
from privacy.tests.factories import privacy_request

USER_KINDS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT, ProfileKind.PROFESSIONAL)
REQUESTERS = kinds(*USER_KINDS)
PRIVACY_STAFF = roles(StaffRole.DPO, StaffRole.ADMINISTRATOR)


def _stranger():
    return f.profile(ProfileKind.MEMBER, person())


def _is_requester(profile) -> bool:
    return profile is not None and profile.kind in USER_KINDS


def _stored(content: bytes) -> str:
    return default_storage.save(f"privacy/matrix/{uuid.uuid4().hex}", ContentFile(content))


def _with_copy(request):
    """An answered request whose copy is ready, written directly."""
    request.export_json_name = _stored(b"{}")
    request.export_pdf_name = _stored(b"%PDF-1.4")
    request.export_ready_at = timezone.now()
    request.export_expires_at = timezone.now() + timedelta(days=30)
    request.save()
    return request


def _target(request) -> Target:
    return Target({"public_id": request.public_id}, reveals=[request.reference])


def _build(profile, *, answered: bool = False, status: str = RequestStatus.IN_PROGRESS):
    status = RequestStatus.ANSWERED if answered else status
    request = privacy_request(profile, kind=RightKind.PORTABILITY, status=status)
    return _with_copy(request) if answered else request


def _builders(*, answered: bool):
    """(own, other): a request of the profile when it may file one (a stranger's otherwise), and a stranger's."""

    def own(profile) -> Target:
        return _target(_build(profile if _is_requester(profile) else _stranger(), answered=answered))

    def other(profile) -> Target:
        return _target(_build(_stranger(), answered=answered))

    return own, other


request_own, request_other = _builders(answered=False)
copy_own, copy_other = _builders(answered=True)


def identity_own(profile) -> Target:
    request = _build(_stranger(), status=RequestStatus.IDENTITY_TO_CHECK)
    request.identity_document_name = _stored(b"%PDF-1.4 id")
    request.identity_document_original = f"id-{uuid.uuid4().hex[:8]}.pdf"
    request.identity_document_type = "application/pdf"
    request.save()
    return Target({"public_id": request.public_id}, reveals=[request.reference, request.identity_document_original])


# --- The requester's pages and API --------------------------------------------------------------------------

register("privacy:detail", own=request_own, other=request_other, owners=REQUESTERS, allowed=REQUESTERS)
register("privacy:export_json", own=copy_own, other=copy_other, owners=REQUESTERS, allowed=REQUESTERS)
register("privacy:export_pdf", own=copy_own, other=copy_other, owners=REQUESTERS, allowed=REQUESTERS)
register(
    "/api/privacy/requests/{public_id}", own=request_own, other=request_other, owners=REQUESTERS, allowed=REQUESTERS
)
register(
    "/api/privacy/requests/{public_id}/export.json",
    own=copy_own,
    other=copy_other,
    owners=REQUESTERS,
    allowed=REQUESTERS,
)

# --- The DPO's back office ------------------------------------------------------------------------------------

_STAFF = {"owners": PRIVACY_STAFF, "allowed": PRIVACY_STAFF, "sees_all": PRIVACY_STAFF}

register("privacy_backoffice:request", own=request_own, other=request_other, **_STAFF)
register("privacy_backoffice:identity_document", own=identity_own, other=identity_own, **_STAFF)
register(
    "privacy_backoffice:identity",
    own=identity_own,
    other=identity_own,
    methods=("POST",),
    data={"decision": "confirm"},
    **_STAFF,
)
# The decisions on a request: each posted with the data its form needs.
for name, data in {
    "assign": {"assignee": "me"},
    "extend": {"reason": "Matrix: many records."},
    "refuse": {"refusal_reason": "other", "answer": "Matrix refusal."},
    "answer": {"answer": "Matrix answer."},
}.items():
    register(f"privacy_backoffice:{name}", own=request_own, other=request_other, methods=("POST",), data=data, **_STAFF)


def event_own(profile) -> Target:
    marker = f"matrix-{uuid.uuid4().hex}"
    with transaction.atomic():
        event = record(actor=None, action="matrix.checked", data={"marker": marker})
    return Target({"event_id": event.id}, reveals=[marker])


register("privacy_backoffice:event", own=event_own, other=event_own, **_STAFF)
