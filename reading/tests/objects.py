"""Bills read to pre-fill a claim in the access matrix (SECURITY.md, object-level access): a reading belongs to the
member profile that uploaded the bill; every other profile, staff included, gets 404 as for one that does not exist."""

from __future__ import annotations

import uuid

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from core.testing.objects import Target, kinds, register
from people.tests.factories import person
from reading.models import Reading, ReadingStatus

MEMBERS = kinds(ProfileKind.MEMBER)


def _reading(profile) -> Reading:
    return Reading.objects.create(
        profile=profile,
        stored_name=f"reading/{uuid.uuid4().hex}.pdf",
        original_name="facture-matrice.pdf",
        kind="pdf",
        status=ReadingStatus.DONE,
        method="pdf_text",
    )


def reading_own(profile) -> Target:
    return Target({"public_id": _reading(profile).public_id})


def reading_other(profile) -> Target:
    someone = f.profile(ProfileKind.MEMBER, person())
    return Target({"public_id": _reading(someone).public_id})


register("reading:detail", own=reading_own, other=reading_other, owners=MEMBERS, allowed=MEMBERS)
register("/api/bills/{public_id}", own=reading_own, other=reading_other, owners=MEMBERS, allowed=MEMBERS)
