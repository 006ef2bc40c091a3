"""What the contracts hold about a person, for the privacy app (SPEC G2, G3): contracts held, affiliations, and the
end of the last relation, from which the retention period runs. Nothing here is erased: contract numbers, periods
and products are insurance and accounting records."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from contracts.models import Affiliation, Contract
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register


def export(subject: Subject) -> dict | None:
    person = subject.person
    if person is None:
        return None
    held = Contract.objects.filter(holder_person=person).select_related("product").order_by("effective_date")
    affiliations = (
        Affiliation.objects.filter(person=person)
        .select_related("contract__product", "contract__holder_company")
        .order_by("start_date")
    )
    return {
        "contracts_held": [
            {
                "number": contract.number,
                "kind": contract.kind,
                "product": contract.product.name_fr,
                "effective_date": contract.effective_date,
                "end_date": contract.end_date,
                "payment_method": contract.payment_method,
                "payment_frequency": contract.payment_frequency,
            }
            for contract in held
        ],
        "affiliations": [
            {
                "contract_number": affiliation.contract.number,
                "employer": affiliation.contract.holder_company.name if affiliation.contract.holder_company else "",
                "role": affiliation.role,
                "start_date": affiliation.start_date,
                "end_date": affiliation.end_date,
                "country_of_expatriation": affiliation.country_of_expatriation.code or "",
                "employee_number": affiliation.employee_number,
            }
            for affiliation in affiliations
        ],
    }


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.person is not None and Affiliation.objects.filter(person=subject.person).exists():
        outcome.kept.append(Kept("contracts"))
    return outcome


def relation_end(person) -> date | None:
    """The last day any affiliation or held contract covers ``person``: date.max while one is open."""
    ends = list(Affiliation.objects.filter(person=person).values_list("end_date", flat=True))
    ends += list(Contract.objects.filter(holder_person=person).values_list("end_date", flat=True))
    if not ends:
        return None
    return date.max if any(end is None for end in ends) else max(ends)


def ended_before(cutoff: date) -> list[int]:
    """Ids of the people every relation of whom ended before ``cutoff`` (candidates for anonymisation)."""
    still_covered = Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=cutoff)).values("person_id")
    still_holding = Contract.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=cutoff), holder_person__isnull=False
    ).values("holder_person_id")
    return list(
        Affiliation.objects.exclude(person_id__in=still_covered)
        .exclude(person_id__in=still_holding)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )


def audit_targets(subject: Subject) -> list[tuple[str, str]]:
    if subject.person is None:
        return []
    affiliations = Affiliation.objects.filter(person=subject.person).values_list("public_id", flat=True)
    held = Contract.objects.filter(holder_person=subject.person).values_list("public_id", flat=True)
    return [("contracts.affiliation", str(pk)) for pk in affiliations] + [
        ("contracts.contract", str(pk)) for pk in held
    ]


register(
    PrivacyHook(
        name="contracts",
        export=export,
        erase=erase,
        audit_targets=audit_targets,
        relation_end=relation_end,
        order=20,
    )
)
