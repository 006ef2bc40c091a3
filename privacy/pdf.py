"""The PDFs of the privacy app (SPEC X4, G2, B6): the summary of a person's data that goes with the JSON copy, and
the evidence extract of the audit trail with its hashes and verification."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from documents.pdf import render_pdf

SECTION_TITLES = {
    "people": _("Identity, contact details and bank accounts"),
    "contracts": _("Contracts and affiliations"),
    "claims": _("Reimbursement claims and care items"),
    "payments": _("Reimbursement transfers"),
    "requests": _("Requests"),
    "members": _("Consents, preferences and beneficiary designations"),
    "login": _("Login and connections"),
    "terms_accepted": _("Terms of use accepted"),
    "privacy_requests": _("Your requests about your personal data"),
    "audit_events": _("Operations recorded about you"),
}
LABELS = {
    "identity": _("Identity"),
    "contact": _("Contact details"),
    "bank_accounts": _("Bank accounts"),
    "reference_salaries": _("Reference salaries"),
    "contracts_held": _("Contracts held"),
    "affiliations": _("Affiliations"),
    "consents_and_preferences": _("Consents and preferences"),
    "death_benefit_designations": _("Death-benefit beneficiary designations"),
    "profiles": _("Profiles"),
    "connections": _("Connections"),
    "membership_number": _("Membership number"),
    "last_name": _("Surname"),
    "first_name": _("First name"),
    "birth_name": _("Birth name"),
    "birth_date": _("Date of birth"),
    "email": _("Email"),
    "phone": _("Phone"),
    "address": _("Address"),
    "iban": _("IBAN"),
    "reference": _("Reference"),
    "status": _("Status"),
    "number": _("Number"),
    "contract_number": _("Contract"),
    "start_date": _("From"),
    "end_date": _("To"),
    "at": _("Date"),
    "action": _("Operation"),
    "by": _("By"),
    "about": _("About"),
    "bic": _("BIC"),
    "holder_name": _("Account holder"),
    "valid_from": _("Valid from"),
    "valid_to": _("Valid to"),
    "effective_date": _("Effective date"),
    "payment_method": _("Payment method"),
    "payment_frequency": _("Payment frequency"),
    "product": _("Product"),
    "kind": _("Kind"),
    "role": _("Role"),
    "employer": _("Employer"),
    "country_of_expatriation": _("Country of expatriation"),
    "employee_number": _("Employee number"),
    "username": _("Username"),
    "created_at": _("Created on"),
    "last_login": _("Last connection"),
    "previous_login": _("Previous connection"),
    "active": _("Active"),
    "since": _("Since"),
    "language": _("Language"),
    "civility": _("Civility"),
    "sex": _("Sex"),
    "social_security_number": _("Social security number"),
    "nationality": _("Nationality"),
    "country_of_residence": _("Country of residence"),
    "submitted_at": _("Sent on"),
    "closed_at": _("Closed on"),
    "total_claimed_eur": _("Claimed (EUR)"),
    "total_reimbursed_eur": _("Reimbursed (EUR)"),
    "paid_at": _("Paid on"),
    "care_items": _("Care items"),
    "beneficiary": _("Beneficiary"),
    "amount": _("Amount"),
    "currency": _("Currency"),
    "effective": _("Effective"),
    "enabled": _("Enabled"),
    "preference": _("Preference"),
    "made_through": _("Made through"),
    "terms_version": _("Version"),
    "accepted_at": _("Accepted on"),
    "claim_reference": _("Claim"),
    "transfer_reference": _("Transfer reference"),
    "execution_date": _("Transfer date"),
    "amount_eur": _("Amount (EUR)"),
    "account": _("Account"),
    "messages": _("Messages"),
    "attachments": _("Attachments"),
    "form": _("Form"),
    "clause": _("Clause"),
    "beneficiaries": _("Beneficiaries"),
}
MAX_LINES = 200
MAX_LIST_ITEMS = 20


def _coded_fields() -> dict:
    """Field name → its choices, so that the PDF reads "Monthly" where the JSON keeps the code "monthly"."""
    from accounts.choices import ProfileKind
    from claims.choices import ClaimStatus, ItemDecision
    from contracts.choices import AffiliationRole, ContractKind, PaymentFrequency, PaymentMethod
    from members.choices import ClauseType, PreferenceCode, PreferenceSource

    return {
        "kind": {**dict(ContractKind.choices), **dict(ProfileKind.choices)},
        "payment_method": dict(PaymentMethod.choices),
        "payment_frequency": dict(PaymentFrequency.choices),
        "role": dict(AffiliationRole.choices),
        "status": dict(ClaimStatus.choices),
        "decision": dict(ItemDecision.choices),
        "preference": dict(PreferenceCode.choices),
        "made_through": dict(PreferenceSource.choices),
        "clause": dict(ClauseType.choices),
    }


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return str(_("yes")) if value else str(_("no"))
    if isinstance(value, Decimal):
        return formats.number_format(value, 2)
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return str(len(value))
        shown = ", ".join(_text(item) for item in value[:MAX_LIST_ITEMS]) or "—"
        return shown + (" …" if len(value) > MAX_LIST_ITEMS else "")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value)


def _cell(key: str, value, coded: dict) -> str:
    labels = coded.get(key)
    if labels and isinstance(value, str) and value in labels:
        return str(labels[value])
    return _text(value)


def _label(key: str) -> str:
    return str(LABELS.get(key, key.replace("_", " ").capitalize()))


def _nested(value) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and (not value or isinstance(value[0], (dict, list))))


def _block(title: str, value, coded: dict | None = None) -> list[dict]:
    """A titled block: a table for a list of records, a definition list for one record, a line otherwise."""
    coded = coded if coded is not None else _coded_fields()
    if isinstance(value, list) and value and isinstance(value[0], dict):
        columns = list(value[0].keys())
        lines = [[_cell(column, row.get(column), coded) for column in columns] for row in value[:MAX_LINES]]
        more = len(value) - len(lines)
        return [{"title": title, "columns": [_label(c) for c in columns], "lines": lines, "more": more}]
    if isinstance(value, dict):
        simple = [(key, item) for key, item in value.items() if not _nested(item)]
        nested = [(key, item) for key, item in value.items() if _nested(item)]
        blocks = [{"title": title, "rows": [(_label(k), _cell(k, v, coded)) for k, v in simple]}] if simple else []
        for key, item in nested:
            blocks += _block(f"{title} · {_label(key)}", item, coded)
        return blocks
    if isinstance(value, list):
        return [{"title": title, "rows": [("", _text(value))]}] if value else [{"title": title, "empty": True}]
    return [{"title": title, "rows": [("", _text(value))]}]


def export_blocks(document: dict) -> list[dict]:
    blocks = []
    for name, section in document["sections"].items():
        title = str(SECTION_TITLES.get(name, name))
        if section in ([], {}, None):
            blocks.append({"title": title, "empty": True})
            continue
        blocks += _block(title, section)
    events = document["audit_events"]
    title = str(SECTION_TITLES["audit_events"])
    blocks += _block(title, events) if events else [{"title": title, "empty": True}]
    return blocks


def export_pdf(*, request, document: dict) -> bytes:
    """The export in the requester's language as it is when the export is built (SPEC A12)."""
    language = request.user.language
    with translation.override(language):  # the blocks' titles and values are words, made here
        context = {"request": request, "reference": request.reference, "blocks": export_blocks(document)}
    return render_pdf("privacy/pdf/export.html", context, language=language)


def evidence_pdf(*, events: list, verification, digest: str, filters: dict, language: str, reference: str) -> bytes:
    context = {
        "events": events,
        "verification": verification,
        "digest": digest,
        "filters": filters,
        "reference": reference,
    }
    return render_pdf("privacy/pdf/evidence.html", context, language=language)
