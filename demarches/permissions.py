"""Who may see and process which request: the one place that answers, with one 404 for missing and forbidden."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile, User
from accounts.permissions import has_role
from demarches import selectors
from demarches.models import Request, RequestAttachment

PROCESSING_ROLES = (StaffRole.REQUESTS, StaffRole.ADMINISTRATOR)
AUTHOR_PROFILE_KINDS = frozenset({ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT})


def may_process(user: User | None) -> bool:
    """A staff login holding a role that processes requests (checked again by every staff service)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    roles = [role.value for role in PROCESSING_ROLES]
    return user.groups.filter(name__in=roles).exists() and user.profiles.filter(kind=ProfileKind.STAFF).exists()


def is_processor(profile: Profile | None) -> bool:
    return has_role(profile, *PROCESSING_ROLES)


def access_request(*, actor: Profile | None, public_id: UUID | str) -> Request:
    """The actor's own request (sent in this profile); Http404 for anything else."""
    request = selectors.request_get(actor=actor, public_id=public_id)
    if request is None:
        raise Http404
    return request


def access_request_for_staff(*, actor: Profile | None, public_id: UUID | str) -> Request:
    if not is_processor(actor):
        raise Http404
    request = selectors.request_get_for_staff(public_id=public_id)
    if request is None:
        raise Http404
    return request


def access_attachment(*, request: Request, public_id: UUID | str, staff: bool) -> RequestAttachment:
    """A document of an already accessed request; the author never reaches those of internal notes."""
    attachment = selectors.attachment_get(request=request, public_id=public_id, include_internal=staff)
    if attachment is None:
        raise Http404
    return attachment
