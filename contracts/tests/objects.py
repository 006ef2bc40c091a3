"""The member's contract pages and contract PDFs in the access matrix (SECURITY.md, object-level access).

Web pages serve members (the holder, a dependant with a login of their own); the API serves what the
contracts API serves: members, companies for their collective contracts, agents under a mandate in force.
"""

from __future__ import annotations

from accounts.choices import ProfileKind
from contracts.models import Affiliation, Contract
from core.testing.objects import Target, kinds, register
from tests.security.objects_existing import CONTRACT_OWNERS, CONTRACT_READERS, contract_other, contract_own

MEMBERS = kinds(ProfileKind.MEMBER)


def _with_cover(target: Target, profile, *, own: bool) -> Target:
    """The contract's page kwargs plus the affiliation whose certificate is asked for: the actor's own cover
    (a member) or the contract's first one (anyone else, or someone else's contract)."""
    contract = Contract.objects.get(public_id=target.kwargs["public_id"])
    covers = Affiliation.objects.filter(contract=contract).order_by("pk")
    mine = covers.filter(person_id=profile.person_id).first() if own and profile and profile.person_id else None
    cover = mine or covers.first()
    return Target({**target.kwargs, "affiliation_id": cover.public_id}, reveals=target.reveals)


for name in ("contracts:detail", "contracts:guarantee_description", "contracts:general_conditions"):
    register(name, own=contract_own, other=contract_other, owners=CONTRACT_OWNERS, allowed=MEMBERS)

register(
    "contracts:certificate",
    own=lambda profile: _with_cover(contract_own(profile), profile, own=True),
    other=lambda profile: _with_cover(contract_other(profile), profile, own=False),
    owners=CONTRACT_OWNERS,
    allowed=MEMBERS,
)

for path in (
    "/api/contracts/{public_id}/guarantees",
    "/api/contracts/{public_id}/guarantee-description.pdf",
    "/api/contracts/{public_id}/general-conditions.pdf",
):
    register(path, own=contract_own, other=contract_other, owners=CONTRACT_OWNERS, allowed=CONTRACT_READERS)

# Without ``person`` the certificate is the caller's own cover, which only members have; companies and agents
# name an employee or insured (tested in content/tests/test_api.py).
register(
    "/api/contracts/{public_id}/certificate.pdf",
    own=contract_own,
    other=contract_other,
    owners=MEMBERS,
    allowed=MEMBERS,
)
