"""What a company correspondent or an agent sees (SPEC E1-E3, E7, E8), always through ``contracts.selectors``.

- company: its collective contracts and their affiliated employees;
- agent: the contracts under its mandates in force or in the grace period, their holders (its clients)
  and their insured;
- nothing for anyone else. Confidential contracts and people are withheld (SPEC X8).

Writes are open only on contracts in force and, for an agent, under a mandate in force today: after the
end, the grace period gives read-only access (SPEC E8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.choices import ProfileKind
from accounts.models import Profile
from contracts.choices import AffiliationRole
from contracts.models import Affiliation, Contract
from contracts.selectors import affiliation_list, contract_list
from contributions.selectors import call_list, overdue_awaited, standing
from core.home import Figure, SpaceHome
from core.money import euros
from demarches.selectors import awaited_requests
from documents.pdf import paris_today
from people.models import Company, Person, ReferenceSalary

SPACE_KINDS = (ProfileKind.COMPANY, ProfileKind.AGENT)
SORTS = {
    "name": ("person__last_name", "person__first_name", "pk"),
    "first_name": ("person__first_name", "person__last_name", "pk"),
    "contract": ("contract__number", "person__last_name", "pk"),
    "country": ("country_of_expatriation", "person__last_name", "pk"),
    "start": ("start_date", "person__last_name", "pk"),
}
DEFAULT_SORT = "name"


def _in_space(actor: Profile | None) -> bool:
    return actor is not None and actor.kind in SPACE_KINDS


def space_contracts(*, actor: Profile | None) -> QuerySet[Contract]:
    """The contracts of the company or under the agent's mandates, as ``contracts.selectors`` scopes them."""
    return contract_list(actor=actor) if _in_space(actor) else Contract.objects.none()


def space_contract_get(*, actor: Profile | None, public_id) -> Contract | None:
    return space_contracts(actor=actor).filter(public_id=public_id).first()


def _open_today(today: date) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=today)


def writable_contracts(*, actor: Profile | None, today: date | None = None) -> QuerySet[Contract]:
    """The contracts on which the actor may still act: in force today and, for an agent, mandated today."""
    today = today or timezone.localdate()
    contracts = space_contracts(actor=actor).filter(_open_today(today), effective_date__lte=today)
    if actor is not None and actor.kind == ProfileKind.AGENT:
        mandated = Q(mandates__agent_id=actor.agent_id, mandates__start_date__lte=today) & (
            Q(mandates__end_date__isnull=True) | Q(mandates__end_date__gte=today)
        )
        contracts = contracts.filter(pk__in=Contract.objects.filter(mandated).values("pk"))
    return contracts


@dataclass(frozen=True)
class SpaceState:
    """Whether the space is read-only (every contract or mandate ended, SPEC E8) and until when."""

    read_only: bool
    access_until: date | None = None


def space_state(*, actor: Profile | None, today: date | None = None) -> SpaceState:
    today = today or timezone.localdate()
    if not _in_space(actor) or writable_contracts(actor=actor, today=today).exists():
        return SpaceState(read_only=False)
    contracts = list(space_contracts(actor=actor))
    if not contracts:  # nothing held or managed yet: nothing has ended either
        return SpaceState(read_only=False)
    ends = [contract.end_date for contract in contracts if contract.end_date is not None]
    if actor.kind == ProfileKind.AGENT:
        mandates = actor.agent.mandates.filter(end_date__isnull=False).values_list("end_date", flat=True)
        ends.extend(mandates)
    last = max(ends) if ends else None
    until = last + relativedelta(months=settings.ACCOUNT_GRACE_MONTHS) if last else None
    return SpaceState(read_only=True, access_until=until)


# --- Employees (or an agent's insured) ------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeFilters:
    """What the employees list asks for; empty values filter nothing. ``sort`` is one of ``SORTS``."""

    query: str = ""
    contract: str = ""  # a contract's public id
    status: str = "current"  # current, ended or all
    sort: str = DEFAULT_SORT
    descending: bool = False


def employee_list(*, actor: Profile | None, filters: EmployeeFilters | None = None) -> QuerySet[Affiliation]:
    """The subscribers (employees; for an agent every insured holder) of the contracts the actor sees, one row per
    contract, with what the list and the export show in a fixed number of queries."""
    if not _in_space(actor):
        return Affiliation.objects.none()
    filters = filters or EmployeeFilters()
    rows = affiliation_list(actor=actor).filter(role=AffiliationRole.SUBSCRIBER, person__is_confidential=False)
    rows = _filtered(rows, filters)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    if filters.descending:
        order = tuple(f"-{field}" if field != "pk" else field for field in order)
    return rows.select_related("person", "contract", "contract__product", "contract__holder_company").order_by(*order)


