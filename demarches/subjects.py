"""The records a request is about, as the back office shows them: a label and, when the back office has a
page for that record, a link to it (the URL names below; a missing page simply gives no link)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from demarches.models import Request

RECORD_URL_NAMES = {
    "person": "backoffice:person_detail",
    "company": "backoffice:company_detail",
    "contract": "backoffice:contract_detail",
}


def _url(kind: str, public_id) -> str | None:
    try:
        return reverse(RECORD_URL_NAMES[kind], args=[public_id])
    except NoReverseMatch:
        return None


def subject_rows(request: Request) -> list[tuple[str, str, str | None]]:
    """(what, label, url or None) for the person, company and contract the request names."""
    rows = []
    if person := request.subject_person:
        number = f" — {person.membership_number}" if person.membership_number else ""
        rows.append((_("Person"), f"{person.full_name}{number}", _url("person", person.public_id)))
    if company := request.subject_company:
        rows.append((_("Company"), f"{company.name} — {company.membership_number}", _url("company", company.public_id)))
    if contract := request.subject_contract:
        label = f"{contract.number} — {contract.product.name}"
        rows.append((_("Contract"), label, _url("contract", contract.public_id)))
    return rows
