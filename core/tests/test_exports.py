"""Every exported CSV cell is neutralised against formula injection (issue 16 item 6)."""

from decimal import Decimal

import pytest

from core.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    "value", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\x00x", "\x1b[31m", "\x7f"]
)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Martin", "", "12 rue", "a=b", "Jean-Luc", "<script>"])
def test_plain_text_is_left_alone(value):
    assert safe_cell(value) == value


def test_numbers_stay_numbers():
    assert [safe_cell(v) for v in (-12, Decimal("-3.50"), 0.5, None, True)] == ["-12", "-3.50", "0.5", "", "True"]


def test_the_streamed_file_neutralises_header_and_rows():
    response = csv_response(["=name"], [["=HYPERLINK(1)", "ok"], ["@x", -4]], "x.csv", delimiter=";")
    body = b"".join(response.streaming_content).decode()
    assert body == "\ufeff'=name\r\n'=HYPERLINK(1);ok\r\n'@x;-4\r\n"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
