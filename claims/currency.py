"""Euro reference rates: conversion of care paid abroad at the rate of the care date, and the central bank's CSV.

The European Central Bank publishes one rate per business day as a CSV, ``Date,USD,JPY,…`` (one row per day,
``N/A`` where a currency had no rate, often a trailing empty column). A weekend or a holiday takes the last rate
published before it; a rate older than ``CLAIM_RATE_MAX_GAP_DAYS`` means the table is not up to date, and the
conversion is refused rather than done at a stale rate. The rate used is kept on each care item.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from audit.services import record
from claims import conf
from claims.models import ExchangeRate

EURO = "EUR"
CENT = Decimal("0.01")
_CODE = re.compile(r"^[A-Z]{3}$")
_BATCH = 1000

# Names of the currencies the ECB publishes (ISO 4217), for the form's list.
CURRENCY_NAMES = {
    "EUR": _("Euro"),
    "USD": _("US dollar"),
    "JPY": _("Japanese yen"),
    "BGN": _("Bulgarian lev"),
    "CZK": _("Czech koruna"),
    "DKK": _("Danish krone"),
    "GBP": _("Pound sterling"),
    "HUF": _("Hungarian forint"),
    "PLN": _("Polish zloty"),
    "RON": _("Romanian leu"),
    "SEK": _("Swedish krona"),
    "CHF": _("Swiss franc"),
    "ISK": _("Icelandic krona"),
    "NOK": _("Norwegian krone"),
    "TRY": _("Turkish lira"),
    "AUD": _("Australian dollar"),
    "BRL": _("Brazilian real"),
    "CAD": _("Canadian dollar"),
    "CNY": _("Chinese yuan renminbi"),
    "HKD": _("Hong Kong dollar"),
    "IDR": _("Indonesian rupiah"),
    "ILS": _("Israeli shekel"),
    "INR": _("Indian rupee"),
    "KRW": _("South Korean won"),
    "MXN": _("Mexican peso"),
    "MYR": _("Malaysian ringgit"),
    "NZD": _("New Zealand dollar"),
    "PHP": _("Philippine peso"),
    "SGD": _("Singapore dollar"),
    "THB": _("Thai baht"),
    "ZAR": _("South African rand"),
}


class RateUnavailable(ValidationError):
    """No usable reference rate for a currency on a date: the message says which, for the form."""


@dataclass(frozen=True)
class Conversion:
    currency: str
    amount: Decimal
    amount_eur: Decimal
    rate: Decimal  # units of ``currency`` per euro
    rate_date: date


@dataclass(frozen=True)
class LoadReport:
    rows: int
    rates: int
    currencies: tuple[str, ...]
    first: date | None
    last: date | None


# Illustrative rates shipped for a demonstration database (``load_exchange_rates --sample``, ``seed_demo``).
SAMPLE_RATES_FILE = Path(__file__).resolve().parent / "data" / "eurofxref-sample.csv"


def known_currencies() -> list[str]:
    """The euro and every currency the rates table knows, in alphabetical order after the euro."""
    codes = ExchangeRate.objects.order_by().values_list("currency", flat=True).distinct()
    return [EURO, *sorted(set(codes) - {EURO})]


def currency_label(code: str) -> str:
    name = CURRENCY_NAMES.get(code)
    return f"{code} — {name}" if name else code


def latest_rates() -> list[ExchangeRate]:
    """The last published rate of each currency (two queries whatever the table's size)."""
    last = dict(ExchangeRate.objects.order_by().values_list("currency").annotate(last=Max("date")))
    if not last:
        return []
    rates = ExchangeRate.objects.filter(date__in=set(last.values()), currency__in=last)
    return sorted((r for r in rates if last[r.currency] == r.date), key=lambda r: r.currency)


def rate_on(currency: str, on: date) -> tuple[Decimal, date]:
    """The rate of ``currency`` on ``on``: the last one published on or before that day, not too old."""
    currency = (currency or "").upper()
    if currency == EURO:
        return Decimal(1), on
    row = ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()
    if row is None or on - row.date > timedelta(days=conf.get("CLAIM_RATE_MAX_GAP_DAYS")):
        if not ExchangeRate.objects.filter(currency=currency).exists():
            raise RateUnavailable(
                _("The currency %(currency)s is not accepted: choose one from the list."),
                code="unknown_currency",
                params={"currency": currency},
            )
        raise RateUnavailable(
            _("No reference rate of %(currency)s is available for %(date)s: please try again later."),
            code="no_rate",
            params={"currency": currency, "date": on.isoformat()},
        )
    return row.rate, row.date


def convert(amount: Decimal, currency: str, on: date) -> Conversion:
    """``amount`` paid in ``currency`` on ``on``, in euros at the reference rate of that day (to the cent)."""
    rate, rate_date = rate_on(currency, on)
    amount_eur = (Decimal(amount) / rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return Conversion(currency.upper(), Decimal(amount), amount_eur, rate, rate_date)


# --- Loading the central bank's CSV -----------------------------------------------------


def _text_lines(source: IO[bytes]) -> Iterator[str]:
    """Lines of the CSV, whether it came as is or zipped as the ECB distributes it (one .csv inside)."""
    head = source.read(4)
    source.seek(0)
    if head == b"PK\x03\x04":
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(names) != 1:
                raise ValidationError(_("The archive must hold exactly one CSV file."), code="zip")
            with archive.open(names[0]) as member:
                yield from io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
        return
    yield from io.TextIOWrapper(source, encoding="utf-8-sig", newline="")


def _header(row: list[str]) -> list[str | None]:
    if not row or row[0].strip().lower() != "date":
        raise ValidationError(_("The first line must be Date,USD,JPY,… (the central bank's format)."), code="header")
    codes: list[str | None] = []
    for cell in row[1:]:
        code = cell.strip().upper()
        if code and not _CODE.match(code):
            raise ValidationError(_("%(code)s is not a currency code."), code="header", params={"code": cell[:10]})
        codes.append(code or None)
    return codes


def _row_rates(row: list[str], codes: list[str | None], line: int) -> Iterator[ExchangeRate]:
    try:
        day = date.fromisoformat(row[0].strip())
    except (ValueError, IndexError):
        raise ValidationError(_("Line %(line)s: the date is not valid."), code="date", params={"line": line}) from None
    for code, cell in zip(codes, row[1:], strict=False):
        value = cell.strip()
        if code is None or value in ("", "N/A"):
            continue
        try:
            rate = Decimal(value)
        except InvalidOperation:
            rate = Decimal(0)
        if not rate.is_finite() or rate <= 0 or rate >= Decimal("1e12"):
            raise ValidationError(
                _("Line %(line)s: %(value)s is not a rate."), code="rate", params={"line": line, "value": value[:20]}
            )
        yield ExchangeRate(currency=code, date=day, rate=rate.quantize(Decimal("0.000001")))


def parse_rates(lines: Iterable[str]) -> Iterator[ExchangeRate]:
    """Every rate of the CSV; a malformed line stops everything with its number (nothing is loaded)."""
    reader = csv.reader(lines)
    codes = _header(next(reader, []))
    for line, row in enumerate(reader, start=2):
        if row and any(cell.strip() for cell in row):
            yield from _row_rates(row, codes, line)


@transaction.atomic
def exchange_rates_load(*, actor, source: IO[bytes]) -> LoadReport:
    """Load (or correct) the rates of a central-bank CSV; loading the same file twice changes nothing."""
    rows = rates = 0
    currencies: set[str] = set()
    days: set[date] = set()
    batch: list[ExchangeRate] = []
    for rate in parse_rates(_text_lines(source)):
        batch.append(rate)
        currencies.add(rate.currency)
        days.add(rate.date)
        if len(batch) >= _BATCH:
            rates += _upsert(batch)
            batch = []
    rates += _upsert(batch)
    rows = len(days)
    report = LoadReport(rows, rates, tuple(sorted(currencies)), min(days, default=None), max(days, default=None))
    record(actor=actor, action="claims.exchange_rates_loaded", data=report.__dict__)
    return report


def _upsert(batch: list[ExchangeRate]) -> int:
    if batch:
        ExchangeRate.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["currency", "date"], update_fields=["rate", "loaded_at"]
        )
    return len(batch)
