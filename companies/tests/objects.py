"""The company and agent spaces in the access matrix (SECURITY.md, object-level access).

A company sees its collective contracts and their employees; an agent the contracts under a mandate in force
(or in the grace period) and their insured; the agent whose mandate ended beyond the grace period, and every
other profile, get the 404 of a missing page.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.choices import ProfileKind
from content.tests.objects import library_other, library_own
from contracts.choices import AffiliationRole
from contracts.models import Affiliation, Contract, Mandate
from core.testing.objects import Target, actors, kinds, register
from people.tests.factories import company
from registration.tests.helpers import agent
from tests.security.objects_existing import contract_other, contract_own
from tests.security.world import company_contract, family_contract

SPACE = kinds(ProfileKind.COMPANY, ProfileKind.AGENT)
READERS = kinds(ProfileKind.COMPANY) | actors("agent")


def _employee_target(affiliation: Affiliation) -> Target:
    person_ = affiliation.person
    return Target({"public_id": affiliation.public_id}, reveals=[person_.last_name, person_.membership_number or ""])


def _first_subscriber(contract: Contract) -> Affiliation:
    return contract.affiliations.filter(role=AffiliationRole.SUBSCRIBER).select_related("person").order_by("pk").first()


def employee_own(profile) -> Target:
    """A subscriber of a contract the profile holds or (had) a mandate on; for anyone else, some employee."""
    kind = getattr(profile, "kind", None)
    if kind == ProfileKind.COMPANY:
        contract = Contract.objects.filter(holder_company=profile.company).order_by("pk").first()
    elif kind == ProfileKind.AGENT:
        contract = Contract.objects.filter(mandates__agent=profile.agent).order_by("pk").first()
    else:
        contract = company_contract()
    return _employee_target(_first_subscriber(contract))


def employee_other(profile) -> Target:
    """Another company's employee; for an agent, one of a contract another agent manages."""
    if getattr(profile, "kind", None) == ProfileKind.AGENT:
        contract, _principal = family_contract()
        Mandate.objects.create(agent=agent(), contract=contract, start_date=contract.effective_date)
        return _employee_target(_first_subscriber(contract))
    return _employee_target(_first_subscriber(company_contract(company())))


def _end_data(profile, target: Target) -> dict:
    return {"end_date": timezone.localdate().isoformat(), "reason": "resignation"}


def client_own(profile) -> Target:
    """The company itself; for an agent, a client company whose collective contract it manages."""
    kind = getattr(profile, "kind", None)
    if kind == ProfileKind.COMPANY:
        firm = profile.company
    else:
        firm = company()
        contract = company_contract(firm)
        if kind == ProfileKind.AGENT:
            mandate = Mandate.objects.filter(agent=profile.agent).order_by("pk").first()
            Mandate.objects.create(
                agent=profile.agent, contract=contract, start_date=contract.effective_date, end_date=mandate.end_date
            )
    return Target({"public_id": firm.public_id}, reveals=[firm.name, firm.siret])


def client_other(profile) -> Target:
    firm = company()
    company_contract(firm)
    return Target({"public_id": firm.public_id}, reveals=[firm.name, firm.siret])


register("companies:client_detail", own=client_own, other=client_other, owners=SPACE, allowed=READERS)
register("companies:contract_detail", own=contract_own, other=contract_other, owners=SPACE, allowed=READERS)
for name in ("companies:employee_detail", "companies:employee_certificate"):
    register(name, own=employee_own, other=employee_other, owners=SPACE, allowed=READERS)
register(
    "companies:employee_end",
    own=employee_own,
    other=employee_other,
    owners=SPACE,
    allowed=READERS,
    methods=("GET", "POST"),
    data=_end_data,
)
register("companies:library_file", own=library_own, other=library_other, allowed=SPACE)

for path in ("/api/company/employees/{public_id}", "/api/company/employees/{public_id}/certificate.pdf"):
    register(path, own=employee_own, other=employee_other, owners=SPACE, allowed=READERS)
register(
    "/api/company/employees/{public_id}/end",
    own=employee_own,
    other=employee_other,
    owners=SPACE,
    allowed=READERS,
    data=_end_data,
)


def _with_kind(target: Target) -> Target:
    return Target({**target.kwargs, "kind_code": "employee_information_change"}, reveals=target.reveals)


register(
    "companies:employee_request",
    own=lambda profile: _with_kind(employee_own(profile)),
    other=lambda profile: _with_kind(employee_other(profile)),
    owners=SPACE,
    allowed=READERS,
    missing={"kind_code": "employee_information_change"},
)


def _with_contract_kind(target: Target) -> Target:
    return Target({**target.kwargs, "kind_code": "coverage_change"}, reveals=target.reveals)


register(
    "companies:contract_request",
    own=lambda profile: _with_contract_kind(contract_own(profile)),
    other=lambda profile: _with_contract_kind(contract_other(profile)),
    owners=SPACE,
    allowed=READERS,
    missing={"kind_code": "coverage_change"},
)
