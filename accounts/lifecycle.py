"""The life of a login after it opens: staff unlock (SPEC A8), deactivation, reactivation and
deletion (A9, A10), and the grace period after the last contractual relation ends (A11).

A deactivated login cannot authenticate and its open sessions end at their next request
(Django refuses inactive users). A deleted login is anonymised but its row stays, so the
audit trail keeps pointing at something. The emails these changes send are templates of
the registration app (``registration/emails/account_*``), the app of account requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from axes.utils import reset as axes_reset
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import DateField, Max, Prefetch, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from audit.services import record
from contracts.models import Affiliation, Contract, Mandate
from core.mail import send_templated_email
from providers.models import TPAgreement

DELETED_PREFIX = "deleted-"
OPEN_END = date.max  # a relation without an end date


class DeactivationReason(models.TextChoices):
    """Why a login was closed; the first five are the insurer's reasons of SPEC A10."""

    NON_COMPLIANT_USE = "non_compliant_use", _("Non-compliant use of the services")
    UNAUTHORIZED_ATTEMPTS = "unauthorized_attempts", _("Unauthorized login attempts")
    FRAUD = "fraud", _("Fraud")
    END_OF_RELATIONS = "end_of_relations", _("End of all contractual relations")
    DEATH = "death", _("Known death")
    USER_REQUEST = "user_request", _("At the account holder's request")


STAFF_REASONS = [reason for reason in DeactivationReason if reason != DeactivationReason.USER_REQUEST]


class AccountState(StrEnum):
    OPEN = "open"
    READ_ONLY = "read_only"  # every relation ended, within the grace period
    EXPIRED = "expired"  # grace period over: the next run of close_expired_accounts closes it


@dataclass(frozen=True)
class CloseReport:
    checked: int
    read_only: int
    closed: int


def is_deleted(user: User) -> bool:
    return user.username.startswith(DELETED_PREFIX)


def _staff_label(actor: User | None) -> str:
    return "staff" if actor is not None and actor.is_staff else ""


def _refuse_self(actor: User | None, user: User) -> None:
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot close your own account from the back office."), code="self")


def _notify(*, email: str, language: str, template: str, context: dict) -> None:
    """Queued in the deciding transaction (sent after its commit), to the address as it was then."""
    if email:
        send_templated_email(to=[email], template=template, context=context, language=language)


