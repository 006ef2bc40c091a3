"""Reads of the privacy app, each scoped to who asks (SPEC G2, G4, G5, B6, B7).

A member, company, agent or professional sees the requests it filed under its active profile; the DPO and the
administrators see every request and read the evidence trail (read-only: nothing here writes to ``audit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile, User
from audit.models import AuditEvent
from audit.services import ACCESS_ACTION
from people.models import Person
from privacy.choices import OPEN_STATUSES
from privacy.hooks import Subject, all_hooks
from privacy.models import PageViewCount, PrivacyRequest

PRIVACY_ROLES = (StaffRole.DPO, StaffRole.ADMINISTRATOR)
REQUESTER_KINDS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT, ProfileKind.PROFESSIONAL)
PERSON_ID_LIMIT = 200

# --- The requester's own requests --------------------------------------------------------------------------------


def my_requests(*, profile: Profile) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(user_id=profile.user_id, profile=profile).order_by("-received_on", "-pk")


def access_my_request(*, profile: Profile, public_id) -> PrivacyRequest:
    """The request, if this profile filed it; the same 404 for missing and someone else's."""
    found = my_requests(profile=profile).filter(public_id=public_id).prefetch_related("events").first()
    if found is None:
        raise Http404
    return found


# --- The back office's queue -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    kind: str = ""
    overdue: bool = False
    mine_for: User | None = None
    closed: bool = False


def request_queue(*, filters: QueueFilters) -> QuerySet[PrivacyRequest]:
    """Open requests first, the nearest deadline first (overdue at the top); closed ones on demand."""
    requests = PrivacyRequest.objects.select_related("user", "person", "assigned_to")
    if filters.closed:
        requests = requests.exclude(status__in=OPEN_STATUSES)
    else:
        requests = requests.filter(status__in=OPEN_STATUSES)
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    if filters.overdue:
        requests = requests.filter(due_on__lt=timezone.localdate())
    if filters.mine_for is not None:
        requests = requests.filter(assigned_to=filters.mine_for)
    return requests.order_by("due_on", "pk") if not filters.closed else requests.order_by("-closed_at", "-pk")


def open_count() -> int:
    return PrivacyRequest.objects.filter(status__in=OPEN_STATUSES).count()


def access_request(*, public_id) -> PrivacyRequest:
    found = (
        PrivacyRequest.objects.select_related("user", "person", "assigned_to", "profile")
        .prefetch_related("events__actor")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def privacy_staff() -> QuerySet[User]:
    """The logins a request may be assigned to: active staff holding a privacy role."""
    roles = [role.value for role in PRIVACY_ROLES]
    return (
        User.objects.filter(is_active=True, groups__name__in=roles, profiles__kind="staff")
        .distinct()
        .order_by("username")
    )


# --- Evidence about a person ------------------------------------------------------------------------------------


def subject_targets(subject: Subject) -> list[tuple[str, str]]:
    targets = [pair for hook in all_hooks() if hook.audit_targets for pair in hook.audit_targets(subject)]
    if subject.user is not None:
        requests = PrivacyRequest.objects.filter(user=subject.user).values_list("public_id", flat=True)
        targets += [("privacy.privacyrequest", str(pk)) for pk in requests]
    return targets


def _targets_q(targets: list[tuple[str, str]]) -> Q:
    by_type: dict[str, list[str]] = {}
    for target_type, target_id in targets:
        by_type.setdefault(target_type, []).append(target_id)
    condition = Q(pk__in=[])
    for target_type, ids in by_type.items():
        condition |= Q(target_type=target_type, target_id__in=ids)
    return condition


def subject_events(subject: Subject) -> QuerySet[AuditEvent]:
    condition = _targets_q(subject_targets(subject))
    if subject.user is not None:
        condition |= Q(actor_id=subject.user.pk)
    return AuditEvent.objects.filter(condition).order_by("id")


def subject_audit_events(subject: Subject) -> list[dict]:
    """The events about the subject for their export: what happened when, by them, by us or by the system (staff
    names are not theirs to know; the access log exists for the DPO)."""
    user_id = subject.user.pk if subject.user is not None else None
    rows = subject_events(subject).values("occurred_at", "action", "actor_id", "target_type")
    return [
        {
            "at": row["occurred_at"],
            "action": row["action"],
            "by": "you"
            if row["actor_id"] == user_id and user_id
            else ("system" if row["actor_id"] is None else "staff"),
            "about": row["target_type"],
        }
        for row in rows
    ]


# --- Staff accesses to personal data (SPEC G4) -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def q(self) -> Q:
        condition = Q()
        zone = timezone.get_current_timezone()
        if self.start:
            condition &= Q(occurred_at__gte=datetime.combine(self.start, time.min, tzinfo=zone))
        if self.end:
            condition &= Q(occurred_at__lt=datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone))
        return condition


