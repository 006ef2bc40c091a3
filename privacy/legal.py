"""The words behind the codes the domain hooks return (``privacy.hooks``): what was erased, what was kept and the
legal reason for keeping it, shown to the DPO and to the person (SPEC B7, G3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACCOUNTING = _("Accounting records are kept 10 years (Code de commerce, art. L123-22).")
INSURANCE = _(
    "Needed to manage the contract and its claims, and kept during the limitation period of insurance actions "
    "(Code des assurances, art. L114-1)."
)

KEPT: dict[str, tuple] = {
    "identity_in_force": (
        _("Identity, address, contact details and bank account"),
        _("Needed to perform your contract in force (GDPR art. 6(1)(b) and 17(3)(b))."),
    ),
    "membership_number": (_("Membership number and year of birth"), _("Key of the accounting records kept.")),
    "contracts": (_("Contracts and affiliations: numbers, products, periods"), ACCOUNTING),
    "claims_in_force": (_("Reimbursement claims, care items and supporting documents"), INSURANCE),
    "claims_accounting": (_("Claim references, dates and amounts reimbursed"), ACCOUNTING),
    "payments": (_("Reimbursement transfers (amount, date, masked account)"), ACCOUNTING),
    "requests_in_force": (_("Your requests and their messages"), INSURANCE),
    "requests_evidence": (
        _("Request references, kinds, statuses and dates"),
        _("Evidence of how each request was handled, kept for the civil limitation period (Code civil, art. 2224)."),
    ),
    "consents": (
        _("History of your consents and preferences"),
        _("Proof of consent the controller must be able to show (GDPR art. 7(1))."),
    ),
    "terms_acceptances": (_("Acceptances of the terms of use"), _("Proof of the contract between you and us.")),
    "login_in_force": (_("Your login"), _("Needed to reach your contracts online while they are in force.")),
    "audit_trail": (
        _("The evidence trail of operations"),
        _("Legal obligation to prove operations (GDPR art. 5(2) and 32); it is append-only and cannot be changed."),
    ),
}

ERASED: dict[str, object] = {
    "person_anonymised": _("Identity and contact details anonymised"),
    "bank_accounts": _("Bank accounts deleted"),
    "reference_salaries": _("Reference salaries deleted"),
    "claim_drafts": _("Unsent claim drafts deleted"),
    "claim_documents": _("Supporting documents deleted from storage"),
    "bills_read": _("Bills uploaded to pre-fill a claim, and the text read from them, deleted"),
    "care_items_cleared": _("Practitioners' names and comments erased from care items"),
    "request_attachments": _("Files attached to requests deleted"),
    "request_messages": _("Request messages erased"),
    "request_forms": _("Request forms emptied"),
    "death_benefit_designations": _("Death-benefit beneficiary designations deleted"),
    "login_anonymised": _("Login anonymised"),
}


def kept_rows(codes: list[str]) -> list[tuple[str, str]]:
    """(what, why) in the active language, once per code, in a stable order."""
    seen = list(dict.fromkeys([*codes, "audit_trail"]))
    return [(str(KEPT[code][0]), str(KEPT[code][1])) for code in seen if code in KEPT]


def erased_rows(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(ERASED.get(code, code)), count) for code, count in counts.items() if count]
