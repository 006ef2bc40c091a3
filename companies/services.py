"""State changes of the company space: company information (applied when staff validate the request), the
evidence of an employees export, and the bulk affiliation of a spreadsheet's lines (SPEC E1, E3).

Each change runs in one transaction, validates with ``full_clean()`` and records one audit event.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import record
from companies import bulk
from companies.affiliations import employee_affiliate
from companies.choices import LeaveReason
from contracts.models import Affiliation
from contracts.services import affiliation_end
from people.models import Company
from people.services import Address

if TYPE_CHECKING:
    from accounts.models import Profile, User

COMPANY_FIELDS = ("name", "siret", "email", "phone", "address_line1", "address_line2", "postal_code", "city")
COMPANY_FIELDS += ("country",)


@transaction.atomic
def company_information_update(*, actor: User | None, company: Company, values: dict[str, Any]) -> Company:
    """Apply validated changes of a company's name, SIRET, email, phone and correspondence address."""
    before = {name: str(getattr(company, name) or "") for name in COMPANY_FIELDS}
    for name in ("name", "siret", "email", "phone"):
        if name in values:
            setattr(company, name, "".join(str(values[name]).split()) if name == "siret" else values[name])
    if any(name in values for name in ("address_line1", "postal_code", "city", "country")):
        Address(
            line1=values.get("address_line1", company.address_line1),
            line2=values.get("address_line2", company.address_line2),
            postal_code=values.get("postal_code", company.postal_code),
            city=values.get("city", company.city),
            country=values.get("country", company.country.code) or "FR",
        ).apply_to(company)
    company.full_clean()
    changed = [name for name in COMPANY_FIELDS if str(getattr(company, name) or "") != before[name]]
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
        record(actor=actor, action="company.information_updated", target=company, data={"fields": changed})
    return company


def employees_exported(*, actor: Profile, count: int, filters: dict[str, Any]) -> None:
    """The evidence of a personal-data export: who took which employees' list, with which filters."""
    data = {"count": count, "filters": filters, "profile_kind": actor.kind}
    record(actor=actor.user, action="employees.exported", data=data, profile=actor.kind)


@transaction.atomic
def employees_import(*, actor: Profile, lines: list[bulk.Line]) -> bulk.ImportResult:
    """Affiliate every line of a checked file, all or none; lines already affiliated are left as they are."""
    created = already = 0
    for line in lines:
        _affiliation, new = employee_affiliate(
            actor=actor.user,
            contract=line.contract,
            employee=line.employee,
            start_date=line.start_date,
            employee_number=line.employee_number,
            country_of_expatriation=line.country,
        )
        created, already = created + new, already + (not new)
    data = {"lines": len(lines), "created": created, "already_affiliated": already}
    record(actor=actor.user, action="employees.imported", data=data, profile=actor.kind)
    return bulk.ImportResult(created=created, already=already)


@transaction.atomic
def employee_leave(*, actor: Profile, affiliation: Affiliation, end_date: date, reason: str) -> Affiliation:
    """End an employee's cover at their departure (dependants end with it), with the reason the employer gives."""
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": _("Choose a reason.")}, code="invalid")
    if affiliation.end_date is not None and affiliation.end_date <= end_date:
        raise ValidationError(
            {"end_date": _("This cover already ends on %(date)s.") % {"date": affiliation.end_date.isoformat()}},
            code="already_ended",
        )
    affiliation_end(actor=actor.user, affiliation=affiliation, end_date=end_date)
    data = {"contract": affiliation.contract.number, "end_date": end_date.isoformat(), "reason": reason}
    record(actor=actor.user, action="employee.left", target=affiliation, data=data, profile=actor.kind)
    return affiliation
