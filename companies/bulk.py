"""Bulk affiliation from a spreadsheet saved as CSV (SPEC E3, beyond): read, check every line, report.

A file is checked line by line and column by column — the form rules first, then the business rules of
the affiliation services run on a rehearsal that is rolled back — so the report names every problem at
once. Only a file without any error can be confirmed; then every line is created in one transaction.
(XLSX is not read: openpyxl is not among the project's dependencies; a spreadsheet is saved as CSV.)
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from companies.affiliations import NewEmployee, employee_affiliate
from contracts.models import Contract
from core.forms import GuidedForm
from documents import sanitise
from people.choices import Sex
from people.services import nir_clean
from people.validators import validate_person_name

MAX_LINES = 500
MAX_BYTES = 512 * 1024
COLUMNS = (
    "contract_number",
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "nir",
    "start_date",
    "employee_number",
    "country_of_expatriation",
    "email",
)
REQUIRED = ("contract_number", "last_name", "first_name", "birth_date", "start_date")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TEMPLATE_LINE = ("COL-…", "MARTIN", "Claire", "1985-04-12", "F", "285047512345622", "2026-01-01", "MAT0042", "", "")


@dataclass(frozen=True)
class Problem:
    line: int  # 1 is the header; data starts at 2, as a spreadsheet numbers its rows
    column: str
    message: str


@dataclass(frozen=True)
class Line:
    number: int
    contract: Contract
    employee: NewEmployee
    start_date: date
    employee_number: str
    country: str


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    already: int


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file could not be read: save it as CSV (UTF-8)."), code="encoding")


def _screen(content: bytes) -> None:
    """The virus scan (``documents.sanitise``: malware refused, a silent scanner refuses too) and text only."""
    sanitise.scan_bytes(content, "CSV")
    if b"\x00" in content:
        raise ValidationError(_("The file is not a CSV text file: save it as CSV (UTF-8)."), code="binary")


def _rows(text: str) -> list[dict[str, str]]:
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            _("The first line must name the columns; missing: %(columns)s."),
            code="header",
            params={"columns": ", ".join(missing)},
        )
    return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in reader if any(row)]


def _date(value: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValidationError(_("Write the date as YYYY-MM-DD or DD/MM/YYYY."), code="date")


class _LineForm(GuidedForm, forms.Form):
    contract_number = forms.CharField(max_length=20)
    last_name = forms.CharField(max_length=80, validators=[validate_person_name])
    first_name = forms.CharField(max_length=80, validators=[validate_person_name])
    birth_date = forms.CharField()
    sex = forms.ChoiceField(choices=[("", "—"), *Sex.choices], required=False)
    nir = forms.CharField(max_length=21, required=False)
    start_date = forms.CharField()
    employee_number = forms.CharField(max_length=32, required=False)
    country_of_expatriation = forms.CharField(max_length=2, required=False)
    email = forms.EmailField(required=False)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.contracts = contracts

    def clean_contract_number(self):
        contract = self.contracts.get(self.cleaned_data["contract_number"])
        if contract is None:
            raise ValidationError(_("No collective contract of yours open to changes has this number."))
        return contract

    def clean_birth_date(self):
        return _date(self.cleaned_data["birth_date"])

    def clean_start_date(self):
        return _date(self.cleaned_data["start_date"])

    def clean_country_of_expatriation(self):
        code = self.cleaned_data["country_of_expatriation"].upper()
        if code and code not in countries:
            raise ValidationError(_("Give the country as its two-letter ISO code (ES, SG, US…)."))
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("nir") and isinstance(cleaned.get("birth_date"), date):
            try:
                cleaned["nir"] = nir_clean(cleaned["nir"], birth_date=cleaned["birth_date"], sex=cleaned.get("sex", ""))
            except ValidationError as exc:
                self.add_error("nir", exc.message_dict.get("nir", exc.messages))
        return cleaned


def _line(number: int, cleaned: dict) -> Line:
    employee = NewEmployee(
        last_name=cleaned["last_name"],
        first_name=cleaned["first_name"],
        birth_date=cleaned["birth_date"],
        sex=cleaned.get("sex", ""),
        nir=cleaned.get("nir", ""),
        email=cleaned.get("email", ""),
    )
    return Line(
        number=number,
        contract=cleaned["contract_number"],
        employee=employee,
        start_date=cleaned["start_date"],
        employee_number=cleaned.get("employee_number", ""),
        country=cleaned.get("country_of_expatriation", ""),
    )


def _problems_of(number: int, error: ValidationError) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [
            Problem(number, column if column in COLUMNS else "", message)
            for column, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem(number, "", message) for message in error.messages]


class _Rehearsal(Exception):
    """Raised to roll the rehearsal back."""


def _rehearse(actor, lines: list[Line]) -> list[Problem]:
    """Run the affiliation services on every line and undo everything: the business rules' errors, per line."""
    problems: list[Problem] = []
    try:
        with transaction.atomic():
            for line in lines:
                try:
                    with transaction.atomic():
                        employee_affiliate(
                            actor=actor,
                            contract=line.contract,
                            employee=line.employee,
                            start_date=line.start_date,
                            employee_number=line.employee_number,
                            country_of_expatriation=line.country,
                        )
                except ValidationError as error:
                    problems.extend(_problems_of(line.number, _renamed(error)))
            raise _Rehearsal
    except _Rehearsal:
        pass
    return problems


_SERVICE_FIELDS = {"contract": "contract_number", "country_of_expatriation": "country_of_expatriation"}
_SERVICE_FIELDS |= {"start_date": "start_date", "person": "last_name", "nir": "nir", "birth_date": "birth_date"}


def _renamed(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({_SERVICE_FIELDS.get(name, name): errors for name, errors in error.error_dict.items()})


def check(*, actor, content: bytes, contracts: dict[str, Contract]) -> Report:
    """Read and check a CSV file against the contracts the actor may act on (number → contract)."""
    report = Report(digest=hashlib.sha256(content).hexdigest())
    if len(content) > MAX_BYTES:
        report.problems.append(Problem(0, "", str(_("The file is larger than 512 KB: split it."))))
        return report
    try:
        _screen(content)
        rows = _rows(_decode(content))
    except ValidationError as error:
        report.problems.extend(_problems_of(1, error))
        return report
    if len(rows) > MAX_LINES:
        report.problems.append(Problem(0, "", str(_("At most 500 lines per file: split it."))))
        return report
    for number, row in enumerate(rows, start=2):
        form = _LineForm({name: row.get(name, "") for name in COLUMNS}, contracts=contracts)
        if form.is_valid():
            report.lines.append(_line(number, form.cleaned_data))
        else:
            report.problems.extend(_problems_of(number, ValidationError(form.errors.as_data())))
    if not report.lines and not report.problems:
        report.problems.append(Problem(0, "", str(_("The file has no line to import."))))
    if report.lines:
        report.problems.extend(_rehearse(actor, report.lines))
    report.problems.sort(key=lambda problem: (problem.line, COLUMNS.index(problem.column) if problem.column else -1))
    return report


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerow(TEMPLATE_LINE)
    return out.getvalue()
