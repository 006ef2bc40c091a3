"""What the accounts hold about a login, for the privacy app (SPEC G2, G3): username, email, language, profiles and
the connection dates. Erasing anonymises the login (``lifecycle.account_delete``) once no contract needs it."""

from __future__ import annotations

from accounts.lifecycle import DeactivationReason, account_delete, is_deleted
from accounts.models import User
from audit.models import AuditEvent
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register

CONNECTIONS_SHOWN = 500


def export(subject: Subject) -> dict | None:
    user = subject.user
    if user is None:
        return None
    connections = (
        AuditEvent.objects.filter(action="account.logged_in", actor_id=user.pk)
        .order_by("-id")
        .values_list("occurred_at", flat=True)[:CONNECTIONS_SHOWN]
    )
    return {
        "username": user.username,
        "email": user.email,
        "language": user.language,
        "created_at": user.date_joined,
        "last_login": user.last_login,
        "previous_login": user.previous_login,
        "profiles": [
            {"kind": profile.kind, "active": profile.is_active, "since": profile.created_at}
            for profile in user.profiles.order_by("pk")
        ],
        "connections": list(connections),
    }


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    user = subject.user
    if user is None:
        return outcome
    if not full:
        outcome.kept.append(Kept("login_in_force"))
        return outcome
    if not is_deleted(user):
        account_delete(actor=actor, user=User.objects.get(pk=user.pk), reason=DeactivationReason.END_OF_RELATIONS)
        outcome.add("login_anonymised", 1)
    return outcome


def audit_targets(subject: Subject) -> list[tuple[str, str]]:
    return [("accounts.user", str(subject.user.public_id))] if subject.user is not None else []


register(PrivacyHook(name="login", export=export, erase=erase, audit_targets=audit_targets, order=60))
