"""Fixtures of the request engine's tests: authors in each profile, staff, documents good and bad."""

from __future__ import annotations

import io
import itertools
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.translation import trans_real
from PIL import Image

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from contracts.models import Mandate
from contracts.tests import factories as cf
from core.testing.documents import pdf_bytes
from demarches import kinds
from demarches.kinds import RequestKind
from people.models import Agent
from people.tests.factories import company, dependant, person
from twofactor.tests.helpers import login_verified

_seq = itertools.count(1)


# --- Documents ------------------------------------------------------------------------------------------

PDF_BYTES = pdf_bytes()
HEIC_BYTES = b""  # set below: a real HEIC photo (pillow-heif), since pictures are decoded and re-encoded
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def image_bytes(fmt: str = "PNG") -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


HEIC_BYTES = image_bytes("HEIF")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def heic(name: str = "IMG_0001.HEIC") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, HEIC_BYTES, content_type="image/heic")


def exe_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("invoice.pdf", EXE_BYTES, content_type="application/pdf")


def empty_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")


def big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024), content_type="application/pdf")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- People and logins ------------------------------------------------------------------------------------


@pytest.fixture
def family():
    """A member holding an individual contract that also covers a child."""
    holder = person(first_name="Claire")
    contract = cf.individual_contract(holder)
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(first_name="Léa", birth_date=date(2015, 3, 2)))
    return {"profile": f.profile(ProfileKind.MEMBER, holder), "contract": contract, "child": child.person}


@pytest.fixture
def other_family():
    holder = person(first_name="Paul")
    contract = cf.individual_contract(holder)
    return {"profile": f.profile(ProfileKind.MEMBER, holder), "contract": contract}


@pytest.fixture
def employer():
    firm = company()
    contract = cf.collective_contract(firm)
    employee = cf.subscriber(contract, person(first_name="Inès")).person
    return {"profile": f.profile(ProfileKind.COMPANY, firm), "contract": contract, "employee": employee}


@pytest.fixture
def broker(employer):
    n = next(_seq)
    agent = Agent.objects.create(membership_number=f"AG{n:07d}", name=f"Cabinet {n}")
    Mandate.objects.create(agent=agent, contract=employer["contract"], start_date=date(2022, 1, 1))
    return {"profile": f.profile(ProfileKind.AGENT, agent), "contract": employer["contract"]}


def member_client(profile) -> Client:
    client = Client()
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture
def processor():
    return f.staff(StaffRole.REQUESTS)


@pytest.fixture
def staff_client(processor):
    client = Client()
    login_verified(client, processor.user)
    return client


@pytest.fixture
def other_staff_client():
    """Staff who do not process requests (claims role): the request pages do not exist for them."""
    client = Client()
    login_verified(client, f.staff(StaffRole.CLAIMS).user)
    return client


# --- A typed kind with an applier, registered for one test ---------------------------------------------------


@pytest.fixture
def typed_kind(monkeypatch):
    """A kind whose applier records its calls; ``refuse`` makes it raise a ValidationError."""
    from django import forms
    from django.core.exceptions import ValidationError

    calls = []
    state = {"refuse": False}

    class AddressForm(forms.Form):
        city = forms.CharField(max_length=80)

    def apply(*, request, actor):
        calls.append((request.reference, actor.pk, request.status))
        if state["refuse"]:
            raise ValidationError({"city": "This city is unknown to the register."})

    kind = RequestKind(
        code="test_address", label="Address change (test)", form=AddressForm, profiles=("member",), apply=apply
    )
    monkeypatch.setitem(kinds._REGISTRY, kind.code, kind)
    return {"kind": kind, "calls": calls, "state": state}


# --- French texts of the email subjects, while the French catalogue is being completed -----------------------

FRENCH = {
    "Your request %(reference)s is received": "Votre demande %(reference)s est bien reçue",
    "Your request %(reference)s: %(status_label)s": "Votre demande %(reference)s : %(status_label)s",
    "New message about your request %(reference)s": "Nouveau message sur votre demande %(reference)s",
    "In progress": "En cours",
    "Awaiting your return": "En attente de votre retour",
    "Validated": "Validée",
    "Rejected": "Rejetée",
}


@pytest.fixture
def french(monkeypatch):
    """French texts for the messages the tests read, where the shipped catalogue has none yet."""
    catalog = trans_real.translation("fr")._catalog
    for msgid, text in FRENCH.items():
        if msgid not in catalog:
            monkeypatch.setitem(catalog._catalogs[0], msgid, text)
