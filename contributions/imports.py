"""Reading the bank statement files staff import (SPEC B4: payments received allocated as fast as possible); the
payments are recorded by ``contributions.services.payments_import``.

A CSV file, comma or semicolon separated, with a header naming ``date``, ``amount`` and ``reference`` (``label``
also accepted); dates as 2026-03-05 or 05/03/2026, amounts as 120.50 or 120,50. The whole file is checked first: one
bad line refuses the file and nothing is stored. A line whose reference holds a receipt number (Q-2026-000123) is
allocated to that call, then to the oldest open calls of its contract; the others are kept unallocated for staff.
A line already imported (same date, amount and reference) is skipped, so importing a file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RECEIPT = re.compile(r"Q-\d{4}-\d{6}")
MAX_LINES = 5000


@dataclass(frozen=True)
class BankLine:
    number: int
    day: date
    amount: Decimal
    reference: str

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()} {self.amount} {self.reference}"[:140]


def _day(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def _amount(text: str) -> Decimal:
    value = Decimal(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return value


def parse(content: bytes) -> list[BankLine]:
    """The lines of the file, or a ValidationError naming every bad line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file must be a CSV file in UTF-8."), code="encoding") from exc
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    names = {name.strip().lower(): name for name in reader.fieldnames or []}
    reference_column = names.get("reference") or names.get("label")
    if "date" not in names or "amount" not in names or reference_column is None:
        raise ValidationError(_("The first line must name the columns date, amount and reference."), code="header")
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES + 1:
            raise ValidationError(_("A file holds at most %(max)s lines.") % {"max": MAX_LINES}, code="size")
        try:
            lines.append(
                BankLine(
                    number,
                    _day(row[names["date"]] or ""),
                    _amount(row[names["amount"]] or ""),
                    (row[reference_column] or "").strip()[:120],
                )
            )
        except (ValueError, InvalidOperation, TypeError):
            errors.append(
                _("Line %(number)s: a date, a positive amount and a reference are needed.") % {"number": number}
            )
    if errors:
        raise ValidationError(errors[:20], code="lines")
    if not lines:
        raise ValidationError(_("The file holds no payment."), code="empty")
    return lines
