"""Reads of the back office about logins: search, detail, login history, lock state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Profile, User
from accounts.throttling import wait_delay
from audit.models import AuditEvent
from backoffice.permissions import may_manage_staff

HISTORY_LENGTH = 20
ACCOUNT_ACTIONS = (
    "account.created",
    "account.deactivated",
    "account.reactivated",
    "account.deleted",
    "account.unlocked",
    "account.locked_out",
    "account.password_changed",
    "account.temporary_password_issued",
    "account.compromise_reported",
    "account.email_confirmed",
)


def _visible_users(actor: Profile) -> QuerySet[User]:
    users = User.objects.all()
    return users if may_manage_staff(actor) else users.filter(is_staff=False)


def user_search(*, actor: Profile, query: str) -> QuerySet[User]:
    """Logins by username or email (start of), or by the exact membership number of one of their profiles."""
    query = (query or "").strip()
    if not query:
        return User.objects.none()
    number = query.upper()
    condition = Q(username__istartswith=query) | Q(email__istartswith=query)
    condition |= Q(profiles__person__membership_number=number) | Q(profiles__company__membership_number=number)
    condition |= Q(profiles__agent__membership_number=number)
    ids = _visible_users(actor).filter(condition).values("pk")
    return User.objects.filter(pk__in=ids).prefetch_related(_profiles()).order_by("username", "pk")


def _profiles() -> Prefetch:
    return Prefetch(
        "profiles",
        queryset=Profile.objects.select_related("person", "company", "agent", "professional").order_by("kind", "pk"),
    )


def user_get(*, actor: Profile, public_id) -> User | None:
    """One login the actor may see, with its profiles and roles; None answers 404."""
    return (
        _visible_users(actor)
        .prefetch_related(_profiles(), "groups", "closure_requests")
        .filter(public_id=public_id)
        .first()
    )


def access_logs(user: User) -> QuerySet[AccessLog]:
    """Successful logins recorded by django-axes: when, from where, with what browser, until when."""
    return AccessLog.objects.filter(username=user.username).order_by("-attempt_time")[:HISTORY_LENGTH]


def login_events(user: User) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_target(user).filter(action="account.logged_in").order_by("-id")[:HISTORY_LENGTH]


def account_events(user: User) -> QuerySet[AuditEvent]:
    """The login's lifecycle as the audit trail tells it (creation, locks, deactivation and their reasons…)."""
    return AuditEvent.objects.for_target(user).filter(action__in=ACCOUNT_ACTIONS).order_by("-id")[:HISTORY_LENGTH]


@dataclass(frozen=True)
class LockState:
    failures: int
    last_failure: datetime | None
    locked: bool
    waiting_until: datetime | None

    @property
    def waiting(self) -> bool:
        return self.waiting_until is not None and self.waiting_until > timezone.now()


def lock_state(user: User) -> LockState:
    """Failures counted since the last success, and whether they lock the login or make it wait."""
    stats = AccessAttempt.objects.filter(username=user.username).aggregate(
        count=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures, last = stats["count"] or 0, stats["last"]
    cooloff_over = last is None or last + timedelta(hours=settings.AXES_COOLOFF_TIME) <= timezone.now()
    locked = failures >= settings.AXES_FAILURE_LIMIT and not cooloff_over
    waiting = last + wait_delay(failures) if last is not None and failures else None
    return LockState(failures=failures, last_failure=last, locked=locked, waiting_until=waiting)
