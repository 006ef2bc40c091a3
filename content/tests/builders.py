"""Realistic records for the contracts, documents and help tests: a product with every kind of guarantee,
a household under it, expatriation zones, library PDFs."""

from __future__ import annotations

import io
import itertools
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader, PdfWriter

from accounts.choices import ProfileKind
from accounts.models import Profile
from accounts.tests import factories as f
from contracts.choices import CompulsorySchemeMode, GuaranteeBasis, ProductLine
from contracts.models import (
    Affiliation,
    CareCategory,
    Contract,
    ContractOption,
    ExpatriationZone,
    GuaranteeLine,
    Product,
    ZoneCountry,
)
from contracts.tests import factories as cf
from people.tests.factories import dependant, person

_seq = itertools.count(1)

# (code, French name, English name, basis, figures): one line per way a guarantee is written (DOMAIN.md).
GUARANTEES = [
    ("T_GP", "Consultation de généraliste", "GP consultation", GuaranteeBasis.PERCENT_OF_BASE, {"rate": "200"}),
    (
        "T_DENTAL",
        "Prothèses dentaires",
        "Dental prostheses",
        GuaranteeBasis.PERCENT_OF_BASE,
        {"rate": "300", "per_act_ceiling": "800", "annual_ceiling": "1500"},
    ),
    ("T_HOSP", "Forfait journalier hospitalier", "Daily hospital flat fee", GuaranteeBasis.ACTUAL_COST, {}),
    (
        "T_GLASSES",
        "Lunettes (monture et verres)",
        "Glasses (frames and lenses)",
        GuaranteeBasis.FLAT_AMOUNT,
        {"flat_amount": "150", "annual_ceiling": "150"},
    ),
    (
        "T_OSTEO",
        "Médecines douces",
        "Alternative medicine",
        GuaranteeBasis.FLAT_AMOUNT,
        {"flat_amount": "25", "annual_ceiling": "100"},
    ),
    (
        "T_HEARING",
        "Aides auditives",
        "Hearing aids",
        GuaranteeBasis.FLAT_AMOUNT,
        {"flat_amount": "400", "annual_ceiling": "800", "ceiling_period_years": 4},
    ),
    ("T_PHARMA", "Pharmacie", "Pharmacy", GuaranteeBasis.PERCENT_OF_COST, {"rate": "80"}),
]
# What the English pages and PDFs show for each line, ceilings included.
EXPECTED_EN = {
    "GP consultation": ["200 % BR"],
    "Dental prostheses": ["300 % BR", "up to €800 per act", "up to €1,500 per year and beneficiary"],
    "Daily hospital flat fee": ["Actual cost"],
    "Glasses (frames and lenses)": ["€150 per year"],
    "Alternative medicine": ["€25 per act", "up to €100 per year and beneficiary"],
    "Hearing aids": ["€400 per act", "up to €800 every 4 years and beneficiary"],
    "Pharmacy": ["80 % of the actual cost"],
}


def category(code: str, name_fr: str, name_en: str, position: int) -> CareCategory:
    return CareCategory.objects.get_or_create(
        code=code, defaults={"name_fr": name_fr, "name_en": name_en, "position": position}
    )[0]


def realistic_product(**fields) -> Product:
    """A health product whose table uses every basis: % of the base, actual cost, flat amounts, ceilings."""
    n = next(_seq)
    product = cf.product(
        **{"name_fr": f"Santé Confort {n}", "name_en": f"Health Comfort {n}", "code": f"SC{n}", **fields}
    )
    for position, (code, name_fr, name_en, basis, figures) in enumerate(GUARANTEES):
        amounts = {key: Decimal(value) if isinstance(value, str) else value for key, value in figures.items()}
        GuaranteeLine.objects.create(
            product=product, category=category(code, name_fr, name_en, position), basis=basis, **amounts
        )
    return product


def expat_product(**fields) -> Product:
    return realistic_product(line=ProductLine.EXPAT_HEALTH, scheme_mode=CompulsorySchemeMode.COMPLEMENT_CFE, **fields)


@dataclass
class Household:
    profile: Profile
    contract: Contract
    subscriber: Affiliation
    child: Affiliation

    @property
    def user(self):
        return self.profile.user


def household(product: Product | None = None, *, first_name: str = "Jeanne", **contract_fields) -> Household:
    """A member holding an individual contract that also covers her son Léo."""
    n = next(_seq)
    holder = person(first_name=first_name, last_name=f"Dupont{n}", birth_date=date(1985, 3, 14))
    contract = cf.individual_contract(holder, product=product or realistic_product(), **contract_fields)
    subscriber = contract.affiliations.get()
    son = dependant(first_name="Léo", last_name=holder.last_name, birth_date=date(2016, 7, 9))
    child = cf.dependant_of(subscriber, son)
    return Household(f.profile(ProfileKind.MEMBER, holder), contract, subscriber, child)


def add_option(contract: Contract, code: str = "OPT_OPTIQUE", **fields) -> ContractOption:
    defaults = {"name_fr": "Optique renforcée", "name_en": "Reinforced optics", "effective_date": date(2023, 1, 1)}
    return ContractOption.objects.create(contract=contract, code=code, **{**defaults, **fields})


def zones() -> dict[str, ExpatriationZone]:
    """The three zones of the catalogue with a few of their countries."""
    rows = [
        ("Z1", "Zone 1 – Europe et Afrique", "Zone 1 – Europe and Africa", "+33 1 84 88 41 10", "+33 1 84 88 41 20"),
        ("Z2", "Zone 2 – Asie et Amérique latine", "Zone 2 – Asia and Latin America", "+33 1 84 88 42 10",
         "+33 1 84 88 42 20"),
        ("Z3", "Zone 3 – États-Unis et Canada", "Zone 3 – United States and Canada", "+33 1 84 88 43 10",
         "+33 1 84 88 43 20"),
    ]  # fmt: skip
    result = {}
    for code, name_fr, name_en, emergency, assistance in rows:
        result[code] = ExpatriationZone.objects.create(
            code=code, name_fr=name_fr, name_en=name_en, emergency_phone=emergency, assistance_phone=assistance
        )
    for country, code in (("BE", "Z1"), ("TH", "Z2"), ("BR", "Z2"), ("US", "Z3")):
        ZoneCountry.objects.create(zone=result[code], country=country)
    return result


def member_client(profile: Profile, language: str = "en") -> Client:
    """A logged-in browser for a member, in ``language`` (pages by cookie, PDFs by the login's setting)."""
    if profile.user.language != language:
        profile.user.language = language
        profile.user.save(update_fields=["language"])
    client = Client()
    client.cookies["om_language"] = language
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


def pdf_bytes(pages: int = 1, text_marker: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text_marker:
        writer.add_metadata({"/Title": text_marker})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "guide.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def pdf_text(content: bytes) -> str:
    """The PDF's words, spaces normalised (table cells wrap lines anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split())


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
