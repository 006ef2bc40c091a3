"""What may be claimed online, with the reasons shown before submission (SPEC C2).

One set of checks for the form (each step and the summary), the API's eligibility endpoint and the submission
itself: bills under ``CLAIM_MAX_TOTAL_EUR`` after conversion, no hospitalisation or thermal cure (categories not
``claimable_online``: those go through a request), the beneficiary's rights open on each care date, care neither
in the future nor older than 2 years, 1 to 10 items of 1 to 5 documents, and the service open to this member:
not closed for maintenance, not suspended (C7), account not read-only (A11), the login a subscriber's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import ProfileKind
from accounts.lifecycle import account_read_only
from claims import conf
from claims.currency import Conversion, convert
from content.choices import Feature
from content.selectors import maintenance_active
from contracts.choices import AffiliationRole, ProductLine
from contracts.models import Affiliation, CareCategory, Contract, GuaranteeLine
from contracts.selectors import affiliation_list


@dataclass(frozen=True)
class Problem:
    """One reason the claim cannot be submitted as it is; ``field`` names the input at fault."""

    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass
class Beneficiary:
    """A person the subscriber may claim for, on one contract, with their periods of cover and guarantees."""

    affiliation: Affiliation  # the latest affiliation of this person on this contract: its id names the choice
    periods: list[tuple[date, date | None]]
    lines: dict[str, GuaranteeLine] = field(default_factory=dict)  # category code -> guarantee line

    @property
    def person(self):
        return self.affiliation.person

    @property
    def contract(self) -> Contract:
        return self.affiliation.contract

    @property
    def categories(self) -> list[CareCategory]:
        """The care types of the beneficiary's guarantee that can be claimed online."""
        found = [line.category for line in self.lines.values() if line.category.claimable_online]
        return sorted(found, key=lambda c: (c.position, c.code))

    def covered_on(self, day: date) -> bool:
        in_force = self.contract.is_in_force(day)
        return in_force and any(start <= day and (end is None or end >= day) for start, end in self.periods)

    def label(self) -> str:
        role = self.affiliation.get_role_display()
        return f"{self.person} — {role} — {self.contract.number}"


@dataclass
class ItemInput:
    """One care item as the member entered it (the form or the API)."""

    care_date: date | None
    category: str
    practitioner: str
    country: str
    amount: Decimal | None
    currency: str
    documents: int = 0
    key: str = ""


@dataclass
class Assessment:
    problems: list[Problem]
    beneficiary: Beneficiary | None = None
    conversions: list[Conversion | None] = field(default_factory=list)
    categories: dict[str, CareCategory] = field(default_factory=dict)
    total_eur: Decimal = Decimal("0.00")

    @property
    def eligible(self) -> bool:
        return not self.problems


# --- Who may claim for whom ---------------------------------------------------------------


def _subscriber_affiliations(profile) -> list[Affiliation]:
    """The affiliations the subscriber may claim for: their own as subscriber and their dependants'."""
    if profile is None or profile.kind != ProfileKind.MEMBER:
        return []
    person_id = profile.person_id
    mine = Q(person_id=person_id, role=AffiliationRole.SUBSCRIBER) | Q(principal__person_id=person_id)
    return list(affiliation_list(actor=profile).filter(mine))


def beneficiaries(profile, *, today: date | None = None) -> list[Beneficiary]:
    """The subscriber and covered family members, one per person and contract, with rights open now or within
    the last two years (care from then can still be claimed). Three queries whatever the family's size."""
    today = today or timezone.localdate()
    since = today - timedelta(days=conf.get("CLAIM_MAX_AGE_DAYS"))
    grouped: dict[tuple[int, int], list[Affiliation]] = defaultdict(list)
    for affiliation in _subscriber_affiliations(profile):
        grouped[(affiliation.person_id, affiliation.contract_id)].append(affiliation)
    found = []
    for rows in grouped.values():
        latest = max(rows, key=lambda a: a.start_date)
        periods = [(a.start_date, a.end_date) for a in rows]
        if any(start <= today and (end is None or end >= since) for start, end in periods):
            found.append(Beneficiary(affiliation=latest, periods=periods))
    _attach_lines(found)
    found = [b for b in found if _reimburses_care(b)]
    return sorted(found, key=lambda b: (b.affiliation.role != AffiliationRole.SUBSCRIBER, str(b.person)))


