"""Fixtures of the claims tests: a guarantee table, two families, rates, logged-in clients and sample files."""

from __future__ import annotations

import io
import itertools
import json
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from claims.eligibility import ItemInput
from claims.models import ExchangeRate
from claims.services import NewDocument
from claims.uploads import check_upload
from contracts.choices import GuaranteeBasis
from contracts.models import CareCategory, GuaranteeLine
from contracts.tests import factories as cf
from people.tests.factories import dependant, person
from registration.tests.helpers import logged_in_staff

_seq = itertools.count(1)


def today() -> date:
    return timezone.localdate()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


# --- The guarantee table -----------------------------------------------------------------------


def category(code: str, *, online: bool = True, **fields) -> CareCategory:
    defaults = {
        "name_fr": fields.pop("name_fr", code),
        "name_en": fields.pop("name_en", code),
        "claimable_online": online,
        "required_documents_fr": "Facture acquittée.",
        "required_documents_en": "Receipted invoice.",
    }
    return CareCategory.objects.update_or_create(code=code, defaults={**defaults, **fields})[0]


@pytest.fixture
def categories():
    return {
        "gp": category("T_GP", name_en="GP consultation", position=1),
        "optics": category("T_OPTICS", name_en="Glasses", position=2),
        "osteo": category("T_OSTEO", name_en="Osteopathy", position=3),
        "hospital": category("T_HOSP", online=False, name_en="Hospital stay", position=4),
        "dental": category("T_DENTAL", name_en="Dental care", position=5),  # not in the guarantee table
    }


@pytest.fixture
def product(categories):
    product = cf.product()
    lines = [
        (categories["gp"], {"basis": GuaranteeBasis.PERCENT_OF_BASE, "rate": Decimal(200)}),
        (
            categories["optics"],
            {
                "basis": GuaranteeBasis.FLAT_AMOUNT,
                "flat_amount": Decimal(150),
                "annual_ceiling": Decimal(150),
                "ceiling_period_years": 2,
            },
        ),
        (
            categories["osteo"],
            {"basis": GuaranteeBasis.FLAT_AMOUNT, "flat_amount": Decimal(35), "annual_ceiling": Decimal(140)},
        ),
        (categories["hospital"], {"basis": GuaranteeBasis.ACTUAL_COST}),
    ]
    for cat, fields in lines:
        GuaranteeLine.objects.create(product=product, category=cat, **fields)
    return product


def make_family(product, *, child_end: date | None = None):
    holder = person()
    contract = cf.individual_contract(holder, product=product)
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(first_name="Léa", birth_date=date(2015, 3, 2)), end_date=child_end)
    profile = f.profile(ProfileKind.MEMBER, holder)
    profile.user.language = "en"
    profile.user.save(update_fields=["language"])
    return {
        "profile": profile,
        "user": profile.user,
        "holder": holder,
        "contract": contract,
        "principal": principal,
        "child": child,
    }


@pytest.fixture
def family(product):
    return make_family(product)


@pytest.fixture
def other_family(product):
    return make_family(product)


@pytest.fixture
def rates():
    """USD and GBP rates on every business day of the last 60 days (weekends have none)."""
    rows = []
    for n in range(60):
        day = days_ago(n)
        if day.weekday() < 5:
            rows.append(ExchangeRate(currency="USD", date=day, rate=Decimal("1.1600")))
            rows.append(ExchangeRate(currency="GBP", date=day, rate=Decimal("0.8700")))
    ExchangeRate.objects.bulk_create(rows)


def log_in(client: Client, user) -> Client:
    client.cookies["om_language"] = "en"
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture
def member_client(family):
    return log_in(Client(), family["user"])


@pytest.fixture
def claims_staff():
    client, staff = logged_in_staff(StaffRole.CLAIMS)
    return {"client": client, "profile": staff, "user": staff.user}


# --- Sample files ------------------------------------------------------------------------------


def document_image(width: int = 1600, height: int = 2200, seed: int = 1) -> Image.Image:
    """A page of dense text, like a photographed bill."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(12, width // 57))
    step = max(16, width // 33)
    for y in range(step * 2, height - step * 2, step):
        line = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,€") for _ in range(60))
        draw.text((width // 16, y), line, fill=(20, 20, 20), font=font)
    return image


def encoded(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def sharp_jpeg(**params) -> bytes:
    return encoded(document_image(), "JPEG", quality=90, **params)


def blurred_jpeg() -> bytes:
    return encoded(document_image().filter(ImageFilter.GaussianBlur(5)), "JPEG", quality=90)


def pdf_bytes(pages: int = 1, *, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "bill.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name: str | None = None, pages: int = 1) -> SimpleUploadedFile:
    """A distinct PDF each call (a different title), so two uploads are not the same document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"bill {next(_seq)}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return upload(buffer.getvalue(), name or f"bill{next(_seq)}.pdf")


def item(**fields) -> ItemInput:
    defaults = {
        "care_date": days_ago(10),
        "category": "T_GP",
        "practitioner": "Dr House",
        "country": "FR",
        "amount": Decimal("60.00"),
        "currency": "EUR",
    }
    return ItemInput(**{**defaults, **fields})


def documents(*uploads_per_item) -> list[list[NewDocument]]:
    return [[NewDocument(checked=check_upload(u)) for u in files] for files in uploads_per_item]


def items_json(*entries) -> str:
    return json.dumps(
        [
            {
                "care_date": str(e.care_date),
                "category": e.category,
                "practitioner": e.practitioner,
                "country": e.country,
                "amount": str(e.amount),
                "currency": e.currency,
            }
            for e in entries
        ]
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def make_claim(fam, items=None, *, key=None, beneficiary=None, files=None):
    """A submitted claim of ``fam`` (one PDF per item unless ``files`` says otherwise)."""
    from claims import services

    items = items or [item()]
    files = files or [[pdf_upload()] for _ in items]
    return services.claim_submit(
        actor=fam["user"],
        profile=fam["profile"],
        beneficiary_id=(beneficiary or fam["principal"]).public_id,
        items=items,
        documents=documents(*files),
        idempotency_key=key or f"k{next(_seq)}",
        accept_terms=True,
    ).claim
