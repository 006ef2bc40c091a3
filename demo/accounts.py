"""The demo's ready logins, the records left without one (to try registration), and the file listing both.

Every record a login or a registration needs is named by a fixed identifier (membership,
RPPS or FINESS number), so a later run finds the same people again without rebuilding
anything: the file is rewritten from the database, not from memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from django.db.models import Model
from django.utils import timezone
from faker import Faker

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile, User
from accounts.services import ProfileSpec, account_create, profile_add
from demo import identifiers
from demo.companies import company_number, employee_number
from demo.context import ascii_slug
from demo.members import holder_number
from demo.network import agent_number, agreement_number, professional_identifier
from people.models import Agent, Company, Person
from providers.models import HealthProfessional

ACCOUNTS_FILE_NAME = "demo-accounts.json"
STAFF_PASSWORD = "Gestionnaire-Demo-2026!"
STAFF_USERNAMES = {
    StaffRole.ACCOUNT_VALIDATION: "staff.accounts",
    StaffRole.REQUESTS: "staff.requests",
    StaffRole.CLAIMS: "staff.claims",
    StaffRole.CONTRIBUTIONS: "staff.contributions",
    StaffRole.CONTENT: "staff.content",
    StaffRole.DPO: "staff.dpo",
    StaffRole.ADMINISTRATOR: "staff.admin",
}
# Records without a login: holders 10–14, companies 7–9, agents 1–2, professionals 1, 15 and 17.
UNREGISTERED_HOLDERS = range(10, 15)
UNREGISTERED_COMPANIES = (7, 8, 9)
UNREGISTERED_AGENTS = (1, 2)
UNREGISTERED_PROFESSIONALS = (1, 15, 17)

_RECORDS: dict[str, tuple[type[Model], str, str]] = {
    ProfileKind.MEMBER: (Person, "membership_number", "person"),
    ProfileKind.COMPANY: (Company, "membership_number", "company"),
    ProfileKind.AGENT: (Agent, "membership_number", "agent"),
    ProfileKind.PROFESSIONAL: (HealthProfessional, "rpps", "professional"),
}


@dataclass(frozen=True)
class DemoLogin:
    """A ready login: its profiles name their records by identifier; staff logins have a fixed username."""

    label: str
    password: str
    profiles: tuple[tuple[ProfileKind, str], ...] = ()
    username: str = ""
    roles: tuple[StaffRole, ...] = ()

    @property
    def kind(self) -> str:
        return "+".join(kind for kind, _ in self.profiles) or ProfileKind.STAFF


def demo_logins() -> tuple[DemoLogin, ...]:
    member, company, agent = ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT
    return (
        DemoLogin(
            "Member – individual domestic contract with family", "Adherent-Demo-2026!", ((member, holder_number(0)),)
        ),
        DemoLogin("Member – expatriate holder", "Expatrie-Demo-2026!", ((member, holder_number(1)),)),
        DemoLogin(
            "Member – employee under a collective contract", "Salarie-Demo-2026!", ((member, employee_number(0, 0)),)
        ),
        DemoLogin("Company correspondent", "Entreprise-Demo-2026!", ((company, company_number(0)),)),
        DemoLogin(
            "Member and company correspondent (two profiles)",
            "Double-Profil-Demo-2026!",
            ((member, employee_number(1, 0)), (company, company_number(1))),
        ),
        DemoLogin("Agent (broker)", "Courtier-Demo-2026!", ((agent, agent_number(0)),)),
        DemoLogin(
            "Health professional",
            "Praticien-Demo-2026!",
            ((ProfileKind.PROFESSIONAL, professional_identifier(0)["rpps"]),),
        ),
        *(
            DemoLogin(f"Staff – {role.value.replace('_', ' ')}", STAFF_PASSWORD, username=username, roles=(role,))
            for role, username in STAFF_USERNAMES.items()
        ),
    )


def responsible_person(identifier: str) -> dict[str, str]:
    """The person who registers a company or an agent: not in the records, so derived from the identifier alone."""
    seed = f"responsible:{identifier}"
    fake, rng = Faker("fr_FR"), Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    fake.seed_instance(seed)
    female = rng.random() < 0.5
    first_name = fake.first_name_female() if female else fake.first_name_male()
    last_name = fake.last_name()
    birth_date = f"{rng.randint(1962, 1994)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    email = f"{ascii_slug(first_name)}.{ascii_slug(last_name)}@example.com"
    return {
        "last_name": last_name,
        "first_name": first_name,
        "birth_date": birth_date,
        "phone": identifiers.mobile_phone(rng),
        "email": email,
    }


def _record(kind: str, identifier: str) -> Model:
    model, field, _ = _RECORDS[kind]
    return model.objects.get(**{field: identifier})


def _username(login: DemoLogin) -> str | None:
    """The login's username if it exists already (staff by name, the others through their first profile)."""
    if login.username:
        return User.objects.filter(username=login.username).values_list("username", flat=True).first()
    kind, identifier = login.profiles[0]
    _, field, profile_field = _RECORDS[kind]
    profiles = Profile.objects.filter(kind=kind, **{f"{profile_field}__{field}": identifier})
    return profiles.values_list("user__username", flat=True).first()


