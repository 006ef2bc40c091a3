"""Object declarations of the apps that were there before the registry (accounts, registration,
back office, two-factor, API tokens and contracts, content), kept here since their folders
belong to other engineers. New apps declare theirs in ``<app>/tests/objects.py``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from api import services as api_services
from contracts.models import Contract, Mandate
from core.testing.objects import Target, actors, exempt, kinds, register, roles
from people.tests.factories import company, person
from registration.choices import ClosureKind, MatchState
from registration.models import AccountClosureRequest, ActivationLetter, RegistrationRequest
from tests.security.world import company_contract, family_contract

ACCOUNT_STAFF = roles(StaffRole.ACCOUNT_VALIDATION, StaffRole.ADMINISTRATOR)
ADMINISTRATOR = roles(StaffRole.ADMINISTRATOR)
API_KINDS = kinds(ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT, ProfileKind.PROFESSIONAL)


def _is_staff(profile) -> bool:
    return profile is not None and profile.kind == ProfileKind.STAFF


def _stranger():
    """A member login that has nothing to do with any actor."""
    return f.profile(ProfileKind.MEMBER, person()).user


def _reveals_user(user) -> list[str]:
    return [user.username, user.email]


# --- Parameters that name no object --------------------------------------------------------------

exempt(
    "accounts:email_confirm",
    reason="a signed, expiring email-confirmation token (salted signing.dumps of the login and its address), "
    "not an object id: a forged or foreign token is refused by its signature",
)
exempt(
    "registration:form",
    reason="the profile kind of a public registration form (member, company, agent, professional): "
    "the same public page for everyone, unknown kinds answer 404",
)
exempt(
    "accounts:password_reset",
    reason="the random secret of a single-use 'password forgotten' link (only its SHA-256 is stored), "
    "not an object id: an unknown, used or expired secret answers the same 404",
)
exempt(
    "twofactor:invitation",
    reason="the random secret of a single-use staff invitation link (only its SHA-256 is stored), "
    "not an object id: an unknown, used or expired secret answers the same 404",
)
exempt("api:docs-asset", reason="the file name of a static asset of the API documentation page")


# --- Back office: registrations (B1) ---------------------------------------------------------------


def _registration(record, email: str) -> RegistrationRequest:
    return RegistrationRequest.objects.create(
        kind=ProfileKind.MEMBER,
        match=MatchState.HAS_ACCOUNT if record.profiles.exists() else MatchState.UNKNOWN,
        number=record.membership_number,
        email=email,
        person=record,
        submitted={"last_name": record.last_name, "first_name": record.first_name},
        commercial_choice_at=timezone.now(),
    )


def _registration_target(record, email: str) -> Target:
    registration = _registration(record, email)
    return Target(
        {"public_id": registration.public_id},
        reveals=[registration.email, record.last_name],
        data={"record": str(record.public_id), "reason": "Checked by the access matrix."},
    )


def registration_own(profile) -> Target:
    """Staff: a pending registration to decide. Anyone else: a registration with their own details."""
    if _is_staff(profile):
        return _registration_target(person(), f"applicant-{uuid.uuid4().hex[:8]}@example.fr")
    return _registration_target(profile.person or person(), profile.user.email)


def registration_other(profile) -> Target:
    return _registration_target(person(), f"stranger-{uuid.uuid4().hex[:8]}@example.fr")


for name, methods in (
    ("registration_detail", ("GET",)),
    ("registration_validate", ("POST",)),
    ("registration_refuse", ("POST",)),
):
    register(
        f"backoffice:{name}",
        own=registration_own,
        other=registration_other,
        allowed=ACCOUNT_STAFF,
        sees_all=ACCOUNT_STAFF,  # every registration is the account staff's to decide
        methods=methods,
    )


# --- Back office: activation letters (identity proofs) ---------------------------------------------


def _letter_target(profile) -> Target:
    registration = _registration(person(), f"applicant-{uuid.uuid4().hex[:8]}@example.fr")
    letter = ActivationLetter.objects.create(
        registration=registration,
        code="ABCD-EFGH-JKLM",
        addressee=f"Addressee {uuid.uuid4().hex[:8]}",
        address_lines=["1 rue Haute", "75001 Paris"],
        expires_at=timezone.now() + timedelta(days=30),
    )
    return Target({"public_id": letter.public_id})


for name, methods in (("letter_pdf", ("GET",)), ("letter_posted", ("POST",))):
    register(
        f"backoffice:{name}",
        own=_letter_target,
        other=_letter_target,
        allowed=ACCOUNT_STAFF,
        sees_all=ACCOUNT_STAFF,  # every letter is the account staff's to print and post
        methods=methods,
    )


# --- Back office: logins (A8, A10) -----------------------------------------------------------------


def user_own(profile) -> Target:
    """Staff: a member's login, the kind of login account staff manage. Anyone else: their own login."""
    user = _stranger() if _is_staff(profile) else profile.user
    return Target({"public_id": user.public_id}, reveals=_reveals_user(user))


