"""The benefit statement (*relevé de prestations*, SPEC M9) and the third-party-payment card (M10) as PDF (X4)."""

from __future__ import annotations

import base64
import io
from datetime import date

import qrcode
from django.http import HttpResponse
from django.utils import formats, translation
from django.utils.translation import gettext_noop

from benefits.selectors import Card, Statement
from contracts.pdf import attachment_response, document_filename
from core.identifiers import mask_iban
from documents.pdf import paris_today, render_pdf

STATEMENT_TEMPLATE = "benefits/pdf/statement.html"
CARD_TEMPLATE = "benefits/pdf/card.html"
STATEMENT_NAME = gettext_noop("Benefit statement")
CARD_NAME = gettext_noop("Third-party-payment card")


def qr_data_uri(payload: str) -> str:
    """A PNG QR code as a ``data:`` URI: inline, so the PDF fetcher and the page's CSP need nothing else."""
    image = qrcode.make(payload, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def statement_rows(statement: Statement) -> list[dict]:
    """One row per care item, with the payment date and the account credited of its claim."""
    rows = []
    for claim in statement.claims:
        line = getattr(claim, "payment_line", None)
        for item in claim.items.all():
            rows.append(
                {
                    "item": item,
                    "claim": claim,
                    "beneficiary": claim.beneficiary.full_name,
                    "remaining": item.left_to_pay,
                    "paid_on": claim.paid_at,
                    "account": mask_iban(line.iban) if line else "",
                }
            )
    return rows


def statement_reference(statement: Statement, member_number: str) -> str:
    return f"RP-{statement.month:%Y%m}-{member_number}"


def statement_pdf(*, statement: Statement, person, language: str) -> bytes:
    rows = statement_rows(statement)
    context = {
        "statement": statement,
        "rows": rows,
        "person": person,
        "accounts": sorted({row["account"] for row in rows if row["account"]}),
        "reference": statement_reference(statement, person.membership_number or "-"),
    }
    return render_pdf(STATEMENT_TEMPLATE, context, language=language)


def card_reference(card: Card) -> str:
    return f"TP-{card.valid_from:%Y}-{card.member_number}"


def card_pdf(*, card: Card, language: str) -> bytes:
    context = {"card": card, "qr": qr_data_uri(card.qr_payload), "reference": card_reference(card)}
    return render_pdf(CARD_TEMPLATE, context, language=language)


def month_label(month: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(month, "YEAR_MONTH_FORMAT")


def today() -> date:
    return paris_today()


def statement_attachment(*, statement: Statement, person, language: str) -> HttpResponse:
    """The statement PDF as a download (the member's page and the API)."""
    content = statement_pdf(statement=statement, person=person, language=language)
    return attachment_response(content, document_filename(STATEMENT_NAME, f"{statement.month:%Y-%m}", language))


def card_attachment(*, card: Card, language: str) -> HttpResponse:
    """The card PDF as a download (the member's page and the API)."""
    return attachment_response(
        card_pdf(card=card, language=language), document_filename(CARD_NAME, card.member_number, language)
    )
