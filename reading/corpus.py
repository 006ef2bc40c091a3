"""Realistic French care bills with their expected fields, rendered and degraded programmatically.

Used by ``benchmarks/ocr_corpus.py`` (precision and recall of the reading) and by the reading tests. Each bill is
rendered as a picture with Pillow (a page at ~150 dpi) or as a PDF with a text layer with WeasyPrint; pictures are
then degraded: the *mild* half slightly rotated, blurred and compressed, the *hard* half photographed at an angle,
in low light, turned on its side, blurred and compressed hard.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont
from stdnum import luhn

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FIRST = ["Claire", "Jean", "Sophie", "Marc", "Isabelle", "Luc", "Nathalie", "Pierre", "Hélène", "Karim"]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Garnier", "Roux", "Fontaine", "Benali", "Chevalier"]
CITIES = ["75011 Paris", "69003 Lyon", "13006 Marseille", "31000 Toulouse", "44000 Nantes", "33000 Bordeaux"]
KINDS = ("feuille_de_soins", "specialist", "pharmacy", "optician", "dentist", "foreign")


@dataclass
class Bill:
    kind: str
    lines: list[str]
    expected: dict[str, str] = field(default_factory=dict)


def _luhn_number(rng: random.Random, length: int, prefix: str = "") -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - 1 - len(prefix)))
    return body + luhn.calc_check_digit(body)


def _siret(rng: random.Random) -> str:
    siren = _luhn_number(rng, 9, prefix=str(rng.randint(3, 8)))
    return _luhn_number(rng, 14, prefix=siren + "000")


def _money(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def make_bill(kind: str, rng: random.Random) -> Bill:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    patient = f"{rng.choice(FIRST)} {rng.choice(LAST).upper()}"
    city = rng.choice(CITIES)
    care = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
    when = care.strftime("%d/%m/%Y")
    address = f"{rng.randint(1, 120)} rue {rng.choice(['des Lilas', 'Victor Hugo', 'de la Paix', 'Pasteur'])}"
    if kind in ("feuille_de_soins", "specialist"):
        rpps = _luhn_number(rng, 11, prefix="10")
        if kind == "feuille_de_soins":
            spec, act, fee = "Médecin généraliste", "Consultation G", Decimal("30.00")
        else:
            spec, act, fee = "Dermatologue", "Consultation APC", Decimal(rng.choice(["60.00", "75.00", "80.00"]))
        amo = (Decimal("30.00") if kind == "feuille_de_soins" else Decimal("56.50")) * Decimal("0.70") - 2
        lines = ["FEUILLE DE SOINS", f"Dr {name}", spec, f"{address} {city}", f"N° RPPS : {rpps}", "",
                 f"Patient : {patient}", f"Date des soins : {when}", f"Acte : {act}",
                 f"Honoraires : {_money(fee)} €", f"Part Assurance Maladie : {_money(amo)} €",
                 f"Total payé : {_money(fee)} €", "Acquitté. Signature du praticien"]  # fmt: skip
        category = "GP_CONSULTATION" if kind == "feuille_de_soins" else "SPECIALIST_CONSULTATION"
        expected = {"care_date": care.isoformat(), "total": str(fee), "currency": "EUR", "ident": rpps}
        return Bill(kind, lines, expected | {"act": category, "compulsory_paid": f"{amo:.2f}"})
    if kind == "pharmacy":
        finess = _luhn_number(rng, 9, prefix=str(rng.choice([13, 31, 69, 75])))
        items = [("Doliprane 1000 mg boîte de 8", Decimal("2.18")), ("Amoxicilline 1 g boîte de 6", Decimal("4.62")),
                 ("Spasfon lyoc boîte de 10", Decimal("3.95")), ("Sérum physiologique", Decimal("2.90"))]  # fmt: skip
        chosen = rng.sample(items, rng.randint(2, 4))
        total = sum((price for _, price in chosen), Decimal("0"))
        amo = (total * Decimal("0.65")).quantize(Decimal("0.01"))
        lines = [f"PHARMACIE {rng.choice(['DU CENTRE', 'DES ARCADES', 'DE LA GARE'])}", f"{address} {city}",
                 f"N° FINESS : {finess}", f"Ticket du {when}", "",
                 *[f"{label}   {_money(price)} €" for label, price in chosen],
                 f"Part AMO : {_money(amo)} €", f"Total TTC : {_money(total)} €", "Merci de votre visite"]  # fmt: skip
        return Bill(kind, lines, {"care_date": care.isoformat(), "total": str(total), "currency": "EUR",
                                  "ident": finess, "act": "PHARMACY"})  # fmt: skip
    if kind == "optician":
        siret = _siret(rng)
        frame, lenses = Decimal(rng.choice(["89.00", "120.00", "145.00"])), Decimal(rng.choice(["180.00", "240.00"]))
        total = frame + lenses
        lines = [f"OPTIQUE {rng.choice(['VISION PLUS', 'DU MARCHÉ', 'LUMIÈRE'])}", "Opticien-lunetier",
                 f"{address} {city}", f"SIRET : {siret}", f"Facture du {when}", f"Client : {patient}", "",
                 f"Monture   {_money(frame)} €", f"Verres unifocaux (x2)   {_money(lenses)} €",
                 "Part Sécurité sociale : 0,09 €", f"Net à payer : {_money(total)} €"]  # fmt: skip
        return Bill(kind, lines, {"care_date": care.isoformat(), "total": str(total), "currency": "EUR",
                                  "ident": siret, "act": "OPTICS_GLASSES"})  # fmt: skip
    if kind == "dentist":
        rpps = _luhn_number(rng, 11, prefix="10")
        fee = Decimal(rng.choice(["500.00", "550.00", "620.00"]))
        lines = [f"Dr {name}", "Chirurgien-dentiste", f"{address} {city}", f"RPPS : {rpps}", "",
                 "NOTE D'HONORAIRES", f"Patient : {patient}", f"Date des soins : {when}",
                 "Couronne céramo-métallique dent 36 (HBLD634)", f"Honoraires : {_money(fee)} €",
                 "Part Assurance Maladie : 84,00 €", f"Total payé : {_money(fee)} €"]  # fmt: skip
        return Bill(kind, lines, {"care_date": care.isoformat(), "total": str(fee), "currency": "EUR",
                                  "ident": rpps, "act": "DENTAL_PROSTHESIS"})  # fmt: skip
    currency, mark = rng.choice([("GBP", "£"), ("USD", "$"), ("CHF", "CHF ")])
    fee = Decimal(rng.choice(["120.00", "185.50", "240.00"]))
    lines = [f"{rng.choice(['CITY MEDICAL CLINIC', 'HARBOUR HEALTH CENTRE'])}", "General practitioner",
             f"Doctor {name}", f"Date of service: {care.day:02d} {care.strftime('%B')} {care.year}",
             f"Patient: {patient}", "Consultation", f"Total due: {mark}{fee:.2f}", "Paid - thank you"]  # fmt: skip
    return Bill(kind, lines, {"care_date": care.isoformat(), "total": str(fee), "currency": currency,
                              "act": "GP_CONSULTATION"})  # fmt: skip


def render_image(bill: Bill, *, width: int = 1240, size: int = 30) -> Image.Image:
    try:
        font, bold = ImageFont.truetype(FONT, size), ImageFont.truetype(FONT_BOLD, size + 6)
    except OSError:  # pragma: no cover  (no DejaVu: Pillow's own font)
        font = bold = ImageFont.load_default(size=size)
    height = 160 + len(bill.lines) * int(size * 1.9)
    image = Image.new("RGB", (width, max(height, 900)), "white")
    draw = ImageDraw.Draw(image)
    y = 90
    for index, line in enumerate(bill.lines):
        draw.text((90, y), line, fill=(20, 20, 30), font=bold if index == 0 else font)
        y += int(size * 1.9)
    return image


def render_pdf(bill: Bill) -> bytes:
    """A PDF with a text layer, as a practice's software prints it."""
    from weasyprint import HTML

    body = "".join(f"<p>{escape(line) or '&nbsp;'}</p>" for line in bill.lines)
    html = f"<html><body style='font-family: DejaVu Sans; font-size: 11pt'>{body}</body></html>"
    return HTML(string=html).write_pdf()


