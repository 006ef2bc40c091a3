"""State changes of registrations (SPEC A1, A2) and of account closure requests (A9).

Every registration is stored and audited, and the applicant sees the same page in every case.
The facts typed are seen by others (SECURITY.md, identity proofs), so a secret only ever goes to
a channel the insurer already holds: a full match whose email is the one on file opens the login
at once, credentials to that address; a full match with another email (or none on file) queues an
activation-code letter to the postal address on file, and the email on file is told; anything else
waits for staff. Nothing usable ever goes to an address the insurer did not already hold.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, ProfileKind
from accounts.lifecycle import DeactivationReason, account_deactivate, account_delete
from accounts.models import User
from accounts.services import ProfileSpec, account_create, temporary_password_issue
from audit.services import record
from core import crypto
from core.mail import send_templated_email
from jobs.services import task_queue_on_commit
from registration import throttling
from registration.choices import ClosureKind, ClosureStatus, LetterStatus, MatchState, RegistrationStatus
from registration.matching import (
    RECORD_MODEL,
    TARGET_FIELD,
    Match,
    Submission,
    email_on_file,
    has_account,
    match,
)
from registration.models import OPEN_LETTER, AccountClosureRequest, ActivationLetter, RegistrationRequest

logger = logging.getLogger(__name__)

LETTER_LIFETIME = timedelta(days=30)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper and typed again
CODE_LENGTH = 12  # 60 bits


def registration_submit(*, actor, submission: Submission, ip: str | None, language: str) -> None:
    """Take a request from the public form: count it, hash its password, queue the rest (``registration_process``).

    The answer costs the same whatever the number matches (no enumeration by timing; issue 16): the counters move
    and the password is hashed for every submission, and the matching, the rows and the emails happen after the
    answer. The queued payload is encrypted (``ENCRYPTION_KEYS``) and carries the password's hash, never the
    password. The counters (per address, per typed email) move at every attempt, but never refuse the one
    submission whose facts match and whose email is the one on file: spending them cannot keep the real person out.
    """
    from registration.tasks import registration_process

    within_limits = throttling.registration_allowed(ip=ip, email=submission.email)
    payload = {
        "kind": submission.kind,
        "number": submission.number,
        "email": submission.email,
        "details": submission.details,
        "commercial_opt_in": submission.commercial_opt_in,
        "password_hash": make_password(submission.password) if submission.password else "",
        "ip": ip,
        "language": _language(language),
        "within_limits": within_limits,
    }
    sealed = crypto.encrypt(json.dumps(payload).encode()).decode()
    task_queue_on_commit(registration_process, sealed)  # written now, queued after the commit: never lost


def registration_take(sealed: str) -> RegistrationRequest | None:
    """The queued part of a registration (``registration_submit``); None when a rate limit swallowed it."""
    data = json.loads(crypto.decrypt(sealed.encode()))
    submission = Submission(
        kind=data["kind"],
        number=data["number"],
        email=data["email"],
        details=data["details"],
        commercial_opt_in=data["commercial_opt_in"],
    )
    return _registration_store(
        actor=None,
        submission=submission,
        password_hash=data["password_hash"],
        ip=data["ip"],
        language=data["language"],
        within_limits=data["within_limits"],
    )


def _language(language: str) -> str:
    code = (language or "").split("-")[0]
    return code if code in Language.values else Language.FR


@transaction.atomic
def _registration_store(
    *, actor, submission: Submission, password_hash: str, ip: str | None, language: str, within_limits: bool
) -> RegistrationRequest | None:
    found = match(submission)
    if found.state in {MatchState.MATCHED, MatchState.BY_POST} and _locked_has_account(submission.kind, found.record):
        found = Match(MatchState.HAS_ACCOUNT, found.record)  # a concurrent registration won
    if found.state in {MatchState.MISMATCH, MatchState.UNKNOWN}:
        # Details that do not match count per number too (guessing a birth date), never against a full match.
        within_limits = throttling.near_miss_allowed(number=submission.number) and within_limits
    if not within_limits and found.state != MatchState.MATCHED:
        logger.warning("Registration refused by the rate limit (kind %s).", submission.kind)
        return None
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
    if found.state != MatchState.BY_POST and password_hash:
        registration.password_hash = password_hash  # the letter's holder chooses a password on activation
    registration.full_clean()
    registration.save()
    data = {"kind": submission.kind, "match": found.state, "opt_in": submission.commercial_opt_in}
    record(actor=actor, action="registration.submitted", target=registration, data=data)
    if found.state == MatchState.MATCHED:
        _validate(actor=None, registration=registration, target=found.record)
    elif found.state == MatchState.BY_POST:
        _letter_queue(registration=registration, target=found.record)
    if found.state in {MatchState.BY_POST, MatchState.HAS_ACCOUNT}:
        _tell_on_file(registration=registration, target=found.record)
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


def _validate(
    *,
    actor: User | None,
    registration: RegistrationRequest,
    target: models.Model,
    password: str = "",
    email: str = "",
) -> User:
    """Open the login for ``target``, mark the request validated and send the credentials (A2).

    ``email`` is the login's address when it is not the one of the request (an activation letter's holder).
    """
    first_name, last_name = _names(registration, target)
    generated = not password and not registration.password_hash
    user = account_create(
        actor=actor,
        email=email or registration.email,
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
    _letters_cancel(kind=registration.kind, target=target)
    _send_credentials(user, temporary)
    if email_on_file(target) and email_on_file(target) != user.email.strip().lower():
        _tell_on_file(registration=registration, target=target, state="activated" if email else "opened")
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
            "temporary": bool(temporary_password),
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


def _tell_on_file(*, registration: RegistrationRequest, target: models.Model, state: str = "") -> None:
    """The email on file hears of every registration made for its record (a few a day at most)."""
    to = (getattr(target, "email", "") or "").strip()
    if not to or not throttling.notice_allowed(kind=registration.kind, number=registration.number):
        return
    context = {"state": state or registration.match, "at": registration.created_at}
    language = registration.language
    send_templated_email(
        to=[to], template="registration/emails/registration_notice", context=context, language=language
    )


# --- Activation letters ----------------------------------------------------------------------


def _open_letters(*, kind: str, target: models.Model) -> models.QuerySet[ActivationLetter]:
    return ActivationLetter.objects.filter(
        status__in=OPEN_LETTER, expires_at__gt=timezone.now(), **{f"registration__{TARGET_FIELD[kind]}": target}
    )


def activation_code() -> str:
    """Twelve random characters in three groups of four, easy to read on paper."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _normal_code(value: str) -> str:
    return "".join(char for char in (value or "").upper() if char.isalnum())


