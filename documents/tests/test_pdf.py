"""PDF rendering: the base layout, the language, and a fetcher that reads only static files."""

import io
import unicodedata
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from pypdf import PdfReader

from documents.pdf import ForbiddenResourceError, StaticFilesFetcher, render_pdf

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR, "static")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def render_base(language: str = "fr", **context) -> bytes:
    return render_pdf("documents/pdf/base.html", {"reference": "REF-0001", **context}, language=language)


def test_the_base_layout_names_the_insurer_and_numbers_the_pages():
    pdf = render_base()

    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert settings.INSURER["name"] in text
    assert settings.INSURER["siren"] in text
    assert settings.INSURER["phone"] in text
    assert "Page 1 / 1" in text
    assert "REF-0001" in text
    assert "seuls vos documents contractuels font foi" in text  # rendered in French


def test_the_date_of_issue_follows_the_language():
    issued_on = date(2025, 3, 14)

    assert "14 mars 2025" in pdf_text(render_base("fr", issued_on=issued_on))
    assert "14 March 2025" in pdf_text(render_base("en", issued_on=issued_on))


def test_the_date_of_issue_defaults_to_today_in_paris():
    with mock.patch("documents.pdf.paris_today", return_value=date(2024, 12, 31)):
        assert "31 décembre 2024" in pdf_text(render_base("fr"))


def test_the_stylesheet_is_read_through_the_static_fetcher():
    with mock.patch.object(StaticFilesFetcher, "fetch", autospec=True, side_effect=StaticFilesFetcher.fetch) as fetch:
        render_base()

    assert [call.args[1] for call in fetch.call_args_list] == [(STATIC / "css/pdf.css").as_uri()]


def test_the_fetcher_serves_a_static_file():
    response = StaticFilesFetcher()((STATIC / "css/pdf.css").as_uri())

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.org/file",
        "file:///etc/passwd",
        (STATIC / "css/../../manage.py").as_uri(),
        (STATIC / "css/missing.css").as_uri(),
        "file://other-host/static/css/pdf.css",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    with pytest.raises(ForbiddenResourceError):
        StaticFilesFetcher().fetch(url)


def test_the_fetcher_accepts_inline_data():
    assert StaticFilesFetcher()("data:text/plain,hello").read() == b"hello"
