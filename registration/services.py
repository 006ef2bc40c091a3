"""State changes of registrations (SPEC A1, A2) and of account closure requests (A9).

Every registration is stored and audited. A full match of a record without an account
opens the login at once and sends the credentials in two separate emails; everything
else waits for staff. The applicant sees the same page in every case.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, ProfileKind
from accounts.lifecycle import DeactivationReason, account_deactivate, account_delete
from accounts.models import User
from accounts.services import ProfileSpec, account_create, temporary_password_issue
from audit.services import record
from core.mail import send_templated_email
from registration import throttling
from registration.choices import ClosureKind, ClosureStatus, MatchState, RegistrationStatus
from registration.matching import RECORD_MODEL, TARGET_FIELD, Match, Submission, has_account, match
from registration.models import AccountClosureRequest, RegistrationRequest

logger = logging.getLogger(__name__)


def registration_submit(*, actor, submission: Submission, ip: str | None, language: str) -> RegistrationRequest | None:
    """Register a request from the public form; None when the rate limit swallowed it (same answer)."""
    if not throttling.registration_allowed(ip=ip, number=submission.number):
        logger.warning("Registration refused by the rate limit (kind %s).", submission.kind)
        return None
    return _registration_store(actor=actor, submission=submission, ip=ip, language=_language(language))


def _language(language: str) -> str:
    code = (language or "").split("-")[0]
    return code if code in Language.values else Language.FR


@transaction.atomic
def _registration_store(*, actor, submission: Submission, ip: str | None, language: str) -> RegistrationRequest:
    found = match(submission)
    if found.state == MatchState.MATCHED and _locked_has_account(submission.kind, found.record):
        found = Match(MatchState.HAS_ACCOUNT, found.record)  # a concurrent registration won
    duplicate = _duplicate_of(submission, found.state)
    if duplicate is not None:
        return duplicate
    registration = RegistrationRequest(
        kind=submission.kind,
        match=found.state,
        number=submission.number,
        email=submission.email,
        language=language,
        submitted=submission.details,
        commercial_opt_in=submission.commercial_opt_in,
        commercial_choice_at=timezone.now(),
        ip=ip,
    )
    if found.record is not None:
        setattr(registration, TARGET_FIELD[submission.kind], found.record)
    if found.state != MatchState.MATCHED and submission.password:
        registration.password_hash = make_password(submission.password)
    registration.full_clean()
    registration.save()
    data = {"kind": submission.kind, "match": found.state, "opt_in": submission.commercial_opt_in}
    record(actor=actor, action="registration.submitted", target=registration, data=data)
    if found.state == MatchState.MATCHED:
        _validate(actor=None, registration=registration, target=found.record, password=submission.password)
    return registration


def _duplicate_of(submission: Submission, state: MatchState) -> RegistrationRequest | None:
    """A double click or a retry: the same details already waiting, or already turned into this account."""
    same = RegistrationRequest.objects.filter(
        kind=submission.kind, number=submission.number, email__iexact=submission.email
    ).order_by("-pk")[:5]
    wanted = {RegistrationStatus.PENDING} | (
        {RegistrationStatus.VALIDATED} if state == MatchState.HAS_ACCOUNT else set()
    )
    for earlier in same:
        if earlier.status in wanted and earlier.submitted == submission.details:
            return earlier
    return None


def _locked_has_account(kind: str, target: models.Model) -> bool:
    """Lock the record so that two simultaneous registrations cannot both open a login for it."""
    RECORD_MODEL[kind].objects.select_for_update().filter(pk=target.pk).first()
    return has_account(kind, target)


def _validate(*, actor: User | None, registration: RegistrationRequest, target: models.Model, password: str = ""):
    """Open the login for ``target``, mark the request validated and send the credentials (A2)."""
    first_name, last_name = _names(registration, target)
    generated = not password and not registration.password_hash
    user = account_create(
        actor=actor,
        email=registration.email,
        first_name=first_name,
        last_name=last_name,
        language=registration.language,
        password=password or None,
        profiles=[ProfileSpec(ProfileKind(registration.kind), target)],
        must_change_password=generated,
    )
    if registration.password_hash:
        user.password = registration.password_hash
        user.save(update_fields=["password"])
    temporary = temporary_password_issue(actor=actor, user=user, reason="registration") if generated else ""
    setattr(registration, TARGET_FIELD[registration.kind], target)
    registration.status, registration.user = RegistrationStatus.VALIDATED, user
    registration.decided_by, registration.decided_at, registration.password_hash = actor, timezone.now(), ""
    registration.full_clean()
    registration.save()
    record(
        actor=actor,
        action="registration.validated",
        target=registration,
        data={"user": user.username},
        profile="staff" if actor else "",
    )
    transaction.on_commit(lambda: _send_credentials(user, temporary))
    return user


def _names(registration: RegistrationRequest, target: models.Model) -> tuple[str, str]:
    """The login's names: the insured person's, the responsible person's, or the professional's name."""
    if registration.kind == ProfileKind.MEMBER:
        return target.first_name, target.last_name
    if registration.kind == ProfileKind.PROFESSIONAL:
        return "", target.name[:150]
    details = registration.submitted
    return details.get("responsible_first_name", ""), details.get("responsible_last_name", "")


def _send_credentials(user: User, temporary_password: str) -> None:
    """Two separate messages: the username alone, then (when we chose it) the password alone."""
    send_templated_email(
        to=[user.email],
        template="registration/emails/credentials_username",
        context={
            "first_name": user.first_name,
            "username": user.username,
            "login_url": settings.PORTAL_URL + reverse("accounts:login"),
        },
        language=user.language,
    )
    if temporary_password:
        send_templated_email(
            to=[user.email],
            template="registration/emails/credentials_password",
            context={"first_name": user.first_name, "password": temporary_password},
            language=user.language,
        )


def _pending(model: type[models.Model], instance: models.Model, pending: str) -> models.Model:
    locked = model.objects.select_for_update().get(pk=instance.pk)
    if locked.status != pending:
        raise ValidationError(_("This request has already been processed."), code="decided")
    return locked


@transaction.atomic
def registration_validate(*, actor: User, registration: RegistrationRequest, target: models.Model) -> User:
    """Staff accept a queued registration for the record they picked: the login opens, credentials go out."""
    registration = _pending(RegistrationRequest, registration, RegistrationStatus.PENDING)
    if not isinstance(target, RECORD_MODEL[registration.kind]):
        raise ValidationError(_("Choose a record of the kind this registration is for."), code="kind")
    if _locked_has_account(registration.kind, target):
        raise ValidationError(
            _("This record already has an account: refuse the request, or close that account first."),
            code="has_account",
        )
    return _validate(actor=actor, registration=registration, target=target)


@transaction.atomic
def registration_refuse(*, actor: User, registration: RegistrationRequest, reason: str) -> RegistrationRequest:
    """Staff turn a queued registration down; the applicant is told why by email."""
    registration = _pending(RegistrationRequest, registration, RegistrationStatus.PENDING)
    registration.status, registration.decision_reason = RegistrationStatus.REFUSED, reason
    registration.decided_by, registration.decided_at, registration.password_hash = actor, timezone.now(), ""
    registration.full_clean()
    registration.save()
    record(actor=actor, action="registration.refused", target=registration, data={"reason": reason}, profile="staff")
    email, language = registration.email, registration.language
    transaction.on_commit(
        lambda: send_templated_email(
            to=[email],
            template="registration/emails/registration_refused",
            context={"reason": reason},
            language=language,
        )
    )
    return registration


# --- Closure at the user's request (A9) -----------------------------------------------------


def closure_request_submit(*, actor: User, kind: str, reason: str) -> AccountClosureRequest:
    """The owner asks to suspend or delete their login; staff process it. A second click returns the first."""
    try:
        return _closure_store(actor=actor, kind=kind, reason=reason)
    except (IntegrityError, ValidationError):
        pending = AccountClosureRequest.objects.filter(user=actor, status=ClosureStatus.PENDING).first()
        if pending is None:
            raise
        return pending


@transaction.atomic
def _closure_store(*, actor: User, kind: str, reason: str) -> AccountClosureRequest:
    closure = AccountClosureRequest(user=actor, kind=kind, reason=reason)
    closure.full_clean()
    closure.save()
    record(actor=actor, action="account.closure_requested", target=closure, data={"kind": kind})
    email, language, first_name = actor.email, actor.language, actor.first_name
    transaction.on_commit(
        lambda: send_templated_email(
            to=[email],
            template="registration/emails/closure_received",
            context={"first_name": first_name, "kind": closure.get_kind_display()},
            language=language,
        )
    )
    return closure


@transaction.atomic
def closure_request_approve(*, actor: User, closure: AccountClosureRequest) -> AccountClosureRequest:
    """Suspend or delete the login as asked; the lifecycle change emails the user."""
    closure = _pending(AccountClosureRequest, closure, ClosureStatus.PENDING)
    closure.status, closure.decided_by, closure.decided_at = ClosureStatus.APPROVED, actor, timezone.now()
    closure.full_clean()
    closure.save()
    record(actor=actor, action="account.closure_approved", target=closure, data={"kind": closure.kind}, profile="staff")
    if closure.kind == ClosureKind.DELETE:
        account_delete(actor=actor, user=closure.user, reason=DeactivationReason.USER_REQUEST)
    else:
        account_deactivate(actor=actor, user=closure.user, reason=DeactivationReason.USER_REQUEST)
    return closure


@transaction.atomic
def closure_request_refuse(*, actor: User, closure: AccountClosureRequest, note: str) -> AccountClosureRequest:
    closure = _pending(AccountClosureRequest, closure, ClosureStatus.PENDING)
    closure.status, closure.decision_note = ClosureStatus.REFUSED, note
    closure.decided_by, closure.decided_at = actor, timezone.now()
    closure.full_clean()
    closure.save()
    record(actor=actor, action="account.closure_refused", target=closure, profile="staff")
    user = closure.user
    email, language, first_name = user.email, user.language, user.first_name
    transaction.on_commit(
        lambda: send_templated_email(
            to=[email],
            template="registration/emails/closure_refused",
            context={"first_name": first_name, "note": note},
            language=language,
        )
    )
    return closure