def _filtered(rows: QuerySet[Affiliation], filters: EmployeeFilters) -> QuerySet[Affiliation]:
    today = timezone.localdate()
    if filters.status == "current":
        rows = rows.filter(_open_today(today))
    elif filters.status == "ended":
        rows = rows.filter(end_date__lt=today)
    if filters.contract:
        rows = rows.filter(contract__public_id=filters.contract)
    for word in filters.query.split()[:5]:
        rows = rows.filter(
            Q(person__last_name__icontains=word)
            | Q(person__first_name__icontains=word)
            | Q(person__membership_number__startswith=word)
            | Q(employee_number__iexact=word)
        )
    return rows


def employee_get(*, actor: Profile | None, public_id) -> Affiliation | None:
    """One employee's affiliation (a subscriber's) if the actor sees it; None for missing and forbidden alike."""
    return employee_list(actor=actor, filters=EmployeeFilters(status="all")).filter(public_id=public_id).first()


def employee_covers(*, actor: Profile | None, affiliation: Affiliation) -> QuerySet[Affiliation]:
    """Every affiliation of the same person the actor sees (health and welfare, past ones too)."""
    return (
        employee_list(actor=actor, filters=EmployeeFilters(status="all"))
        .filter(person_id=affiliation.person_id)
        .order_by("-start_date", "contract__number")
    )


def employee_dependants(*, affiliation: Affiliation) -> QuerySet[Affiliation]:
    return affiliation.dependants.filter(person__is_confidential=False).select_related("person").order_by("start_date")


def reference_salary_current(*, affiliation: Affiliation) -> ReferenceSalary | None:
    today = timezone.localdate()
    salaries = affiliation.person.reference_salaries.filter(effective_date__lte=today)
    return salaries.order_by("-effective_date").first()


def is_writable(*, actor: Profile | None, affiliation: Affiliation) -> bool:
    """May the actor change this cover: its contract is writable for the actor, and the cover is still open."""
    today = timezone.localdate()
    open_cover = affiliation.end_date is None or affiliation.end_date >= today
    return open_cover and contract_is_writable(actor=actor, contract=affiliation.contract)


def contract_is_writable(*, actor: Profile | None, contract: Contract) -> bool:
    return writable_contracts(actor=actor).filter(pk=contract.pk).exists()


def writable_employee_people(*, actor: Profile | None) -> QuerySet[Person]:
    """The people whose records the actor may ask to change: subscribers of contracts it may still act on."""
    affiliations = Affiliation.objects.filter(
        contract__in=writable_contracts(actor=actor), role=AffiliationRole.SUBSCRIBER, person__is_confidential=False
    )
    return Person.objects.filter(pk__in=affiliations.values("person_id")).order_by("last_name", "first_name")


# --- Companies (the company's own, an agent's clients) ----------------------------------------------------


def client_companies(*, actor: Profile | None) -> QuerySet[Company]:
    """The company itself, or the companies holding a contract under the agent's mandates."""
    if not _in_space(actor):
        return Company.objects.none()
    if actor.kind == ProfileKind.COMPANY:
        return Company.objects.filter(pk=actor.company_id)
    holders = space_contracts(actor=actor).filter(holder_company__isnull=False).values("holder_company_id")
    return Company.objects.filter(pk__in=holders).order_by("name")


def client_company_get(*, actor: Profile | None, public_id) -> Company | None:
    return client_companies(actor=actor).filter(public_id=public_id).first()


def writable_companies(*, actor: Profile | None) -> QuerySet[Company]:
    holders = writable_contracts(actor=actor).filter(holder_company__isnull=False).values("holder_company_id")
    return Company.objects.filter(pk__in=holders).order_by("name")


def home_summary(profile: Profile) -> SpaceHome:
    """What a company's or an agent's home puts first (two queries): overdue contributions, requests waiting for an
    answer; then what is coming."""
    totals = standing(call_list(actor=profile), today=paris_today())
    figures = []
    if totals["upcoming_count"]:
        figures.append(
            Figure(
                gettext("Next contributions"),
                gettext("%(amount)s due on %(date)s")
                % {"amount": euros(totals["upcoming"]), "date": date_format(totals["next_due"], "SHORT_DATE_FORMAT")},
                reverse("contributions:list"),
            )
        )
    return SpaceHome(awaited=overdue_awaited(totals) + awaited_requests(actor=profile), figures=figures)


def people_count(rows: QuerySet[Affiliation]) -> int:
    """How many people ``employee_list`` rows hold: a person covered by two contracts is one person, two rows."""
    return rows.order_by().values("person_id").distinct().count()
