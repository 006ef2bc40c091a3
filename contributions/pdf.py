"""Contribution documents as PDF (SPEC M4, M6, E4, X4): the call for contributions, the receipt (*quittance*) of a
paid call, the contribution record of a year (*relevé de cotisations*), the annual certificate, and the export of
several calls in one file."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from contributions.models import AnnualCertificate, ContributionCall
from contributions.selectors import ContributionRecord, call_detail
from documents.pdf import render_pdf

CALL_NAME = gettext_noop("Call for contributions")
RECEIPT_NAME = gettext_noop("Receipt")
RECORD_NAME = gettext_noop("Contribution record")
CERTIFICATE_NAME = gettext_noop("Annual contribution certificate")
EXPORT_NAME = gettext_noop("Calls for contributions")


def _holder(person, company) -> dict:
    """The policyholder a document is addressed to: a person or a company."""
    who = person or company
    return {"name": person.full_name if person else company.name, "number": who.membership_number, "address": who}


def holder(contract) -> dict:
    return _holder(contract.holder_person, contract.holder_company)


def call_pdf(*, call: ContributionCall, language: str) -> bytes:
    call = call_detail(call)
    context = {"call": call, "holder": holder(call.contract), "reference": call.receipt_number}
    return render_pdf("contributions/pdf/call.html", context, language=language)


def receipt_pdf(*, call: ContributionCall, language: str) -> bytes:
    call = call_detail(call)
    context = {"call": call, "holder": holder(call.contract), "reference": f"QT-{call.receipt_number}"}
    return render_pdf("contributions/pdf/receipt.html", context, language=language)


def record_pdf(*, record: ContributionRecord, language: str) -> bytes:
    context = {
        "record": record,
        "holder": holder(record.contract),
        "reference": f"RC-{record.year}-{record.contract.number}",
    }
    return render_pdf("contributions/pdf/record.html", context, language=language)


def certificate_pdf(*, certificate: AnnualCertificate, language: str) -> bytes:
    who = _holder(certificate.holder_person, certificate.holder_company)
    rows = [
        {**row, "product": row["product_en"] if language.startswith("en") else row["product_fr"]}
        for row in certificate.details
    ]
    context = {
        "certificate": certificate,
        "name": who["name"],
        "who": who["address"],
        "rows": rows,
        "reference": certificate.reference,
        "issued_on": certificate.issued_on,
    }
    return render_pdf("contributions/pdf/certificate.html", context, language=language)


def export_pdf(*, calls: list[ContributionCall], title: str | Promise, language: str) -> bytes:
    context = {"calls": calls, "title": title, "reference": f"EXP-{len(calls)}"}
    return render_pdf("contributions/pdf/export.html", context, language=language)