def user_other(profile) -> Target:
    """Staff: another staff login, which only administrators may see. Anyone else: a stranger's login."""
    user = f.staff(StaffRole.CLAIMS).user if _is_staff(profile) else _stranger()
    return Target({"public_id": user.public_id}, reveals=_reveals_user(user))


for name, data in (
    ("user_detail", None),
    ("user_unlock", {}),
    ("user_deactivate", {"reason": "fraud", "note": "access matrix"}),
    ("user_reactivate", {}),
    ("user_delete", {"reason": "fraud", "confirm": "on"}),
    ("user_staff_invite", {}),
):
    register(
        f"backoffice:{name}",
        own=user_own,
        other=user_other,
        allowed=ACCOUNT_STAFF,
        sees_all=ADMINISTRATOR,  # administrators manage staff logins too
        methods=("GET",) if data is None else ("POST",),
        data=data,
    )


# --- Back office: closure requests (A9) ------------------------------------------------------------


def _closure(user) -> Target:
    closure = AccountClosureRequest.objects.create(user=user, kind=ClosureKind.SUSPEND, reason="access matrix")
    return Target({"public_id": closure.public_id}, reveals=[user.username, user.email])


def closure_own(profile) -> Target:
    """Staff: a member's request to process. Anyone else: their own request."""
    return _closure(_stranger() if _is_staff(profile) else profile.user)


def closure_other(profile) -> Target:
    """Staff: a staff login's request, for administrators only. Anyone else: a stranger's request."""
    return _closure(f.staff(StaffRole.CLAIMS).user if _is_staff(profile) else _stranger())


for name, data in (("closure_approve", {}), ("closure_refuse", {"note": "Refused by the access matrix."})):
    register(
        f"backoffice:{name}",
        own=closure_own,
        other=closure_other,
        allowed=ACCOUNT_STAFF,
        sees_all=ADMINISTRATOR,
        methods=("POST",),
        data=data,
    )


# --- API tokens: the page and the API (X5) ---------------------------------------------------------


def _token(profile) -> Target:
    name = f"matrix-{uuid.uuid4().hex[:10]}"
    token, _secret = api_services.token_create(actor=profile.user, profile=profile, name=name, via="test")
    return Target({"public_id": token.public_id}, reveals=[name])


def token_own(profile) -> Target:
    return _token(profile)


def token_other(profile) -> Target:
    return _token(f.profile(ProfileKind.MEMBER, person()))


register("api_tokens:revoke", own=token_own, other=token_other, owners=API_KINDS, allowed=API_KINDS, methods=("POST",))
register("/api/tokens/{public_id}", own=token_own, other=token_other, owners=API_KINDS, allowed=API_KINDS)


# --- API contracts (X5) ---------------------------------------------------------------------------


def _contract_target(contract: Contract) -> Target:
    people = [affiliation.person for affiliation in contract.affiliations.select_related("person")]
    holder = contract.holder_company or contract.holder_person
    return Target(
        {"public_id": contract.public_id},
        reveals=[contract.number, str(holder), *(p.last_name for p in people)],
    )


def contract_own(profile) -> Target:
    """The contract the profile is covered by, holds, or (had) a mandate on; see the world in core.testing."""
    if profile.kind == ProfileKind.MEMBER:
        contract = Contract.objects.filter(affiliations__person=profile.person).order_by("pk").first()
    elif profile.kind == ProfileKind.COMPANY:
        contract = Contract.objects.filter(holder_company=profile.company).order_by("pk").first()
    else:
        contract = Contract.objects.filter(mandates__agent=profile.agent).order_by("pk").first()
    assert contract is not None, f"the world gives {profile} no contract"
    return _contract_target(contract)


def contract_other(profile) -> Target:
    """Another family's contract; for a company another company's; for an agent one another agent manages."""
    kind = getattr(profile, "kind", None)
    if kind == ProfileKind.COMPANY:
        return _contract_target(company_contract(company()))
    contract, _principal = family_contract()
    if kind == ProfileKind.AGENT:
        from registration.tests.helpers import agent

        Mandate.objects.create(agent=agent(), contract=contract, start_date=contract.effective_date)
    return _contract_target(contract)


CONTRACT_OWNERS = kinds(ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)
CONTRACT_READERS = kinds(ProfileKind.MEMBER, ProfileKind.COMPANY) | actors("agent")
for path in ("/api/contracts/{public_id}", "/api/contracts/{public_id}/beneficiaries"):
    register(path, own=contract_own, other=contract_other, owners=CONTRACT_OWNERS, allowed=CONTRACT_READERS)
