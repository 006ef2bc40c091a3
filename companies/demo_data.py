"""Demo records of the company space: requests the demo company correspondent and the demo agent are waiting on
(SPEC E5), so that their request lists and the back-office queue show company matters. The employees, contracts
and mandates themselves come from ``demo.companies`` and ``demo.network``."""

from __future__ import annotations

from accounts.choices import ProfileKind
from accounts.models import Profile
from companies import selectors
from contracts.choices import ProductLine
from demarches.services import request_submit
from demo.companies import company_number
from demo.network import agent_number


def _profile(kind: str, **lookup) -> Profile | None:
    return Profile.objects.filter(kind=kind, is_active=True, **lookup).select_related("user").first()


def _salary_request(ctx, profile: Profile) -> None:
    """A reference salary declared for an employee covered by the company's welfare contract."""
    employee = (
        selectors.employee_list(actor=profile)
        .filter(contract__product__line=ProductLine.WELFARE)
        .order_by("person__membership_number")
        .first()
    )
    if employee is None:
        return
    payload = {
        "person": str(employee.person.public_id),
        "amount": f"{ctx.rng.randint(38, 62) * 1000}.00",
        "effective_date": ctx.today.replace(month=1, day=1).isoformat(),
    }
    _submit(profile, "employee_reference_salary_demo", "employee_reference_salary", payload, attachments=1)


def _payment_terms_request(profile: Profile) -> None:
    contract = selectors.writable_contracts(actor=profile).order_by("number").first()
    if contract is None:
        return
    payload = {"contract": str(contract.public_id), "payment_method": "direct_debit", "payment_frequency": "monthly"}
    _submit(profile, "agent_payment_terms_demo", "payment_terms_change", payload)


def _submit(profile: Profile, key: str, kind: str, payload: dict, attachments: int = 0) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile("bulletin-de-salaire.pdf", _PAYSLIP, content_type="application/pdf")] * attachments
    request_submit(actor=profile, kind_code=kind, payload=payload, attachments=files, idempotency_key=key)


_PAYSLIP = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"
)


def build(ctx) -> None:
    company = _profile(ProfileKind.COMPANY, company__membership_number=company_number(0))
    if company is not None:
        _salary_request(ctx, company)
    agent = _profile(ProfileKind.AGENT, agent__membership_number=agent_number(0))
    if agent is not None:
        _payment_terms_request(agent)
