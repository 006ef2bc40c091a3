"""CSV downloads: every cell neutralised against formula injection, streamed row by row (issue 16).

A spreadsheet runs a cell that starts with ``= + - @`` (or a tab, carriage return or other control character
followed by one) as a formula: ``=HYPERLINK(…)`` or ``+cmd|…`` typed into a name would run on the staff's or the
employer's computer. OWASP's answer: such a cell gets a leading single quote, which the spreadsheet shows as text.
Numbers typed as numbers (``int``, ``Decimal``) are left as they are, so a negative amount stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse

from documents.downloads import protect

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value: object) -> str:
    """The text of one exported cell, with a leading quote if a spreadsheet would read it as a formula."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text and (text.startswith(FORMULA_STARTS) or ord(text[0]) < 0x20 or text[0] == "\x7f"):
        return "'" + text
    return text


def csv_line(writer, row: Iterable[object]) -> str:
    return writer.writerow([safe_cell(cell) for cell in row])


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    header: Iterable[str], rows: Iterable[Iterable[object]], filename: str, *, delimiter: str = ","
) -> StreamingHttpResponse:
    """A private CSV download written row by row, with the BOM spreadsheets need for UTF-8."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    lines = (csv_line(writer, row) for row in rows)
    content = (part for chunk in (("\ufeff", csv_line(writer, header)), lines) for part in chunk)
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    protect(response, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
