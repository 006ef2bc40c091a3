"""The compulsory scheme's reimbursement statements (NOEMIE for the French scheme, the CFE's for expatriates), as
this insurer receives them: a CSV file, one line per care act the scheme reimbursed (issue 13).

Format (UTF-8, comma-separated, a header line naming the columns, in any order; see README "Automatic flow"):

=================  ========  =====================================================================================
column             required  meaning
=================  ========  =====================================================================================
statement_ref      yes       the scheme's reference of the line (statement number / line): unique, the import's
                             idempotency key: a line already imported is skipped
scheme             no        ``CPAM`` (Assurance Maladie, default) or ``CFE``
nir                one of    the beneficiary's social security number (13 digits + key)
membership_number  the two   the subscriber's membership number, with ``birth_date`` to find the beneficiary
birth_date         —         the beneficiary's date of birth (YYYY-MM-DD), with ``membership_number``
act_code           no        the act's code (NGAP/CCAM/LPP style: G, APC, PHMEV, OPTMON…)
category           yes       the care category code of the guarantee table (GP_CONSULTATION, OPTICS_GLASSES…)
care_date          yes       YYYY-MM-DD
expense            yes       what was spent, in EUR (``1234.56``)
base               yes       the base of reimbursement (BR) in EUR
compulsory_paid    yes       what the scheme paid, in EUR
=================  ========  =====================================================================================

JSON: a list of objects with the same keys. Parsing gives ``FlowRow`` values; the import is
``ledger.services.flow_import``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

REQUIRED = ("statement_ref", "category", "care_date", "expense", "base", "compulsory_paid")


@dataclass
class FlowRow:
    number: int
    raw: dict
    statement_ref: str = ""
    scheme: str = "CPAM"
    nir: str = ""
    membership_number: str = ""
    birth_date: date | None = None
    act_code: str = ""
    category: str = ""
    care_date: date | None = None
    expense: Decimal | None = None
    base: Decimal | None = None
    compulsory_paid: Decimal | None = None
    error: str = ""


def _money(value: str) -> Decimal:
    amount = Decimal(value.strip().replace(",", "."))
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidOperation(value)
    return amount


def _row(number: int, raw: dict) -> FlowRow:
    values = {key: str(value if value is not None else "").strip() for key, value in raw.items() if key}
    row = FlowRow(number=number, raw=values)
    missing = [key for key in REQUIRED if not values.get(key)]
    if missing or not (values.get("nir") or values.get("membership_number")):
        row.statement_ref = values.get("statement_ref", "")[:64]
        row.error = "missing: " + ", ".join(missing or ["nir or membership_number"])
        return row
    try:
        row.statement_ref = values["statement_ref"][:64]
        row.scheme = (values.get("scheme") or "CPAM").upper()
        row.nir = values.get("nir", "").replace(" ", "")
        row.membership_number = values.get("membership_number", "")
        row.birth_date = date.fromisoformat(values["birth_date"]) if values.get("birth_date") else None
        row.act_code = values.get("act_code", "")[:16]
        row.category = values["category"]
        row.care_date = date.fromisoformat(values["care_date"])
        row.expense = _money(values["expense"])
        row.base = _money(values["base"])
        row.compulsory_paid = _money(values["compulsory_paid"])
    except (ValueError, InvalidOperation) as error:
        row.error = f"invalid value: {error}"[:300]
        return row
    if row.expense <= 0 or row.compulsory_paid > row.expense:
        row.error = "the amounts do not add up (expense > 0, compulsory paid <= expense)"
    return row


def parse(content: bytes) -> list[FlowRow]:
    """Every line of a CSV or JSON flow file, numbered from 1 (the line after the CSV header)."""
    text = content.decode("utf-8-sig")
    if text.lstrip().startswith("["):
        return [_row(n, raw) for n, raw in enumerate(json.loads(text), start=1)]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [_row(n, raw) for n, raw in enumerate(reader, start=1)]


def to_csv(rows: list[dict]) -> str:
    """A flow file from dicts (tests, the demo and the benchmark write their files with it)."""
    columns = [
        "statement_ref",
        "scheme",
        "nir",
        "membership_number",
        "birth_date",
        "act_code",
        "category",
        "care_date",
        "expense",
        "base",
        "compulsory_paid",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
