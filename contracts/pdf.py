"""Contract documents as PDF: the insurance certificate (*attestation d'assurance*, SPEC M6, E3)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q

from contracts.choices import AffiliationRole
from contracts.models import Affiliation
from documents.pdf import paris_today, render_pdf

CERTIFICATE_TEMPLATE = "contracts/pdf/certificate.html"


def _open_on(on: date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def _certificate_affiliation(pk: int, on: date) -> Affiliation:
    """The subscriber's affiliation with what the certificate prints, in two queries.

    Only dependants covered on the day of issue are listed; confidential ones are withheld (SPEC X8).
    """
    dependants = (
        Affiliation.objects.filter(_open_on(on), person__is_confidential=False)
        .select_related("person")
        .order_by("person__birth_date", "pk")
    )
    return (
        Affiliation.objects.select_related("person", "contract__product", "contract__holder_company", "contract__zone")
        .prefetch_related(Prefetch("dependants", queryset=dependants, to_attr="covered_dependants"))
        .get(pk=pk, role=AffiliationRole.SUBSCRIBER)
    )


def certificate_validity(affiliation: Affiliation, on: date) -> tuple[date, date]:
    """From the start of cover to its end, but never beyond 31 December of the year certified.

    Contributions are called year by year: an open-ended contract is certified for one calendar year.
    """
    contract = affiliation.contract
    start = max(affiliation.start_date, contract.effective_date)
    ends = [end for end in (affiliation.end_date, contract.end_date) if end is not None]
    return start, min([*ends, date(max(on.year, start.year), 12, 31)])


def certificate_reference(affiliation: Affiliation, on: date) -> str:
    """Printed on the document so the management centre can tell which certificate a person holds."""
    return f"ATT-{on:%Y%m%d}-{affiliation.public_id.hex[:10].upper()}"


def certificate_pdf(*, affiliation: Affiliation, language: str) -> bytes:
    """The insurance certificate of a subscriber and of the dependants covered today, as PDF bytes."""
    issued_on = paris_today()
    subscriber = _certificate_affiliation(affiliation.pk, issued_on)
    valid_from, valid_to = certificate_validity(subscriber, issued_on)
    context = {
        "affiliation": subscriber,
        "person": subscriber.person,
        "contract": subscriber.contract,
        "covered": [subscriber, *subscriber.covered_dependants],
        "valid_from": valid_from,
        "valid_to": valid_to,
        "issued_on": issued_on,
        "reference": certificate_reference(subscriber, issued_on),
    }
    return render_pdf(CERTIFICATE_TEMPLATE, context, language=language)