def _identity(login: DemoLogin) -> dict[str, str]:
    if not login.profiles:
        role = login.roles[0].value.replace("_", " ").capitalize()
        return {"first_name": role, "last_name": "OpenMutuelle", "email": f"{login.username}@example.org"}
    kind, identifier = login.profiles[0]
    if kind == ProfileKind.MEMBER:
        person = _record(kind, identifier)
        return {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
    person = responsible_person(identifier)
    return {"first_name": person["first_name"], "last_name": person["last_name"], "email": person["email"]}


def _profile_specs(login: DemoLogin) -> list[ProfileSpec]:
    """The profiles the login acts in: one per record it names, and the staff profile its roles act with."""
    specs = [ProfileSpec(kind=kind, target=_record(kind, identifier)) for kind, identifier in login.profiles]
    return specs + [ProfileSpec(kind=ProfileKind.STAFF)] if login.roles else specs


def _login_create(login: DemoLogin) -> User:
    return account_create(
        actor=None,
        username=login.username or None,
        password=login.password,
        profiles=_profile_specs(login),
        staff_roles=login.roles,
        must_change_password=False,
        **_identity(login),
    )


def _profiles_complete(login: DemoLogin, username: str) -> int:
    """Add the profiles an existing login lacks (staff logins of demos built before they had one); return how
    many."""
    user = User.objects.get(username=username)
    held = set(user.profiles.values_list("kind", flat=True))
    missing = [spec for spec in _profile_specs(login) if spec.kind not in held]
    for spec in missing:
        profile_add(actor=None, user=user, spec=spec)
    return len(missing)


def logins_ensure() -> int:
    """Create the demo logins that do not exist yet, ready to use (e-mail confirmed), and complete the profiles of
    those that do; return how many logins were created."""
    created = []
    for login in demo_logins():
        username = _username(login)
        if username is None:
            created.append(_login_create(login))
        else:
            _profiles_complete(login, username)
    User.objects.filter(pk__in=[user.pk for user in created]).update(email_confirmed_at=timezone.now())
    return len(created)


def staff_invitations_send(previous: dict[str, str] | None = None) -> dict[str, str]:
    """The invitation link of each demo staff login whose authenticator app is not set up yet (issue 16: staff
    set up their second factor from that link only), by username, for the demo's tester: the link of the
    previous run while it still works (``previous``, read back from the accounts file), else a new one, mailed."""
    from twofactor.services import invitation_send, invitation_user

    previous = previous or {}
    usernames = list(STAFF_USERNAMES.values())
    waiting = User.objects.filter(username__in=usernames, is_active=True).exclude(totpdevice__confirmed=True)
    links = {}
    for user in waiting.order_by("username"):
        link = previous.get(user.username, "")
        still = invitation_user(secret=link.rstrip("/").rsplit("/", 1)[-1]) if link else None
        links[user.username] = link if still == user else invitation_send(actor=None, user=user)
    return links


def invitation_links_read(path: Path) -> dict[str, str]:
    """The staff invitation links an earlier run wrote to the accounts file, if it is there."""
    try:
        accounts = json.loads(path.read_text(encoding="utf-8"))["accounts"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {a["username"]: a["invitation_link"] for a in accounts if isinstance(a, dict) and a.get("invitation_link")}


def _account_entry(login: DemoLogin, invitations: dict[str, str]) -> dict[str, Any]:
    membership = next((identifier for kind, identifier in login.profiles if kind != ProfileKind.PROFESSIONAL), None)
    entry = {"profile": login.kind, "label": login.label, "username": _username(login), "membership_number": membership}
    entry["password"] = login.password
    if login.roles:
        entry["roles"] = [role.value for role in login.roles]
        if entry["username"] in invitations:
            entry["invitation_link"] = invitations[entry["username"]]
    if login.kind == ProfileKind.PROFESSIONAL:
        entry["rpps"] = login.profiles[0][1]
    return entry


def _unregistered_members() -> list[dict[str, str]]:
    numbers = [holder_number(index) for index in UNREGISTERED_HOLDERS]
    people = Person.objects.filter(membership_number__in=numbers).order_by("membership_number")
    return [
        {
            "membership_number": person.membership_number,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "birth_date": person.birth_date.isoformat(),
            "email": person.email,
        }
        for person in people
    ]


def _unregistered_companies() -> list[dict[str, Any]]:
    numbers = [company_number(index) for index in UNREGISTERED_COMPANIES]
    companies = Company.objects.filter(membership_number__in=numbers).order_by("membership_number")
    return [
        {
            "membership_number": company.membership_number,
            "name": company.name,
            "siret": company.siret,
            "email": company.email,
            "responsible": {k: v for k, v in responsible_person(company.membership_number).items() if k != "email"},
        }
        for company in companies
    ]


def _unregistered_agents() -> list[dict[str, Any]]:
    numbers = [agent_number(index) for index in UNREGISTERED_AGENTS]
    agents = Agent.objects.filter(membership_number__in=numbers).order_by("membership_number")
    return [
        {
            "membership_number": agent.membership_number,
            "name": agent.name,
            "email": agent.email,
            "responsible": responsible_person(agent.membership_number),
        }
        for agent in agents
    ]


def _unregistered_professionals() -> list[dict[str, str]]:
    entries = []
    for index in UNREGISTERED_PROFESSIONALS:
        ((field, identifier),) = professional_identifier(index).items()
        professional = HealthProfessional.objects.get(**{field: identifier})
        entries.append(
            {
                "rpps_or_finess": identifier,
                "agreement_number": agreement_number(index),
                "name": professional.name,
                "email": professional.email,
            }
        )
    return entries


def accounts_document(invitations: dict[str, str] | None = None) -> dict[str, Any]:
    """The content of ``demo-accounts.json``: ready logins (staff with the invitation link that sets up their
    second factor, while it is not), and records to register with (SPEC A1 fields)."""
    return {
        "accounts": [_account_entry(login, invitations or {}) for login in demo_logins()],
        "unregistered": {
            "members": _unregistered_members(),
            "companies": _unregistered_companies(),
            "agents": _unregistered_agents(),
            "professionals": _unregistered_professionals(),
        },
    }


def accounts_file_write(path: Path, invitations: dict[str, str] | None = None) -> dict[str, Any]:
    """Write the file readable by its owner only: it holds passwords, demo ones but passwords."""
    document = accounts_document(invitations)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document


def accounts_table(document: dict[str, Any]) -> str:
    """A plain-text table of the ready logins, for the terminal."""
    rows = [("Profile", "Username", "Membership no.", "Password", "Who")]
    rows += [
        (a["profile"], a["username"] or "-", a["membership_number"] or "-", a["password"], a["label"])
        for a in document["accounts"]
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    links = [(a["username"], a["invitation_link"]) for a in document["accounts"] if a.get("invitation_link")]
    if links:
        lines += ["", "Staff: set up two-factor authentication from the invitation link (also in var/mail/):"]
        lines += [f"  {username}  {link}" for username, link in links]
    return "\n".join(lines)
