"""State changes of health professionals and their third-party-payment agreements."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.services import record
from core.validation import check_format, constraint_errors, field_error, validate_row
from people.services import Address
from providers.choices import ProfessionalKind
from providers.models import HealthProfessional, TPAgreement

if TYPE_CHECKING:
    from accounts.models import User

AGREEMENT_NUMBER = re.compile(r"TP\d{8}")
_COORDINATE = Decimal("0.00001")


def _identifiers(kind: str, *, rpps: str, adeli: str, finess: str) -> dict[str, str | None]:
    """The identifier columns for a kind: a practitioner has RPPS or ADELI, a facility FINESS, never a mix."""
    ids = {"rpps": rpps.strip() or None, "adeli": adeli.strip() or None, "finess": finess.strip() or None}
    if kind == ProfessionalKind.FACILITY and (ids["rpps"] or ids["adeli"]):
        raise field_error("rpps", _("A facility is identified by its FINESS number only."), code="invalid")
    if kind == ProfessionalKind.PRACTITIONER and ids["finess"]:
        raise field_error("finess", _("A practitioner is identified by an RPPS or ADELI number."), code="invalid")
    return ids


def _coordinate(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_COORDINATE)


@transaction.atomic
def professional_create(
    *,
    actor: User | None,
    kind: str,
    name: str,
    specialty: str,
    rpps: str = "",
    adeli: str = "",
    finess: str = "",
    email: str = "",
    phone: str = "",
    address: Address | None = None,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    is_partner_network: bool = False,
) -> HealthProfessional:
    """Record a practitioner or a facility; the coordinates let members find it by distance (M11)."""
    professional = HealthProfessional(
        kind=kind,
        name=name,
        specialty=specialty,
        email=email,
        phone=phone,
        latitude=_coordinate(latitude),
        longitude=_coordinate(longitude),
        is_partner_network=is_partner_network,
        **_identifiers(kind, rpps=rpps, adeli=adeli, finess=finess),
    )
    (address or Address()).apply_to(professional)
    validate_row(professional)
    with constraint_errors(professional):
        professional.save()
    data = {"identifier": professional.identifier, "kind": kind}
    record(actor=actor, action="professional.created", target=professional, data=data)
    return professional


def _check_no_overlap(professional: HealthProfessional, start_date: date, end_date: date | None) -> None:
    """One agreement in force at a time: the number a professional registers with must be unambiguous."""
    overlapping = professional.agreements.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise field_error(
            "start_date", _("This professional already has an agreement in force over this period."), code="overlap"
        )


@transaction.atomic
def agreement_create(
    *,
    actor: User | None,
    professional: HealthProfessional,
    number: str,
    start_date: date,
    end_date: date | None = None,
) -> TPAgreement:
    """Sign a third-party-payment agreement: from then on the professional may invoice the insurer directly."""
    check_format(number, AGREEMENT_NUMBER, field="number", message=_("An agreement number is TP followed by 8 digits."))
    agreement = TPAgreement(professional=professional, number=number, start_date=start_date, end_date=end_date)
    validate_row(agreement)
    _check_no_overlap(professional, start_date, end_date)
    with constraint_errors(agreement):
        agreement.save()
    data = {"number": number, "start_date": start_date.isoformat()}
    record(actor=actor, action="agreement.created", target=agreement, data=data)
    return agreement
