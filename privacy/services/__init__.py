"""Every state change of the privacy app (SPEC G2, G3, B7): filing a rights request with its identity check, the
back office's decisions along the state machine of ``choices.TRANSITIONS``, the export of a person's data, erasure
through the domains' hooks, and the retention purge. Each change is audited in its own transaction; emails and
file deletions wait for the commit."""

from __future__ import annotations

import hmac
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from audit.services import record
from core import throttling
from demarches.uploads import JPEG, PDF, PNG, check_file, clean_name, store
from documents.transactional import StoredFiles, delete_names
from jobs.services import task_queue_on_commit
from people.models import Person
from people.selectors import current_bank_account
from privacy import emails
from privacy.choices import (
    EXPORT_KINDS,
    TRANSITIONS,
    IdentityMethod,
    RefusalReason,
    RequestStatus,
    RightKind,
)
from privacy.hooks import Subject, all_hooks
from privacy.models import PrivacyRequest, PrivacyRequestEvent, PrivacyRequestSequence

logger = logging.getLogger(__name__)

IDENTITY_REFUSED = _(
    "We could not confirm your identity with these details. Check your membership number and the last 4 digits "
    "of the IBAN of the account we reimburse you on, or send an identity document instead."
)
IDENTITY_THROTTLED = _("Too many unsuccessful attempts. Try again in an hour, or send an identity document instead.")
IDENTITY_MAX_FAILURES = 5
IDENTITY_WINDOW_SECONDS = 3600
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = (PDF, JPEG, PNG)
EXPORT_VALID_DAYS = 30
EXPORT_SCHEMA_VERSION = "1.0"


class IdentityRefusedError(ValidationError):
    """The details given do not confirm the identity; one message whatever was wrong."""


# --- Deadlines --------------------------------------------------------------------------------------------------


def due_date(received_on: date) -> date:
    """One month from receipt (GDPR art. 12(3)); the 31 January gives the last day of February."""
    return received_on + relativedelta(months=1)


def extended_due_date(received_on: date) -> date:
    """The deadline extended "by two further months" (art. 12(3)): three months from receipt."""
    return received_on + relativedelta(months=3)


# --- Identity ---------------------------------------------------------------------------------------------------


THROTTLE_SCOPE = "privacy-identity"
IBAN_CHECK_KINDS = (ProfileKind.MEMBER, ProfileKind.COMPANY)  # the profiles with a membership number and an account


def identity_throttled(user: User) -> bool:
    return throttling.exhausted(THROTTLE_SCOPE, str(user.pk), limit=IDENTITY_MAX_FAILURES)


def _holder(profile: Profile):
    """The person (member) or company whose membership number and current account confirm the identity."""
    if profile.kind not in IBAN_CHECK_KINDS:
        return None
    return profile.person if profile.person_id else profile.company


def identity_check_iban(*, actor: User, profile: Profile, membership_number: str, iban_last4: str) -> None:
    """Raise ``IdentityRefusedError`` unless the membership number and the last 4 digits of the current IBAN match.

    The IBAN is decrypted here only and compared in constant time; failures are counted per login and audited.
    """
    if identity_throttled(actor):
        raise IdentityRefusedError(IDENTITY_THROTTLED, code="throttled")
    holder = _holder(profile)
    account = current_bank_account(holder) if holder is not None else None
    expected_number = (getattr(holder, "membership_number", "") or "").strip().upper()
    given_number = "".join(membership_number.split()).upper()
    given_digits = "".join(iban_last4.split()).upper()
    # Compared as UTF-8 bytes: compare_digest refuses non-ASCII text, and "١٢٣٤" must be a wrong answer, counted.
    number_ok = bool(expected_number) and hmac.compare_digest(expected_number.encode(), given_number.encode())
    digits = "".join(account.iban.split()).upper()[-4:] if account is not None else ""
    digits_ok = len(digits) == 4 and hmac.compare_digest(digits.encode(), given_digits.encode())
    if number_ok and digits_ok:
        throttling.reset(THROTTLE_SCOPE, str(actor.pk))
        return
    throttling.hit(THROTTLE_SCOPE, str(actor.pk), limit=IDENTITY_MAX_FAILURES, window=IDENTITY_WINDOW_SECONDS)
    with transaction.atomic():
        record(actor=actor, action="privacy_request.identity_failed", target=actor, profile=profile.kind)
    raise IdentityRefusedError(IDENTITY_REFUSED, code="identity")