def _letter_queue(*, registration: RegistrationRequest, target: models.Model) -> ActivationLetter:
    """Queue a letter to the postal address on file; a letter still open for this record is not repeated."""
    already = _open_letters(kind=registration.kind, target=target).first()
    if already is not None:
        return already
    letter = ActivationLetter(
        registration=registration,
        code=activation_code(),
        addressee=getattr(target, "full_name", "") or target.name,
        address_lines=target.address_lines,
        language=registration.language,
        expires_at=timezone.now() + LETTER_LIFETIME,
    )
    letter.save()  # every value is ours; the database checks the one-letter-per-registration key
    record(actor=None, action="registration.letter_queued", target=letter, data={"kind": registration.kind})
    return letter


def _letters_cancel(*, kind: str, target: models.Model) -> None:
    """Once a login acts for the record, its open letters can no longer open another."""
    for letter in _open_letters(kind=kind, target=target).select_for_update():
        letter.status, letter.code = LetterStatus.CANCELLED, ""
        letter.save(update_fields=["status", "code", "updated_at"])
        record(actor=None, action="registration.letter_cancelled", target=letter)


@transaction.atomic
def letter_mark_posted(*, actor: User, letter: ActivationLetter) -> ActivationLetter:
    """Staff have put the printed letter in the post."""
    letter = ActivationLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != LetterStatus.TO_POST:
        raise ValidationError(_("This letter is no longer waiting to be posted."), code="decided")
    letter.status, letter.posted_at, letter.posted_by = LetterStatus.POSTED, timezone.now(), actor
    letter.save(update_fields=["status", "posted_at", "posted_by", "updated_at"])
    record(actor=actor, action="registration.letter_posted", target=letter, profile="staff")
    return letter


def registration_activate(*, number: str, code: str, email: str, password: str, ip: str | None) -> User | None:
    """Finish a registration with the code of a letter; None for a wrong, used or expired code (one answer).

    Tries are limited per address only: a 60-bit code cannot be guessed, and a per-number limit would let
    anyone keep the letter's holder out by spending it.
    """
    number = "".join((number or "").split()).upper()
    if not throttling.activation_allowed(ip=ip):
        return None
    return _activate(number=number, code=code, email=email, password=password)


@transaction.atomic
def _activate(*, number: str, code: str, email: str, password: str) -> User | None:
    letter = (
        ActivationLetter.objects.select_for_update()
        .select_related("registration")
        .filter(registration__number=number, status__in=OPEN_LETTER, expires_at__gt=timezone.now())
        .first()
    )
    if letter is None or not constant_time_compare(_normal_code(code), _normal_code(letter.code)):
        return None
    registration = letter.registration
    target = registration.record
    if registration.status != RegistrationStatus.PENDING or _locked_has_account(registration.kind, target):
        return None
    letter.status, letter.used_at, letter.code = LetterStatus.USED, timezone.now(), ""
    letter.save(update_fields=["status", "used_at", "code", "updated_at"])
    record(actor=None, action="registration.letter_used", target=letter)
    return _validate(actor=None, registration=registration, target=target, password=password, email=email)


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
    ActivationLetter.objects.filter(registration=registration, status__in=OPEN_LETTER).update(
        status=LetterStatus.CANCELLED, code="", updated_at=timezone.now()
    )
    registration.decided_by, registration.decided_at, registration.password_hash = actor, timezone.now(), ""
    registration.full_clean()
    registration.save()
    record(actor=actor, action="registration.refused", target=registration, data={"reason": reason}, profile="staff")
    email, language = registration.email, registration.language
    send_templated_email(
        to=[email],
        template="registration/emails/registration_refused",
        context={"reason": reason},
        language=language,
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
    send_templated_email(
        to=[email],
        template="registration/emails/closure_received",
        context={"first_name": first_name, "kind": closure.get_kind_display()},
        language=language,
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
    send_templated_email(
        to=[email],
        template="registration/emails/closure_refused",
        context={"first_name": first_name, "note": note},
        language=language,
    )
    return closure
