"""State changes of logins and profiles. Every function records its audit event."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import throttling
from accounts.choices import Language, ProfileKind, StaffRole
from accounts.identifiers import user_for_identifier
from accounts.models import PasswordResetLink, Profile, User
from audit.services import record
from core.mail import send_templated_email
from core.validation import field_error
from jobs.services import task_queue_on_commit

EMAIL_SALT = "accounts.email-confirmation"
RESET_LINK_LIFETIME = timedelta(hours=1)
# The profiles whose membership number logs in as well as the username (accounts.identifiers).
NUMBERED_KINDS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)


@dataclass(frozen=True)
class ProfileSpec:
    """What a new profile acts for: its kind and the insurer record (none for staff)."""

    kind: ProfileKind
    target: models.Model | None = None


_TARGET_FIELD = {
    ProfileKind.MEMBER: "person",
    ProfileKind.COMPANY: "company",
    ProfileKind.AGENT: "agent",
    ProfileKind.PROFESSIONAL: "professional",
}


def generate_username() -> str:
    """A numeric identifier (the seeds' 'identifiant numérique'), unguessable and unused."""
    while True:
        candidate = str(secrets.randbelow(9 * 10**9) + 10**9)
        if not User.objects.filter(username=candidate).exists():
            return candidate


def staff_groups_ensure() -> dict[str, Group]:
    """One permission group per back-office role; idempotent, in two queries whatever exists already."""
    Group.objects.bulk_create([Group(name=role.value) for role in StaffRole], ignore_conflicts=True)
    return {group.name: group for group in Group.objects.filter(name__in=StaffRole.values)}


@transaction.atomic
def account_create(
    *,
    actor: User | None,
    email: str,
    first_name: str,
    last_name: str,
    language: str = "fr",
    password: str | None = None,
    username: str | None = None,
    profiles: Iterable[ProfileSpec] = (),
    staff_roles: Iterable[StaffRole] = (),
    must_change_password: bool = False,
) -> User:
    """Create a login with its profiles. Without a password the account cannot log in until one is set.

    A login given back-office roles also gets the staff profile that acts with them: the roles are permission
    groups, but the back office opens to a staff *profile* holding them (``accounts.permissions.staff_roles``).
    """
    roles = list(staff_roles)
    user = User(
        username=username or generate_username(),
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        must_change_password=must_change_password,
        is_staff=bool(roles),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    specs = list(profiles)
    if roles and all(spec.kind != ProfileKind.STAFF for spec in specs):
        specs.append(ProfileSpec(kind=ProfileKind.STAFF))
    for spec in specs:
        profile_add(actor=actor, user=user, spec=spec)
    if roles:
        groups = staff_groups_ensure()
        user.groups.add(*(groups[role.value] for role in roles))
    record(actor=actor, action="account.created", target=user, data={"roles": [r.value for r in roles]})
    return user


@transaction.atomic
def profile_add(*, actor: User | None, user: User, spec: ProfileSpec) -> Profile:
    """Attach one more profile to a login (a member who becomes a company correspondent)."""
    profile = Profile(user=user, kind=spec.kind)
    field = _TARGET_FIELD.get(spec.kind)
    if field:
        setattr(profile, field, spec.target)
    profile.full_clean()
    profile.save()
    record(actor=actor, action="profile.added", target=profile, data={"kind": spec.kind, "user": user.username})
    return profile


# --- Login, passwords, email --------------------------------------------------------------


def login_recorded(*, user: User, at: datetime) -> None:
    """Keep the previous connection to show it after login (SPEC A5) and audit the login."""
    User.objects.filter(pk=user.pk).update(previous_login=user.last_login, last_login=at)
    user.previous_login, user.last_login = user.last_login, at
    record(actor=user, action="account.logged_in", target=user)


def lockout_alert(*, user: User, ip: str | None) -> None:
    """Tell the owner that repeated failures locked their account (SPEC A8)."""
    record(actor=None, action="account.locked_out", target=user, data={"ip": ip})
    _email(user, "accounts/emails/lockout_alert", {"ip": ip})


def temporary_password_issue(*, actor: User | None, user: User, reason: str) -> str:
    """Give the user a random single-use password that must be changed within 24 hours."""
    password = temporary_password()
    _reset_links_end(user)
    user.set_password(password)
    user.must_change_password = True
    user.temporary_password_expires_at = timezone.now() + timedelta(hours=settings.TEMPORARY_PASSWORD_HOURS)
    user.save(update_fields=["password", "must_change_password", "temporary_password_expires_at"])
    record(actor=actor, action="account.temporary_password_issued", target=user, data={"reason": reason})
    return password


def temporary_password() -> str:
    """Four random words and digits: strong, and easy to type from an email."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    chunks = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(chunks)


def password_reset_request(*, identifier: str, ip: str | None) -> None:
    """'Password forgotten': the same answer, work and time whatever the identifier (SECURITY.md, identity proofs).

    Nothing is looked up here: the counters move, then a task finds the account and mails the link, so
    a known identifier costs the request exactly what an unknown one does. The password stays as it is.
    """
    if not throttling.password_reset_allowed(identifier=identifier, ip=ip):
        return
    from accounts.tasks import send_password_reset_link

    task_queue_on_commit(send_password_reset_link, identifier=identifier)


# --- Single-use links mailed to a login (password reset; staff invitations in twofactor) -------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256((secret or "").encode()).hexdigest()


def single_use_link_issue(model: type[models.Model], *, user: User, lifetime: timedelta, **fields) -> str:
    """A new link of ``model`` for ``user`` (ending the ones still unused); the secret for the URL is returned and
    only its SHA-256 digest kept, so the table alone opens nothing."""
    secret = secrets.token_urlsafe(32)
    model.objects.filter(user=user, used_at__isnull=True).delete()
    model.objects.create(user=user, digest=_digest(secret), expires_at=timezone.now() + lifetime, **fields)
    return secret


def single_use_links(model: type[models.Model], secret: str) -> QuerySet:
    """The genuine, unused, unexpired link of ``model`` with this secret, for an active login (with its user)."""
    return model.objects.select_related("user").filter(
        digest=_digest(secret), used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
    )


def _reset_links_end(user: User) -> None:
    """A newer link or a new password ends every link still unused."""
    PasswordResetLink.objects.filter(user=user, used_at__isnull=True).delete()


@transaction.atomic
def password_reset_link_send(*, identifier: str) -> bool:
    """Mail a single-use link, valid one hour, to the address on file of the account; False when there is none."""
    user = user_for_identifier(identifier)
    if user is None or not user.is_active or not user.email:
        return False
    secret = single_use_link_issue(PasswordResetLink, user=user, lifetime=RESET_LINK_LIFETIME)
    record(actor=None, action="account.password_reset_requested", target=user)
    link = settings.PORTAL_URL + reverse("accounts:password_reset", args=[secret])
    minutes = int(RESET_LINK_LIFETIME.total_seconds() // 60)
    _email(user, "accounts/emails/password_reset", {"link": link, "minutes": minutes})
    return True


def password_reset_user(*, secret: str) -> User | None:
    """The account a genuine, unused, unexpired link is for; None otherwise."""
    link = single_use_links(PasswordResetLink, secret).first()
    return link.user if link else None


@transaction.atomic
def password_reset_complete(*, secret: str, password: str) -> User | None:
    """Use a link: the new password replaces the old one now, ending sessions, API tokens and other links.

    It also lifts a lock from failed logins, as the lockout email promises ("use the forgotten-password link").
    """
    link = single_use_links(PasswordResetLink, secret).select_for_update().first()
    if link is None:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    cleared = axes_reset(username=link.user.username)  # the owner proved control of the address: the lock ends
    record(actor=link.user, action="account.password_reset", target=link.user, data={"failures_cleared": cleared})
    password_set(actor=link.user, user=link.user, password=password)
    return link.user


def username_reminder(*, email: str) -> None:
    """'Username lost': the usernames of the active accounts at that address, to that address only."""
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True))
    numbered = set(
        Profile.objects.filter(user__in=users, is_active=True, kind__in=NUMBERED_KINDS).values_list(
            "user_id", flat=True
        )
    )
    for user in users:
        record(actor=None, action="account.username_reminded", target=user)
        _email(user, "accounts/emails/username", {"by_number": user.pk in numbered})


@transaction.atomic
def password_set(*, actor: User, user: User, password: str) -> None:
    """A new password chosen by its owner: ends every other session, API token and reset link (SPEC A7)."""
    _reset_links_end(user)
    user.set_password(password)
    user.must_change_password = False
    user.temporary_password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "temporary_password_expires_at"])
    record(actor=actor, action="account.password_changed", target=user)
    _email(user, "accounts/emails/password_changed", {})


@transaction.atomic
def language_set(*, actor: User, user: User, language: str) -> bool:
    """The language of ``user``'s pages, emails and PDFs (SPEC A12); False when it was already that one.

    The header's switch and the preferences page both end here, so a choice made anywhere is the account's.
    """
    if language not in Language.values:
        raise field_error("language", _("Choose French or English."), code="invalid_language")
    if user.language == language:
        return False
    previous, user.language = user.language, language
    user.save(update_fields=["language"])
    record(actor=actor, action="account.language_changed", target=user, data={"from": previous, "to": language})
    return True


def email_confirmation_send(*, user: User) -> str:
    """Send a link proving the address works (SPEC A3); the token is signed and lasts 24 hours."""
    token = signing.dumps({"u": str(user.public_id), "e": user.email}, salt=EMAIL_SALT)
    link = settings.PORTAL_URL + reverse("accounts:email_confirm", args=[token])
    _email(user, "accounts/emails/email_confirm", {"link": link})
    record(actor=user, action="account.email_confirmation_sent", target=user)
    return token


@transaction.atomic
def email_confirm(*, token: str) -> User | None:
    """Mark the address confirmed if the token is genuine, recent and for the current address."""
    try:
        payload = signing.loads(token, salt=EMAIL_SALT, max_age=timedelta(hours=24))
    except signing.BadSignature:
        return None
    user = User.objects.select_for_update().filter(public_id=payload.get("u"), email=payload.get("e")).first()
    if user is None:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        record(actor=user, action="account.email_confirmed", target=user)
    return user


@transaction.atomic
def compromised_report(*, actor: User) -> None:
    """'Someone knows my password': end every session now and send a new temporary password (SPEC A8)."""
    password = temporary_password_issue(actor=actor, user=actor, reason="reported_compromised")
    record(actor=actor, action="account.compromise_reported", target=actor)
    _email(actor, "accounts/emails/temporary_password", {"password": password})


def profile_switch(*, actor: User, session, profile: Profile) -> None:
    session["profile"] = str(profile.public_id)
    record(actor=actor, action="profile.switched", target=profile, profile=profile.kind)


def _email(user: User, template: str, context: dict) -> None:
    send_templated_email(to=[user.email], template=template, context={"user": user, **context}, language=user.language)