def _document(upload):
    """The identity document checked, scanned and neutralised (``documents.sanitise``): PDF, JPEG or PNG, 5 MB."""
    try:
        return check_file(upload, max_bytes=DOCUMENT_MAX_BYTES, accepted=DOCUMENT_TYPES)
    except ValidationError as error:
        raise ValidationError({"identity_document": error.error_list}) from error


# --- Filing -----------------------------------------------------------------------------------------------------


@dataclass
class Filing:
    kind: str
    method: str
    details: str = ""
    membership_number: str = ""
    iban_last4: str = ""
    document: object = None
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)


def request_submit(*, actor: User, profile: Profile, filing: Filing, received_on: date | None = None) -> PrivacyRequest:
    """File a rights request: the identity is checked first (digits now, or a document staff will check).

    ``received_on`` is the day the request reached us when it is entered later (today by default): the deadline
    runs from it."""
    existing = PrivacyRequest.objects.filter(user=actor, idempotency_key=filing.idempotency_key).first()
    if existing is not None:
        return existing
    if filing.kind not in RightKind.values:
        raise ValidationError({"kind": _("Choose the right you want to exercise.")})
    content_type, document = "", None
    if filing.method == IdentityMethod.IBAN_DIGITS:
        identity_check_iban(
            actor=actor, profile=profile, membership_number=filing.membership_number, iban_last4=filing.iban_last4
        )
    elif filing.method == IdentityMethod.DOCUMENT:
        if filing.document is None:
            raise ValidationError({"identity_document": _("Attach an identity document.")})
        document = _document(filing.document)
        content_type = document.content_type
    else:
        raise ValidationError({"method": _("Choose how to confirm your identity.")})
    with StoredFiles() as files:
        stored = ""
        if filing.method == IdentityMethod.DOCUMENT:
            stored = files.add(store(document, folder="privacy/identity"))
        try:
            with files.atomic():
                return _create(
                    actor=actor,
                    profile=profile,
                    filing=filing,
                    stored=stored,
                    content_type=content_type,
                    received_on=received_on or timezone.localdate(),
                )
        except IntegrityError:
            files.discard()
            return PrivacyRequest.objects.get(user=actor, idempotency_key=filing.idempotency_key)


@transaction.atomic
def _create(
    *, actor: User, profile: Profile, filing: Filing, stored: str, content_type: str, received_on: date
) -> PrivacyRequest:
    year = timezone.localdate().year  # the year it is registered in, whatever the day it reached us
    reference = f"DPR-{year}-{PrivacyRequestSequence.take_next(year):06d}"
    request = PrivacyRequest(
        reference=reference,
        kind=filing.kind,
        user=actor,
        profile=profile,
        person=profile.person if profile.kind == ProfileKind.MEMBER else None,
        details=filing.details.strip(),
        language=actor.language,
        identity_method=filing.method,
        identity_document_name=stored,
        identity_document_original=clean_name(getattr(filing.document, "name", "")) if stored else "",
        identity_document_type=content_type,
        received_on=received_on,
        due_on=due_date(received_on),
        idempotency_key=filing.idempotency_key,
    )
    request.full_clean()
    request.save()
    PrivacyRequestEvent.objects.create(request=request, actor=actor, to_status=RequestStatus.RECEIVED)
    record(
        actor=actor,
        action="privacy_request.submitted",
        target=request,
        data={"kind": request.kind, "identity_method": request.identity_method, "due_on": request.due_on},
        profile=profile.kind,
    )
    if filing.method == IdentityMethod.IBAN_DIGITS:
        request.identity_verified_at = timezone.now()
        _move(request, RequestStatus.IN_PROGRESS, actor=actor, note="", by_staff=False, action="identity_confirmed")
    else:
        _move(
            request, RequestStatus.IDENTITY_TO_CHECK, actor=actor, note="", by_staff=False, action="identity_to_check"
        )
    emails.notify(request, "received")
    return request


# --- The state machine ------------------------------------------------------------------------------------------


def _move(
    request: PrivacyRequest, to: str, *, actor: User | None, note: str, by_staff: bool, action: str, data=None
) -> None:
    if to not in TRANSITIONS[request.status]:
        raise ValidationError(
            _("A request in the status “%(status)s” cannot move to “%(target)s”.")
            % {"status": request.get_status_display(), "target": RequestStatus(to).label},
            code="transition",
        )
    previous = request.status
    request.status = to
    if not request.is_open:
        request.closed_at = timezone.now()
        _drop_identity_document(request)
    request.full_clean()
    request.save()
    PrivacyRequestEvent.objects.create(
        request=request, actor=actor, from_status=previous, to_status=to, note=note, by_staff=by_staff
    )
    record(
        actor=actor,
        action=f"privacy_request.{action}",
        target=request,
        data={"from": previous, "to": to, **(data or {})},
        profile="staff" if by_staff else "",
    )