def _perspective(image: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    w, h = image.size
    d = [rng.uniform(0, amount) * s for s in (w, h, w, h, w, h, w, h)]
    quad = (d[0], d[1], d[2], h - d[3], w - d[4], h - d[5], w - d[6], d[7])
    return image.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC, fillcolor="white")


def degrade(image: Image.Image, level: str, rng: random.Random) -> Image.Image:
    if level == "clean":
        return image
    if level == "mild":
        image = image.rotate(rng.uniform(-2, 2), expand=True, fillcolor="white", resample=Image.BICUBIC)
        return image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    image = _perspective(image, rng, 0.05)
    image = image.rotate(rng.uniform(-6, 6), expand=True, fillcolor=(200, 200, 190), resample=Image.BICUBIC)
    if rng.random() < 0.3:
        image = image.rotate(rng.choice([90, 180, 270]), expand=True)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.8)))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.35, 0.6))
    image = ImageEnhance.Contrast(image).enhance(rng.uniform(0.5, 0.8))
    return image


def encode(image: Image.Image, fmt: str, quality: int = 85) -> bytes:
    out = io.BytesIO()
    if fmt == "pdf":
        image.convert("RGB").save(out, "PDF", resolution=150)
    elif fmt == "heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
        image.convert("RGB").save(out, "HEIF", quality=quality)
    else:
        image.convert("RGB").save(out, fmt.upper(), quality=quality)
    return out.getvalue()


@dataclass
class Sample:
    name: str
    data: bytes
    kind: str  # "pdf" or an image type
    half: str  # "easy" (clean and mild) or "hard"
    expected: dict


def corpus(count: int = 60, seed: int = 15) -> list[Sample]:
    """``count`` samples, half easy (clean PNG, PDF with text, PDF scans, mildly degraded JPEG/HEIC), half hard."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible corpus, not a secret)
    samples = []
    easy_formats = [("png", "clean"), ("pdf_text", "clean"), ("jpeg", "mild"), ("pdf", "mild"), ("heic", "mild")]
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        bill = make_bill(kind, rng)
        hard = number >= count // 2
        fmt, level = (rng.choice(["jpeg", "png", "pdf"]), "hard") if hard else easy_formats[number % 5]
        if fmt == "pdf_text":
            data, doc_kind = render_pdf(bill), "pdf"
        else:
            image = degrade(render_image(bill), level, rng)
            quality = rng.randint(25, 45) if hard else rng.randint(60, 85)
            data, doc_kind = encode(image, fmt, quality), ("pdf" if fmt == "pdf" else fmt)
        samples.append(Sample(f"{number:03d}_{kind}_{fmt}_{level}", data, doc_kind, "hard" if hard else "easy",
                              bill.expected))  # fmt: skip
    return samples
