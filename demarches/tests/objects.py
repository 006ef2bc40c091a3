"""The requests (démarches) in the access matrix (SECURITY.md, object-level access).

A request is seen only in the profile, and by the login, that sent it (members, companies, agents): on the
website, over the API and through its documents. Staff with the requests or administrator role open every
request in the back office; nobody else opens any there, not even its author.
"""

from __future__ import annotations

import uuid

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from core.testing.objects import Target, exempt, kinds, populate, register, roles
from demarches import services
from demarches.generic_kinds import INFORMATION
from demarches.models import Request
from demarches.permissions import AUTHOR_PROFILE_KINDS
from people.tests.factories import company, person
from registration.tests.helpers import agent

AUTHORS = kinds(*AUTHOR_PROFILE_KINDS)
PROCESSORS = roles(StaffRole.REQUESTS, StaffRole.ADMINISTRATOR)

exempt(
    "demarches:submit",
    reason="the code of a request kind (information, complaint…) whose form to show: the same page for every "
    "profile the kind is open to, an unknown code or a kind closed to the profile answers 404",
)


# --- Requests and their documents ------------------------------------------------------------------------


def _submit(profile, *, with_attachment: bool = False) -> Request:
    """A request sent in ``profile`` (an author: member, company or agent), optionally with one document."""
    from demarches.tests.conftest import pdf

    topic = f"Matrix topic {uuid.uuid4().hex[:10]}"
    attachments = [pdf(f"matrix-{uuid.uuid4().hex[:8]}.pdf")] if with_attachment else []
    return services.request_submit(
        actor=profile,
        kind_code=INFORMATION,
        payload={"topic": topic, "question": "Does the access matrix see this?"},
        attachments=attachments,
    )


def _is_author(profile) -> bool:
    return profile is not None and profile.kind in AUTHOR_PROFILE_KINDS


def _stranger(kind: str | None = None):
    """An author profile that has nothing to do with any actor (a member of another family by default)."""
    if kind == ProfileKind.COMPANY:
        return f.profile(ProfileKind.COMPANY, company())
    if kind == ProfileKind.AGENT:
        return f.profile(ProfileKind.AGENT, agent())
    return f.profile(ProfileKind.MEMBER, person())


def _colleague(profile):
    """Someone else sending requests next to an author: for a company or an agent, another login of the same
    firm (its requests stay with the login that sent them); for a member, another family."""
    if profile.kind == ProfileKind.COMPANY:
        return f.profile(ProfileKind.COMPANY, profile.company)
    if profile.kind == ProfileKind.AGENT:
        return f.profile(ProfileKind.AGENT, profile.agent)
    return _stranger()


def _reveals(request: Request) -> list[str]:
    return [request.reference, request.payload["topic"]]


def _request_target(request: Request) -> Target:
    return Target({"public_id": request.public_id}, reveals=_reveals(request))


def _attachment_target(request: Request) -> Target:
    attachment = request.attachments.get()
    return Target(
        {"public_id": request.public_id, "attachment_id": attachment.public_id},
        reveals=[*_reveals(request), attachment.original_name],
    )


def _own_request(profile, **kwargs) -> Request:
    """An author's own request; for anyone else (staff), a member's request to process."""
    return _submit(profile if _is_author(profile) else _stranger(), **kwargs)


def _other_request(profile, **kwargs) -> Request:
    """A request sent by someone else: next to an author (see ``_colleague``), or by a stranger."""
    return _submit(_colleague(profile) if _is_author(profile) else _stranger(), **kwargs)


def request_own(profile) -> Target:
    return _request_target(_own_request(profile))


def request_other(profile) -> Target:
    return _request_target(_other_request(profile))


def attachment_own(profile) -> Target:
    return _attachment_target(_own_request(profile, with_attachment=True))


def attachment_other(profile) -> Target:
    return _attachment_target(_other_request(profile, with_attachment=True))


@populate
def _requests_around_the_actors(profiles) -> None:
    """Every author actor has sent a request: a broken scoping rule would show it to someone else."""
    for profile in profiles.values():
        if _is_author(profile):
            _submit(profile)


# --- The author's pages and API ------------------------------------------------------------------------------

register("demarches:detail", own=request_own, other=request_other, owners=AUTHORS, allowed=AUTHORS)
register(
    "demarches:reply",
    own=request_own,
    other=request_other,
    owners=AUTHORS,
    allowed=AUTHORS,
    methods=("POST",),
    data={"body": "A reply from the access matrix."},
)
register("demarches:attachment", own=attachment_own, other=attachment_other, owners=AUTHORS, allowed=AUTHORS)

register("/api/requests/{public_id}", own=request_own, other=request_other, owners=AUTHORS, allowed=AUTHORS)
register(
    "/api/requests/{public_id}/messages",
    own=request_own,
    other=request_other,
    owners=AUTHORS,
    allowed=AUTHORS,
    data={"body": "A reply from the access matrix."},
)
register(
    "/api/requests/{public_id}/attachments/{attachment_id}",
    own=attachment_own,
    other=attachment_other,
    owners=AUTHORS,
    allowed=AUTHORS,
)


# --- The back office (B2) ------------------------------------------------------------------------------------

BACKOFFICE = {"owners": AUTHORS | PROCESSORS, "allowed": PROCESSORS, "sees_all": PROCESSORS}

register("demarches_backoffice:detail", own=request_own, other=request_other, **BACKOFFICE)
register("demarches_backoffice:attachment", own=attachment_own, other=attachment_other, **BACKOFFICE)
for name, data in (
    ("assign", {"to": "me"}),
    ("ask_return", {"comment": "Please send the certificate."}),
    ("resume", {}),
    ("validate", {"comment": "Answered by the access matrix."}),
    ("reject", {"reason": "Refused by the access matrix."}),
    ("message", {"body": "A note from the access matrix.", "internal": "on"}),
):
    register(
        f"demarches_backoffice:{name}",
        own=request_own,
        other=request_other,
        methods=("POST",),
        data=data,
        **BACKOFFICE,
    )
