"""Understanding a French care bill from its text (pure functions, no database).

``parse(text)`` returns the fields found, each as ``{"value": …, "confidence": 0..1}``: the care date, the total
paid, the part the compulsory scheme or a third party paid when printed, the practitioner's identifiers (RPPS 11
digits and ADELI 9 with a Luhn check where there is one, FINESS 9 with its Luhn key, SIRET 14), name and
specialty, the act mapped to a care category code of the contracts' catalogue, and the currency. OCR text is
noisy: digits are read with ``O``/``o`` → 0 and ``l``/``I`` → 1 only inside identifiers, and a field found next to
its label scores higher than one found alone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip

CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF", "USD": "USD", "GBP": "GBP", "EUR": "EUR",
              "CAD": "CAD", "JPY": "JPY", "¥": "JPY", "MAD": "MAD", "XOF": "XOF", "AUD": "AUD"}  # fmt: skip

# (care category code, keywords) — first match wins, so the more specific acts come first.
ACTS = [
    ("HEARING_AIDS", ("audioprothes", "aide auditive", "appareil auditif", "hearing aid", "contour d'oreille")),
    ("CONTACT_LENSES", ("lentilles de contact", "lentilles", "contact lens")),
    ("OPTICS_GLASSES", ("monture", "verres", "opticien", "optique", "lunettes", "frames", "lenses")),
    ("DENTAL_PROSTHESIS", ("couronne", "bridge", "prothese dentaire", "inlay", "crown")),
    ("DENTAL_CARE", ("detartrage", "chirurgien-dentiste", "chirurgien dentiste", "soins dentaires", "dentist")),
    ("PHARMACY", ("pharmacie", "medicament", "pharmacien", "vignette", "pharmacy", "boite", "comprime")),
    ("SPECIALIST_CONSULTATION", ("dermatolog", "cardiolog", "ophtalmolog", "gynecolog", "pediatr", "psychiatr",
                                 "rhumatolog", "neurolog", "gastro", "pneumolog", "orl", "specialist", "apc")),
    ("GP_CONSULTATION", ("medecin generaliste", "medecine generale", "consultation", "general practitioner", "g ")),
]  # fmt: skip

SPECIALTIES = [
    "médecin généraliste", "médecine générale", "pédiatre", "dermatologue", "cardiologue", "ophtalmologiste",
    "ophtalmologue", "gynécologue", "psychiatre", "rhumatologue", "neurologue", "chirurgien-dentiste",
    "opticien", "opticien-lunetier", "audioprothésiste", "pharmacien", "masseur-kinésithérapeute",
    "kinésithérapeute", "orthodontiste", "general practitioner", "dentist",
]  # fmt: skip

_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4}|\d{2})(?!\d)")
_DATE_WORDS = re.compile(r"(?<!\d)(\d{1,2})(?:er)?\s+([a-zA-Z]{3,9})\.?\s+(\d{4})(?!\d)")
_AMOUNT = re.compile(
    r"(?P<pre>[€$£¥]|EUR|USD|GBP|CHF|CAD|JPY)?\s?(?P<num>\d{1,3}(?:[ \u202f.]\d{3})*(?:[.,]\d{2})|\d+[.,]\d{2})"
    r"\s?(?P<post>[€$£¥]|EUR|USD|GBP|CHF|CAD|JPY|euros?)?",
)
_DIGITS = r"[0-9OoIl][0-9OoIl \.]{%d,%d}[0-9OoIl]"

DATE_LABELS = ("date des soins", "date de l'acte", "date des actes", "date de soins", "date of service",
               "date de delivrance", "date", "le ")  # fmt: skip
DATE_AVOID = ("naissance", "ne le", "nee le", "echeance", "validite", "date of birth", "edite", "imprime")
TOTAL_LABELS = ("total paye", "montant paye", "net a payer", "total ttc", "montant total", "total honoraires",
                "total", "amount paid", "total due", "acquitte", "honoraires")  # fmt: skip
TOTAL_AVOID = ("rembours", "part ", "amo", "assurance maladie", "secu", "tiers", "mutuelle", "reste", "ro ")
COMPULSORY_LABELS = ("part amo", "part ro", "part obligatoire", "assurance maladie", "rembourse par la secu",
                     "securite sociale", "tiers payant", "part secu", "regime obligatoire")  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents, for keyword matching (same length as the input only for Latin text)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def field(value, confidence: float) -> dict:
    return {"value": value, "confidence": round(max(0.0, min(1.0, confidence)), 2)}


def _to_date(day: int, month: int, year: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 2000 <= found.year <= 2100 else None


def dates_in(line: str) -> list[date]:
    found = [_to_date(int(d), int(m), int(y)) for d, m, y in _DATE_NUM.findall(line)]
    for d, month, y in _DATE_WORDS.findall(fold(line)):
        if month.rstrip(".") in MONTHS:
            found.append(_to_date(int(d), MONTHS[month.rstrip(".")], int(y)))
    return [f for f in found if f]


def to_decimal(number: str) -> Decimal | None:
    cleaned = number.replace(" ", "").replace("\u202f", "")
    if re.search(r"[.,]\d{2}$", cleaned):
        whole, cents = cleaned[:-3], cleaned[-2:]
        whole = whole.replace(".", "").replace(",", "")
        cleaned = f"{whole}.{cents}"
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def amounts_in(line: str) -> list[tuple[Decimal, str | None]]:
    """The amounts of a line with the currency printed beside them, if any."""
    found = []
    for match in _AMOUNT.finditer(line):
        value = to_decimal(match.group("num"))
        if value is None:
            continue
        mark = match.group("pre") or match.group("post") or ""
        currency = "EUR" if mark.lower().startswith("euro") else CURRENCIES.get(mark)
        found.append((value, currency))
    return found


def _pick_date(lines: list[str]) -> dict | None:
    best: tuple[float, date] | None = None
    for index, line in enumerate(lines):
        folded = fold(line)
        if any(word in folded for word in DATE_AVOID):
            continue
        for found in dates_in(line):
            score = 0.6
            for rank, label in enumerate(DATE_LABELS):
                if label in folded:
                    score = 0.97 - rank * 0.03
                    break
            score -= index * 0.001
            if best is None or score > best[0]:
                best = (score, found)
    return field(best[1].isoformat(), best[0]) if best else None


def _labelled_amount(lines: list[str], labels, avoid=()) -> tuple[float, Decimal, str | None] | None:
    best = None
    for index, line in enumerate(lines):
        folded = fold(line)
        if any(word in folded for word in avoid):
            continue
        for rank, label in enumerate(labels):
            if label in folded:
                found = amounts_in(line)
                if not found and index + 1 < len(lines):
                    found = amounts_in(lines[index + 1])
                if found:
                    value, currency = found[-1]
                    score = 0.95 - rank * 0.02
                    if best is None or score > best[0] or (score == best[0] and value > best[1]):
                        best = (score, value, currency)
                break
    return best


def _pick_currency(text: str) -> dict:
    counts: dict[str, int] = {}
    for mark, code in CURRENCIES.items():
        pattern = re.escape(mark) if not mark.isalpha() else rf"\b{mark}\b"
        hits = len(re.findall(pattern, text))
        if hits:
            counts[code] = counts.get(code, 0) + hits
    if re.search(r"\beuros?\b", text, re.IGNORECASE):
        counts["EUR"] = counts.get("EUR", 0) + 1
    if not counts:
        return field("EUR", 0.5)
    code = max(counts, key=counts.get)
    return field(code, 0.9 if len(counts) == 1 else 0.7)


def _digits(raw: str) -> str:
    return raw.translate(str.maketrans("OoIl", "0011")).replace(" ", "").replace(".", "")


def _identifier(text: str, label: str, length: int, check) -> dict | None:
    """An identifier of ``length`` digits: after its label first (confidence by check), anywhere else if valid."""
    folded = fold(text)
    for match in re.finditer(re.escape(label), folded):
        after = text[match.end() : match.end() + 40]
        candidate = re.search(_DIGITS % (length - 2, length + 6), after)
        if candidate:
            digits = _digits(candidate.group())[:length]
            if len(digits) == length and digits.isdigit():
                valid = check(digits) if check else True
                return field(digits, 0.97 if valid else 0.4) | {"checked": bool(check) and valid}
    if check is None:
        return None
    for candidate in re.findall(rf"(?<![\dA-Za-z])\d{{{length}}}(?![\d])", text):
        if check(candidate):
            return field(candidate, 0.6) | {"checked": True}
    return None


def luhn_valid(digits: str) -> bool:
    return digits.isdigit() and luhn.is_valid(digits)


def siret_valid(digits: str) -> bool:
    return stdnum_siret.is_valid(digits)


def _practitioner(lines: list[str]) -> dict | None:
    pattern = re.compile(
        r"\b(?:Dr\.?|Docteur|Doctor|Pr\.?|Professeur)\s+([A-ZÉÈ][\w'\-éèëêïîôç]+(?:\s+[A-ZÉÈ][\w'\-éèëêïîôç]+){0,2})"
    )
    for line in lines:
        match = pattern.search(line)
        if match:
            return field(match.group(1).strip(), 0.85)
    for line in lines[:8]:
        match = re.search(r"\b(?:Pharmacie|Optique|Cabinet|Centre|Clinic|Clinique)\s+[\w'\- ]{2,40}", line)
        if match:
            return field(match.group().strip(), 0.6)
    return None


def _specialty(folded: str) -> dict | None:
    for specialty in SPECIALTIES:
        if fold(specialty) in folded:
            return field(specialty, 0.85)
    return None


def _act(folded: str) -> dict | None:
    for code, words in ACTS:
        for word in words:
            if word in folded:
                return field(code, 0.85 if len(word) > 4 else 0.5)
    return None


def parse(text: str) -> dict:
    """Every field found in the text of a care bill; a field not found is absent."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    folded = fold(text)
    out: dict[str, dict] = {}
    care_date = _pick_date(lines)
    if care_date:
        out["care_date"] = care_date
    currency = _pick_currency(text)
    out["currency"] = currency
    total = _labelled_amount(lines, TOTAL_LABELS, TOTAL_AVOID)
    if total:
        out["total"] = field(str(total[1]), total[0])
        if total[2]:
            out["currency"] = field(total[2], max(currency["confidence"], 0.9))
    else:
        every = [value for line in lines for value, _ in amounts_in(line)]
        if every:
            out["total"] = field(str(max(every)), 0.4)
    compulsory = _labelled_amount(lines, COMPULSORY_LABELS)
    if compulsory:
        out["compulsory_paid"] = field(str(compulsory[1]), compulsory[0] - 0.05)
    for name, label, length, check in (
        ("rpps", "rpps", 11, luhn_valid),
        ("adeli", "adeli", 9, None),
        ("finess", "finess", 9, luhn_valid),
        ("siret", "siret", 14, siret_valid),
    ):
        found = _identifier(text, label, length, check)
        if found:
            out[name] = found
    if "adeli" in out and "rpps" in out and out["adeli"]["value"] in out["rpps"]["value"]:
        del out["adeli"]
    for key, found in (
        ("practitioner", _practitioner(lines)),
        ("specialty", _specialty(folded)),
        ("act", _act(folded)),
    ):
        if found:
            out[key] = found
    return out
