"""The member space in the access matrix (SECURITY.md, object-level access): who may open which cover."""

from __future__ import annotations

import uuid
from datetime import date

from django.utils import timezone

from contracts.choices import AffiliationRole, CompulsorySchemeMode, ProductLine
from contracts.models import Affiliation
from contracts.tests import factories as cf
from core.testing.objects import Target, actors, exempt, register
from people.tests.factories import dependant, person

# The world's holders of an individual contract: only they have dependants of their own and an insured cover.
HOLDERS = actors("member", "other_member")

exempt(
    "members:email_confirm",
    reason="a signed 24-hour token of a pending email change (salted signing.dumps of the login, the record and "
    "both addresses), not an object id: a forged or foreign token is refused by its signature",
)
exempt(
    "members:unsubscribe",
    reason="a signed one-click unsubscribe token (salted signing.dumps of a login's public id and a preference): "
    "a forged token is refused by its signature and a genuine one only ever turns a mailing off",
)


def _child_of(principal: Affiliation) -> Target:
    name = f"Kid{uuid.uuid4().hex[:8]}"
    child = cf.dependant_of(principal, dependant(first_name=name, birth_date=date(2016, 4, 1)))
    return Target({"public_id": child.public_id}, reveals=[name])


def cover_own(profile) -> Target:
    """A child under the holder's own subscriber cover."""
    principal = Affiliation.objects.filter(person=profile.person, role=AffiliationRole.SUBSCRIBER).order_by("pk")
    return _child_of(principal.first())


def cover_other(profile) -> Target:
    """A child of another family."""
    contract = cf.individual_contract(person())
    return _child_of(contract.affiliations.get())


register(
    "members:beneficiary_remove",
    own=cover_own,
    other=cover_other,
    owners=HOLDERS,
    allowed=HOLDERS,
    methods=("GET", "POST"),
    data={"end_date": timezone.localdate().isoformat(), "reason": "other"},
)


def _welfare_contract(holder) -> Target:
    product = cf.product(line=ProductLine.WELFARE, scheme_mode=CompulsorySchemeMode.NOT_APPLICABLE)
    contract = cf.individual_contract(holder, product=product)
    return Target({"contract_id": contract.public_id}, reveals=[contract.number])


register(
    "members:death_beneficiary",
    own=lambda profile: _welfare_contract(profile.person),
    other=lambda profile: _welfare_contract(person()),
    owners=HOLDERS,
    allowed=HOLDERS,
    methods=("GET", "POST"),
    data={"clause_type": "standard", "named-TOTAL_FORMS": "0", "named-INITIAL_FORMS": "0"},
)
