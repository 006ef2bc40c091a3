"""Emails about contributions (SPEC X3): a new call, a payment received, a reminder; in each reader's language,
sent once the transaction commits, to the logins acting for the contract's holder (its member or company profiles).

They give amounts and the receipt number and link to the portal, never bank details.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.models import User
from contracts.models import Contract
from contributions.models import ContributionCall
from core.mail import send_templated_email


def recipients(contract: Contract) -> list[tuple[str, str, str]]:
    """(email, language, first name) of the logins acting for the holder; the holder's own address otherwise."""
    if contract.holder_person_id:
        acting = {"profiles__person_id": contract.holder_person_id, "profiles__kind": ProfileKind.MEMBER}
    else:
        acting = {"profiles__company_id": contract.holder_company_id, "profiles__kind": ProfileKind.COMPANY}
    users = User.objects.filter(**acting, profiles__is_active=True, is_active=True).distinct()
    found = [(u.email, u.language, u.first_name) for u in users if u.email]
    if found:
        return found
    fallback = (contract.holder_person or contract.holder_company).email  # read only when no login has an address
    return [(fallback, "fr", "")] if fallback else []


def _schedule(contract: Contract, template: str, context: dict) -> int:
    found = recipients(contract)
    for email, language, first_name in found:
        send_templated_email(
            to=[email],
            template=f"contributions/emails/{template}",
            context={**context, "first_name": first_name},
            language=language,
        )
    return len(found)


def _call_context(call: ContributionCall) -> dict:
    return {
        "receipt_number": call.receipt_number,
        "contract_number": call.contract.number,
        "period_start": call.period_start,
        "period_end": call.period_end,
        "due_date": call.due_date,
        "amount_due": call.amount_due,
        "remaining": call.remaining,
        "url": settings.PORTAL_URL + reverse("contributions:detail", args=[call.public_id]),
    }


def call_issued(call: ContributionCall) -> int:
    return _schedule(call.contract, "call_issued", _call_context(call))


def reminder(call: ContributionCall, level: int) -> int:
    return _schedule(call.contract, "reminder", {**_call_context(call), "formal_notice": level >= 2})


def payment_received(contract: Contract, *, amount: Decimal, received_on, calls: list[ContributionCall]) -> int:
    context = {
        "amount": amount,
        "received_on": received_on,
        "contract_number": contract.number,
        "calls": [
            {"receipt_number": call.receipt_number, "remaining": call.remaining, "paid": not call.is_open}
            for call in calls
        ],
        "url": settings.PORTAL_URL + reverse("contributions:list"),
    }
    return _schedule(contract, "payment_received", context)