def _reimburses_care(beneficiary: Beneficiary) -> bool:
    """Only health contracts with a care category claimable online take claims (welfare pays no care)."""
    if beneficiary.contract.product.line == ProductLine.WELFARE:
        return False
    return any(line.category.claimable_online for line in beneficiary.lines.values())


def _attach_lines(found: list[Beneficiary]) -> None:
    products = {b.contract.product_id for b in found}
    today = timezone.localdate()
    lines = GuaranteeLine.objects.in_force(today).filter(product_id__in=products).select_related("category")
    by_product: dict[int, dict[str, GuaranteeLine]] = defaultdict(dict)
    for line in lines:
        by_product[line.product_id][line.category.code] = line
    for beneficiary in found:
        beneficiary.lines = by_product[beneficiary.contract.product_id]


def beneficiary_get(profile, public_id) -> Beneficiary | None:
    """The choice named by an affiliation's public id, if this subscriber may claim for it."""
    for beneficiary in beneficiaries(profile):
        if str(beneficiary.affiliation.public_id) == str(public_id):
            return beneficiary
    return None


# --- The service itself ----------------------------------------------------------------------


def service_problems(profile) -> list[Problem]:
    """Reasons the service is closed to this member whatever they claim (shown instead of the form)."""
    from claims.selectors import active_suspension

    if profile is None or profile.kind != ProfileKind.MEMBER:
        return [Problem("not_member", _("Only a member may claim a reimbursement."))]
    problems = []
    windows = list(maintenance_active(feature=Feature.CLAIMS))
    if windows:
        message = " ".join(w.message for w in windows)
        problems.append(Problem("maintenance", message or _("The online claims service is closed for maintenance.")))
    if account_read_only(profile.user):
        problems.append(
            Problem("read_only", _("Your contracts have ended: your account is read-only and takes no new claim."))
        )
    suspension = active_suspension(profile.person_id)
    if suspension is not None:
        when = timezone.localtime(suspension.starts_at).date().isoformat()
        problems.append(
            Problem(
                "suspended",
                _("Your access to the online claims service is suspended since %(date)s: %(explanation)s")
                % {"date": when, "explanation": suspension.explanation},
            )
        )
    return problems


# --- The items ---------------------------------------------------------------------------------


def _categories(codes: set[str]) -> dict[str, CareCategory]:
    return {c.code: c for c in CareCategory.objects.filter(code__in=codes)} if codes else {}


def item_problems(
    item: ItemInput, index: int, beneficiary: Beneficiary, categories: dict[str, CareCategory], today: date
) -> tuple[list[Problem], Conversion | None]:
    """What is wrong with one item, and its conversion to euros when it can be computed."""
    prefix = f"items[{index}]"
    problems = []
    problems += _date_problems(item, prefix, beneficiary, today)
    problems += _category_problems(item, prefix, beneficiary, categories)
    if not (item.practitioner or "").strip():
        problems.append(Problem("required", _("Say who gave the care."), f"{prefix}.practitioner"))
    if not item.country:
        problems.append(Problem("required", _("Say in which country the care was given."), f"{prefix}.country"))
    conversion = None
    if item.amount is None or item.amount <= 0:
        problems.append(Problem("amount", _("Enter the amount paid (more than 0)."), f"{prefix}.amount"))
    elif item.care_date is not None and item.care_date <= today:
        try:
            conversion = convert(item.amount, item.currency, item.care_date)
        except ValidationError as error:
            problems.append(Problem(error.code or "currency", error.messages[0], f"{prefix}.currency"))
        else:
            if conversion.amount_eur <= 0:  # issue 13: too small to be paid in euros, said here and not later
                message = _(
                    "%(amount)s %(currency)s is less than one euro cent at the rate of %(date)s: "
                    "nothing can be reimbursed for it."
                ) % {"amount": item.amount, "currency": conversion.currency, "date": conversion.rate_date}
                problems.append(Problem("amount_too_small", message, f"{prefix}.amount"))
                conversion = None
    return problems, conversion


