"""Builders shared by the registration and back-office tests."""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from accounts.models import Profile
from accounts.tests import factories as f
from people.models import Agent
from people.tests.factories import company, person
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional, TPAgreement

CHOSEN_PASSWORD = "Lavande-Horloge-Tramway-93"
_seq = itertools.count(1)


def agent(**fields) -> Agent:
    n = next(_seq)
    defaults = {"membership_number": f"MD{n:06d}", "name": f"Cabinet {n}", "email": f"cabinet{n}@example.fr"}
    return Agent.objects.create(**{**defaults, **fields})


def rpps(n: int) -> str:
    base = f"1{n:09d}"
    return base + luhn.calc_check_digit(base)


def professional(**fields) -> HealthProfessional:
    n = next(_seq)
    defaults = {
        "kind": ProfessionalKind.PRACTITIONER,
        "name": f"Dr Durand {n}",
        "specialty": Specialty.GENERAL_PRACTICE,
        "rpps": rpps(n),
        "email": "",
    }
    pro = HealthProfessional.objects.create(**{**defaults, **fields})
    TPAgreement.objects.create(professional=pro, number=f"TP-{n:06d}", start_date=date(2020, 1, 1))
    return pro


ADDRESS = {"address_line1": "12 rue des Lilas", "postal_code": "69003", "city": "Lyon"}


def records():
    """One record of each kind, with an email and a postal address on file, and the form data that matches it
    exactly (the email typed is the one on file)."""
    member = person(
        last_name="Dupré", first_name="Élodie", birth_date=date(1985, 3, 2), email="elodie@example.fr", **ADDRESS
    )
    firm = company(name="Boulangerie Étoile", email="rh@boulangerie-etoile.fr", **ADDRESS)
    broker = agent(**ADDRESS)
    pro = professional(email="cabinet@example.fr", **ADDRESS)
    return {
        "member": (member, member_data(member)),
        "company": (firm, company_data(firm)),
        "agent": (broker, agent_data(broker)),
        "professional": (pro, professional_data(pro)),
    }


def shout(value: str) -> str:
    """The same name without accents and in capitals: it must still match."""
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)).upper()


def member_data(member, **extra) -> dict:
    return {
        "membership_number": member.membership_number,
        "last_name": shout(member.last_name),
        "first_name": member.first_name.lower(),
        "birth_date": member.birth_date.isoformat(),
        "email": member.email or "elodie@example.fr",
        **extra,
    }


def _responsible() -> dict:
    return {
        "responsible_last_name": "Lefèvre",
        "responsible_first_name": "Anne-Marie",
        "responsible_birth_date": "1970-11-30",
        "responsible_phone": "06 12 34 56 78",
    }


def company_data(firm, **extra) -> dict:
    return {
        "membership_number": firm.membership_number,
        "company_name": firm.name.upper(),
        "siret": firm.siret,
        "email": firm.email or "rh@example.fr",
        **_responsible(),
        **extra,
    }


def agent_data(broker, **extra) -> dict:
    return {
        "membership_number": broker.membership_number,
        "email": broker.email,
        **_responsible(),
        "responsible_email": "anne-marie@example.fr",
        **extra,
    }


def professional_data(pro, **extra) -> dict:
    return {
        "identifier_type": "rpps",
        "identifier": pro.rpps,
        "agreement_number": pro.agreements.first().number,
        "email": pro.email or "cabinet@example.fr",
        **extra,
    }


def page_text(response) -> str:
    """The page without its per-response tokens, to compare two answers."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def logged_in_staff(*roles, client: Client | None = None) -> tuple[Client, Profile]:
    """A staff session past its second factor (SPEC A13), as after login and a code from the app."""
    staff = f.staff(*roles)
    device = TOTPDevice.objects.create(user=staff.user, name="app", confirmed=True)
    client = client or Client()
    client.cookies["om_language"] = "en"
    client.force_login(staff.user, backend="accounts.backends.IdentifierBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, staff