def _drop_identity_document(request: PrivacyRequest) -> None:
    """The identity document is kept only while the request is open (as the form promises)."""
    if request.identity_document_name:
        name = request.identity_document_name
        request.identity_document_name = request.identity_document_type = ""
        transaction.on_commit(lambda: _delete_files([name]))


def _locked(request: PrivacyRequest) -> PrivacyRequest:
    return PrivacyRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_identity_decide(*, actor: User, request: PrivacyRequest, confirmed: bool, note: str = "") -> PrivacyRequest:
    """Staff looked at the identity document: confirmed, the request is processed; otherwise refused."""
    request = _locked(request)
    if confirmed:
        request.identity_verified_at = timezone.now()
        _move(request, RequestStatus.IN_PROGRESS, actor=actor, note=note, by_staff=True, action="identity_confirmed")
        emails.notify(request, "in_progress")
    else:
        request.refusal_reason = RefusalReason.IDENTITY_NOT_CONFIRMED
        request.answer = note.strip()
        _move(request, RequestStatus.REFUSED, actor=actor, note=note, by_staff=True, action="refused")
        emails.notify(request, "refused")
    return request


@transaction.atomic
def request_assign(*, actor: User, request: PrivacyRequest, assignee: User | None) -> PrivacyRequest:
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("This request is closed."), code="closed")
    request.assigned_to = assignee
    request.save(update_fields=["assigned_to", "updated_at"])
    record(
        actor=actor,
        action="privacy_request.assigned",
        target=request,
        data={"assigned_to": assignee.get_username() if assignee else ""},
        profile="staff",
    )
    return request


@transaction.atomic
def request_extend(*, actor: User, request: PrivacyRequest, reason: str) -> PrivacyRequest:
    """Two more months, once, with the reason told to the person within the first month (art. 12(3))."""
    request = _locked(request)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request needs more time.")})
    if request.extended_at is not None:
        raise ValidationError(_("The deadline has already been extended once."), code="extended")
    request.extended_at = timezone.now()
    request.extension_reason = reason.strip()
    request.due_on = extended_due_date(request.received_on)
    _move(
        request,
        RequestStatus.EXTENDED,
        actor=actor,
        note=reason.strip(),
        by_staff=True,
        action="extended",
        data={"due_on": request.due_on, "reason": reason.strip()},
    )
    emails.notify(request, "extended")
    return request


@transaction.atomic
def request_refuse(*, actor: User, request: PrivacyRequest, reason: str, answer: str) -> PrivacyRequest:
    request = _locked(request)
    if reason not in RefusalReason.values:
        raise ValidationError({"refusal_reason": _("Choose the reason for the refusal.")})
    if not answer.strip():
        raise ValidationError({"answer": _("Explain the refusal to the person: they may complain to the CNIL.")})
    request.refusal_reason, request.answer = reason, answer.strip()
    _move(request, RequestStatus.REFUSED, actor=actor, note=answer.strip(), by_staff=True, action="refused")
    emails.notify(request, "refused")
    return request


@transaction.atomic
def request_answer(*, actor: User, request: PrivacyRequest, answer: str) -> PrivacyRequest:
    """Answer the request: an erasure is executed now, an access or portability copy is prepared by a task."""
    request = _locked(request)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer sent to the person.")})
    request.answer = answer.strip()
    data = {}
    if request.kind == RightKind.ERASURE:
        request.erasure_report = erasure_execute(actor=actor, subject=subject_of(request), full=None)
        data = {"erased": request.erasure_report["erased"], "kept": request.erasure_report["kept"]}
    note = answer.strip()
    _move(request, RequestStatus.ANSWERED, actor=actor, note=note, by_staff=True, action="answered", data=data)
    if request.kind in EXPORT_KINDS:
        from privacy.tasks import build_export

        public_id = str(request.public_id)
        task_queue_on_commit(build_export, public_id)
    emails.notify(request, "answered")
    return request


# --- Subjects, export and erasure -------------------------------------------------------------------------------


def subject_of(request: PrivacyRequest) -> Subject:
    return Subject(user=request.user, person=request.person)