def _date_problems(item: ItemInput, prefix: str, beneficiary: Beneficiary, today: date) -> list[Problem]:
    field_name = f"{prefix}.care_date"
    if item.care_date is None:
        return [Problem("required", _("Enter the date of the care."), field_name)]
    if item.care_date > today:
        return [Problem("future", _("The date of care cannot be in the future."), field_name)]
    if item.care_date < today - timedelta(days=conf.get("CLAIM_MAX_AGE_DAYS")):
        return [Problem("too_old", _("Care more than 2 years old can no longer be claimed."), field_name)]
    if not beneficiary.covered_on(item.care_date):
        return [
            Problem(
                "rights_closed",
                _("%(person)s was not covered on %(date)s.")
                % {"person": beneficiary.person, "date": item.care_date.isoformat()},
                field_name,
            )
        ]
    return []


def _category_problems(
    item: ItemInput, prefix: str, beneficiary: Beneficiary, categories: dict[str, CareCategory]
) -> list[Problem]:
    field_name = f"{prefix}.category"
    category = categories.get(item.category)
    if category is None:
        return [Problem("category", _("Choose the type of care from the list."), field_name)]
    if not category.claimable_online:
        return [
            Problem(
                "use_request",
                _(
                    "%(category)s cannot be claimed online: send it through a request (hospitalisation and thermal "
                    "cures are handled by the management centre)."
                )
                % {"category": category.name},
                field_name,
            )
        ]
    if item.category not in beneficiary.lines:
        return [
            Problem(
                "not_covered",
                _("The contract of this beneficiary does not cover %(category)s.") % {"category": category.name},
                field_name,
            )
        ]
    return []


def assess(
    profile,
    beneficiary_id,
    items: list[ItemInput],
    *,
    check_documents: bool = True,
    today: date | None = None,
) -> Assessment:
    """Every reason this claim cannot be submitted (empty: it can), with the conversions and the total."""
    today = today or timezone.localdate()
    problems = service_problems(profile)
    beneficiary = beneficiary_get(profile, beneficiary_id) if beneficiary_id else None
    if beneficiary is None:
        problems.append(Problem("beneficiary", _("Choose the person who received the care."), "beneficiary"))
        return Assessment(problems)
    categories = _categories({item.category for item in items})
    result = Assessment(problems, beneficiary=beneficiary, categories=categories)
    result.problems += _count_problems(items)
    for index, item in enumerate(items):
        found, conversion = item_problems(item, index, beneficiary, categories, today)
        result.problems += found
        if check_documents:
            result.problems += _document_problems(item, index)
        result.conversions.append(conversion)
        result.total_eur += conversion.amount_eur if conversion else Decimal(0)
    result.problems += total_problems(result.total_eur)
    return result


def _count_problems(items: list[ItemInput]) -> list[Problem]:
    limit = conf.get("CLAIM_MAX_ITEMS")
    if not items:
        return [Problem("no_item", _("Add at least one care item."), "items")]
    if len(items) > limit:
        return [
            Problem(
                "too_many_items",
                _("A claim holds %(limit)s care items at most: send the others in another claim.") % {"limit": limit},
                "items",
            )
        ]
    return []


def _document_problems(item: ItemInput, index: int) -> list[Problem]:
    limit = conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM")
    field_name = f"items[{index}].documents"
    if item.documents < 1:
        return [Problem("no_document", _("Attach at least one supporting document to each care item."), field_name)]
    if item.documents > limit:
        return [
            Problem(
                "too_many_documents",
                _("Attach %(limit)s documents at most to a care item.") % {"limit": limit},
                field_name,
            )
        ]
    return []


def total_problems(total_eur: Decimal) -> list[Problem]:
    limit = conf.get("CLAIM_MAX_TOTAL_EUR")
    if total_eur >= limit:
        return [
            Problem(
                "total_too_high",
                _(
                    "The claim totals %(total)s EUR: the online service takes bills under %(limit)s EUR. Send larger "
                    "bills through a request."
                )
                % {"total": total_eur, "limit": limit},
                "items",
            )
        ]
    return []