def person_by_number(number: str) -> Person | None:
    number = number.strip()
    if not number:
        return None
    return Person.objects.filter(membership_number__iexact=number).first()


def person_events_q(person: Person) -> Q:
    """Events naming the person's records, and list pages whose rows included one of them."""
    logins = list(User.objects.filter(profiles__person=person).distinct())
    targets = []
    for user in logins or [None]:
        targets += subject_targets(Subject(user=user, person=person))
    condition = _targets_q(targets)
    for _type, target_id in targets[:PERSON_ID_LIMIT]:
        condition |= Q(data_text__contains=target_id)
    return condition


def staff_accesses(*, staff: str = "", person: Person | None = None, period: Period = Period()) -> QuerySet:
    events = AuditEvent.objects.filter(action=ACCESS_ACTION).filter(period.q())
    if staff:
        events = events.filter(actor_label__iexact=staff.strip())
    if person is not None:
        events = events.annotate(data_text=Cast("data", TextField())).filter(person_events_q(person))
    return events.order_by("-id")


# Where the person is on the records an access event names (model label → path to the person).
PERSON_PATHS = {
    "people.person": "",
    "claims.claim": "member",
    "demarches.request": "subject_person",
    "contracts.affiliation": "person",
    "privacy.privacyrequest": "person",
    "registration.registrationrequest": "person",
}


def people_named(events: list[AuditEvent]) -> dict[int, str]:
    """Event id → "Name (membership number)" of the person its target belongs to; one query per kind of target."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type in PERSON_PATHS and event.target_id:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    labels: dict[tuple[str, str], str] = {}
    for label, ids in wanted.items():
        path = PERSON_PATHS[label]
        model = apps.get_model(label)
        prefix = f"{path}__" if path else ""
        rows = model.objects.filter(public_id__in=ids).values_list(
            "public_id", f"{prefix}first_name", f"{prefix}last_name", f"{prefix}membership_number"
        )
        for public_id, first, last, number in rows:
            if last:
                labels[(label, str(public_id))] = f"{first} {last.upper()}" + (f" ({number})" if number else "")
    return {event.id: labels.get((event.target_type, event.target_id), "") for event in events}


# --- Evidence search (SPEC B6) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFilters:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    period: Period = Period()


def evidence_search(*, filters: EvidenceFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(filters.period.q())
    if filters.actor:
        events = events.filter(actor_label__iexact=filters.actor.strip())
    if filters.action:
        events = events.filter(action__startswith=filters.action.strip())
    if filters.target_type:
        events = events.filter(target_type=filters.target_type.strip())
    if filters.target_id:
        events = events.filter(target_id=filters.target_id.strip())
    return events.select_related("seal").order_by("-id")


def evidence_event(*, event_id: int) -> tuple[AuditEvent, AuditEvent | None, AuditEvent | None]:
    """The event, the one before and the one after it in the chain."""
    events = AuditEvent.objects.select_related("seal")
    event = events.filter(pk=event_id).first()
    if event is None:
        raise Http404
    previous = events.filter(pk__lt=event_id).order_by("-pk").first()  # ids may have gaps (rolled back)
    following = events.filter(pk__gt=event_id).order_by("pk").first()
    return event, previous, following


# --- Audience (SPEC G5) ------------------------------------------------------------------------------------------


def audience(*, days: int = 30, today: date | None = None) -> tuple[list[date], list[dict]]:
    """Views per page name over the last ``days`` days: the days, and one row per page with its (day, count) pairs."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    day_list = [first + timedelta(days=n) for n in range(days)]
    counts: dict[str, dict[date, int]] = {}
    for row in PageViewCount.objects.filter(day__gte=first, day__lte=today).values("route", "day", "views"):
        counts.setdefault(row["route"], {})[row["day"]] = row["views"]
    rows = [
        {"route": route, "total": sum(per_day.values()), "per_day": [(day, per_day.get(day, 0)) for day in day_list]}
        for route, per_day in counts.items()
    ]
    rows.sort(key=lambda row: (-row["total"], row["route"]))
    return day_list, rows