def needs_data_for_relation(person: Person | None, *, today: date | None = None) -> bool:
    """True while a contract in force or something still being processed needs the person's data."""
    if person is None:
        return False
    today = today or timezone.localdate()
    for hook in all_hooks():
        end = hook.relation_end(person) if hook.relation_end else None
        if end is not None and end >= today:
            return True
        if hook.open_matters and hook.open_matters(person):
            return True
    return False


def erasure_execute(*, actor: User | None, subject: Subject, full: bool | None) -> dict:
    """Run every hook's erase in the caller's transaction (all or nothing); files go once the transaction commits.

    ``full=None`` decides from the relation: while a contract or an open matter needs the data, only what they do
    not need is erased. Returns the report shown on screen: counts erased and codes kept.
    """
    if full is None:
        full = not needs_data_for_relation(subject.person)
    erased: dict[str, int] = {}
    kept: list[str] = []
    files: list[str] = []
    with transaction.atomic():
        for hook in all_hooks():
            if hook.erase is None:
                continue
            outcome = hook.erase(subject, full=full, actor=actor)
            for code, count in outcome.erased.items():
                erased[code] = erased.get(code, 0) + count
            kept += [item.code for item in outcome.kept]
            files += outcome.files_to_delete
        target = subject.person or subject.user
        record(
            actor=actor,
            action="privacy.erasure_executed",
            target=target,
            data={"full": full, "erased": erased, "kept": sorted(set(kept)), "files": len(files)},
            profile="staff" if actor is not None else "",
        )
        transaction.on_commit(lambda: _delete_files(files))
    return {"full": full, "erased": erased, "kept": list(dict.fromkeys(kept))}


def _delete_files(names: list[str]) -> None:
    delete_names(names)


def export_document(subject: Subject) -> dict:
    """Everything held about the subject, one section per domain hook, plus the evidence events about them."""
    from privacy.selectors import subject_audit_events

    sections = {}
    for hook in all_hooks():
        section = hook.export(subject)
        if section is not None:
            sections[hook.name] = section
    if subject.user is not None:
        sections["privacy_requests"] = [
            {
                "reference": row.reference,
                "kind": row.kind,
                "status": row.status,
                "received_on": row.received_on,
                "due_on": row.due_on,
                "closed_at": row.closed_at,
                "answer": row.answer,
            }
            for row in PrivacyRequest.objects.filter(user=subject.user).order_by("received_on", "pk")
        ]
    return {
        "schema": "openmutuelle.personal-data-export",
        "schema_version": EXPORT_SCHEMA_VERSION,
        "generated_at": timezone.now(),
        "controller": {"name": settings.INSURER.get("name", ""), "dpo": settings.INSURER.get("dpo_email", "")},
        "sections": sections,
        "audit_events": subject_audit_events(subject),
    }


def export_json(document: dict) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_build(*, request: PrivacyRequest) -> PrivacyRequest:
    """Build, store encrypted and announce the copy of an answered access or portability request (idempotent)."""
    import hashlib

    from privacy.pdf import export_pdf

    if request.export_json_name or request.kind not in EXPORT_KINDS or request.status != RequestStatus.ANSWERED:
        return request
    document = export_document(subject_of(request))
    content = export_json(document)
    pdf = export_pdf(request=request, document=document)
    with StoredFiles() as files:
        json_name = files.add(default_storage.save(f"privacy/exports/{uuid.uuid4().hex}", ContentFile(content)))
        pdf_name = files.add(default_storage.save(f"privacy/exports/{uuid.uuid4().hex}", ContentFile(pdf)))
        try:
            with files.atomic():
                locked = _locked(request)
                if locked.export_json_name:
                    raise IntegrityError("already built")
                now = timezone.now()
                locked.export_json_name, locked.export_pdf_name = json_name, pdf_name
                locked.export_sha256 = hashlib.sha256(content).hexdigest()
                locked.export_ready_at, locked.export_expires_at = now, now + timedelta(days=EXPORT_VALID_DAYS)
                locked.save()
                record(
                    actor=None,
                    action="privacy_request.export_ready",
                    target=locked,
                    data={"sha256": locked.export_sha256, "expires_at": locked.export_expires_at},
                )
                emails.notify(locked, "export_ready")
                return locked
        except IntegrityError:
            files.discard()
            return PrivacyRequest.objects.get(pk=request.pk)


def export_downloaded(*, actor: User, request: PrivacyRequest, fmt: str) -> None:
    with transaction.atomic():
        record(actor=actor, action="privacy_request.export_downloaded", target=request, data={"format": fmt})