# --- Unlock, deactivate, reactivate, delete --------------------------------------------------


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Lift the lock and the delays that repeated failures put on a login (SPEC A8)."""
    cleared = axes_reset(username=user.username)
    record(actor=actor, action="account.unlocked", target=user, data={"attempts": cleared}, profile="staff")
    return cleared


@transaction.atomic
def account_deactivate(*, actor: User | None, user: User, reason: str, note: str = "") -> bool:
    """Close a login for one of the reasons of SPEC A10 (or its owner's request); False if already closed."""
    _refuse_self(actor, user)
    reason = DeactivationReason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    data = {"reason": reason.value, "note": note}
    record(actor=actor, action="account.deactivated", target=user, data=data, profile=_staff_label(actor))
    if reason != DeactivationReason.DEATH:
        context = {"first_name": user.first_name, "reason": reason.label, "reason_code": reason.value}
        _notify(
            email=user.email,
            language=user.language,
            template="registration/emails/account_deactivated",
            context=context,
        )
    return True


@transaction.atomic
def account_reactivate(*, actor: User, user: User) -> bool:
    """Open a deactivated login again; a deleted one cannot be. False if it was already open."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_deleted(user):
        raise ValidationError(_("A deleted account cannot be reactivated."), code="deleted")
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(actor=actor, action="account.reactivated", target=user, profile=_staff_label(actor))
    _notify(
        email=user.email,
        language=user.language,
        template="registration/emails/account_reactivated",
        context={"first_name": user.first_name},
    )
    return True


@transaction.atomic
def account_delete(*, actor: User | None, user: User, reason: str) -> User:
    """Anonymise a login: no name, address or usable password left; the row stays for the audit trail."""
    _refuse_self(actor, user)
    reason = DeactivationReason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_deleted(user):
        return user
    email, language, first_name, old_username = user.email, user.language, user.first_name, user.username
    _anonymise(user)
    user.profiles.update(is_active=False, updated_at=timezone.now())
    user.groups.clear()
    axes_reset(username=old_username)
    record(
        actor=actor, action="account.deleted", target=user, data={"reason": reason.value}, profile=_staff_label(actor)
    )
    if reason != DeactivationReason.DEATH:
        _notify(
            email=email,
            language=language,
            template="registration/emails/account_deleted",
            context={"first_name": first_name},
        )
    return user


def _anonymise(user: User) -> None:
    user.username = f"{DELETED_PREFIX}{user.public_id.hex}"
    user.email = user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.must_change_password = False
    user.email_confirmed_at = user.temporary_password_expires_at = None
    user.full_clean(exclude=["password"])
    user.save()


# --- Grace period after the last relation (SPEC A11) ----------------------------------------


def _latest(queryset: models.QuerySet, *ends: str) -> date | None:
    """The last day a set of relations covers: OPEN_END if one is still open, None if there is none."""
    far = Value(OPEN_END, output_field=DateField())
    bounds = [Coalesce(end, far, output_field=DateField()) for end in ends]
    end = bounds[0] if len(bounds) == 1 else Least(*bounds, output_field=DateField())
    return queryset.aggregate(last=Max(end))["last"]


def _relations(profile: Profile) -> list[date | None]:
    if profile.kind == ProfileKind.MEMBER:
        return [
            _latest(Affiliation.objects.filter(person_id=profile.person_id), "end_date", "contract__end_date"),
            _latest(Contract.objects.filter(holder_person_id=profile.person_id), "end_date"),
        ]
    if profile.kind == ProfileKind.COMPANY:
        return [_latest(Contract.objects.filter(holder_company_id=profile.company_id), "end_date")]
    if profile.kind == ProfileKind.AGENT:
        return [_latest(Mandate.objects.filter(agent_id=profile.agent_id), "end_date", "contract__end_date")]
    if profile.kind == ProfileKind.PROFESSIONAL:
        return [_latest(TPAgreement.objects.filter(professional_id=profile.professional_id), "end_date")]
    return []


def profile_relations_end(profile: Profile) -> date:
    """When this profile's last contract, affiliation, mandate or agreement ended.

    OPEN_END when one is still open, and also when the record has none at all: nothing has ended then.
    """
    ends = [end for end in _relations(profile) if end is not None]
    return max(ends) if ends else OPEN_END


def relations_end(user: User, profiles: list[Profile] | None = None) -> date:
    """The last day any of the login's active profiles is covered by a relation."""
    if profiles is None:
        profiles = list(user.profiles.filter(is_active=True))
    if user.is_staff or not profiles:
        return OPEN_END
    return max(profile_relations_end(profile) for profile in profiles)


def account_state(user: User, *, today: date | None = None, profiles: list[Profile] | None = None) -> AccountState:
    today = today or timezone.localdate()
    end = relations_end(user, profiles)
    if end >= today:
        return AccountState.OPEN
    if today <= end + relativedelta(months=settings.ACCOUNT_GRACE_MONTHS):
        return AccountState.READ_ONLY
    return AccountState.EXPIRED


def account_read_only(user: User, *, today: date | None = None) -> bool:
    """True when every relation has ended: statements and documents stay readable, nothing may be changed."""
    return account_state(user, today=today) != AccountState.OPEN


def accounts_close_expired(*, today: date) -> CloseReport:
    """Close the logins whose grace period is over (idempotent: a closed login is no longer looked at)."""
    checked = read_only = closed = 0
    active_profiles = Prefetch("profiles", queryset=Profile.objects.filter(is_active=True), to_attr="open_profiles")
    users = (
        User.objects.filter(is_active=True, is_staff=False, profiles__is_active=True)
        .exclude(profiles__kind=ProfileKind.STAFF)
        .distinct()
        .order_by("pk")
        .prefetch_related(active_profiles)
    )
    for user in users.iterator(chunk_size=500):
        checked += 1
        state = account_state(user, today=today, profiles=user.open_profiles)
        if state == AccountState.READ_ONLY:
            read_only += 1
        elif state == AccountState.EXPIRED:
            closed += account_deactivate(actor=None, user=user, reason=DeactivationReason.END_OF_RELATIONS)
    return CloseReport(checked=checked, read_only=read_only, closed=closed)
