"""Every change to a request: submission, messages, assignment and status moves (SPEC M5, E5, B2).

Each runs in one transaction, validates (the submission in Python without a query, ``validate_row``), leaves its
audit event in the same transaction and emails the author once it commits. Statuses move only along
``choices.TRANSITIONS``.
Supporting documents are checked before anything is written, and removed again if the transaction fails.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from audit.services import record
from contracts.models import Contract
from contracts.selectors import contract_list
from core.validation import validate_row
from demarches import emails, kind_forms, kinds, selectors, uploads
from demarches.choices import FINAL_STATUSES, RequestStatus, can_transition
from demarches.deadlines import complaint_deadlines
from demarches.events import RequestEventType
from demarches.fields import validate_no_markup
from demarches.generic_kinds import COMPLAINT
from demarches.models import (
    MESSAGE_MAX_LENGTH,
    ReferenceSequence,
    Request,
    RequestAttachment,
    RequestEvent,
    RequestMessage,
    validate_idempotency_key,
)
from demarches.permissions import AUTHOR_PROFILE_KINDS, may_process
from documents.transactional import StoredFiles
from people.models import Company, Person
from people.selectors import person_list

# --- Submission ----------------------------------------------------------------------------------------


def request_submit(
    *,
    actor: Profile,
    kind_code: str,
    payload: Mapping[str, Any],
    subject_person: Person | None = None,
    subject_company: Company | None = None,
    subject_contract: Contract | None = None,
    attachments: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> Request:
    """Send a request in the actor's profile; the same author and idempotency key give back the first one.

    Raises ValidationError keyed by field (the kind form's fields, ``kind``, ``attachments``,
    ``idempotency_key``, ``subject_*``); nothing is written or stored then.
    """
    _check_idempotency_key(idempotency_key)
    if idempotency_key:
        existing = selectors.request_with_author(author=actor.user, idempotency_key=idempotency_key)
        if existing is not None:
            return _replayed(existing, kind_code)
    kind = _kind_for(actor, kind_code)
    form = kind_forms.build_form(kind, data=payload if payload is not None else {}, profile=actor)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    files = _checked_files(attachments, minimum=kind_forms.required_attachments(kind, form))
    subjects = _subjects(actor, form.cleaned_data, subject_person, subject_company, subject_contract)
    request = Request(
        kind=kind.code,
        author=actor.user,
        author_profile=actor,
        payload=kind_forms.payload_from(form.cleaned_data),
        idempotency_key=idempotency_key or None,
        **subjects,
    )
    return _create(request, files)


def _check_idempotency_key(key: str | None) -> None:
    if key:
        try:
            validate_idempotency_key(key)
        except ValidationError as error:
            raise ValidationError({"idempotency_key": error.error_list}) from error


def _replayed(existing: Request, kind_code: str) -> Request:
    """A retry gets the request it already made; a key reused for another kind of request is an error."""
    if existing.kind != kind_code:
        raise ValidationError(
            {"idempotency_key": _("This key was already used for another request.")}, code="key_reused"
        )
    return existing


def _kind_for(actor: Profile, kind_code: str) -> kinds.RequestKind:
    kind = kinds.get(kind_code) if isinstance(kind_code, str) else None
    if actor is None or actor.kind not in AUTHOR_PROFILE_KINDS or kind is None or actor.kind not in kind.profiles:
        raise ValidationError({"kind": _("This kind of request does not exist or is not open to you.")}, code="kind")
    return kind


def _checked_files(attachments: Sequence[UploadedFile], *, minimum: int = 0) -> list[uploads.CheckedFile]:
    try:
        return uploads.check_files(attachments, minimum=minimum)
    except ValidationError as error:
        raise ValidationError({"attachments": error.error_list}) from error


def _subjects(actor: Profile, cleaned: Mapping[str, Any], person, company, contract) -> dict[str, Any]:
    """The records the request is about: given, else named in the answers, else the actor's own record."""
    named = kind_forms.records_in(cleaned)

    def first(model):
        return next((record for record in named if isinstance(record, model)), None)

    person = person or first(Person) or (actor.person if actor.kind == ProfileKind.MEMBER else None)
    company = company or first(Company) or (actor.company if actor.kind == ProfileKind.COMPANY else None)
    contract = contract or first(Contract)
    errors = {}
    if person is not None and not _may_name_person(actor, person):
        errors["subject_person"] = _("This person is not among your records.")
    if company is not None and not _may_name_company(actor, company):
        errors["subject_company"] = _("This company is not among your records.")
    if contract is not None and not contract_list(actor=actor).filter(pk=contract.pk).exists():
        errors["subject_contract"] = _("This contract is not among your records.")
    if errors:
        raise ValidationError(errors, code="scope")
    return {"subject_person": person, "subject_company": company, "subject_contract": contract}


def _may_name_person(actor: Profile, person: Person) -> bool:
    own = actor.kind == ProfileKind.MEMBER and actor.person_id == person.pk
    return own or person_list(actor=actor).filter(pk=person.pk).exists()


def _may_name_company(actor: Profile, company: Company) -> bool:
    if actor.kind == ProfileKind.COMPANY:
        return actor.company_id == company.pk
    return actor.kind == ProfileKind.AGENT and contract_list(actor=actor).filter(holder_company=company).exists()


def _create(request: Request, files: list[uploads.CheckedFile]) -> Request:
    with StoredFiles() as stored:
        try:
            with stored.atomic():
                twin = _twin(request)
                if twin is not None:  # the same submission already committed
                    return twin
                _number(request)
                validate_row(request)  # the idempotency key's uniqueness is the database's: a twin fails on insert
                request.save()
                _add_event(request, actor=request.author, source="", target=RequestStatus.IN_PROGRESS, by_staff=False)
                saved = _save_attachments(request, files, stored.names, uploaded_by=request.author)
                _audit_submitted(request, saved)
                emails.notify_submitted(request)
        except IntegrityError:
            stored.discard()
            twin = _twin(request)
            if twin is None:
                raise
            return twin
    return request


def _twin(request: Request) -> Request | None:
    if not request.idempotency_key:
        return None
    return selectors.request_with_author(author=request.author, idempotency_key=request.idempotency_key)


def _number(request: Request) -> None:
    """This year's next reference, taken without a lock held until commit (a same submission sent twice at once is
    caught by the unique idempotency key)."""
    year = timezone.localtime(request.submitted_at).year
    request.reference = f"DEM-{year}-{ReferenceSequence.take_next(year):06d}"
    if request.kind == COMPLAINT:
        request.acknowledge_by, request.answer_by = complaint_deadlines(timezone.localtime(request.submitted_at).date())


def _save_attachments(
    request: Request,
    files: list[uploads.CheckedFile],
    stored: list[str],
    *,
    uploaded_by: User,
    message: RequestMessage | None = None,
) -> list[RequestAttachment]:
    saved = []
    for checked in files:
        name = uploads.store(checked)
        stored.append(name)
        attachment = RequestAttachment(
            request=request,
            message=message,
            uploaded_by=uploaded_by,
            file=name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        validate_row(attachment)
        saved.append(attachment)
    return RequestAttachment.objects.bulk_create(saved)


def _audit_submitted(request: Request, saved: list[RequestAttachment]) -> None:
    record(
        actor=request.author,
        action=RequestEventType.SUBMITTED,
        target=request,
        profile=request.author_profile.kind,
        data={
            "reference": request.reference,
            "kind": request.kind,
            "payload_sha256": _digest(request.payload),
            "attachments": [{"id": str(a.public_id), "sha256": a.sha256} for a in saved],
        },
    )


# --- Messages ------------------------------------------------------------------------------------------


def request_message_add(
    *,
    actor_user: User,
    request: Request,
    body: str,
    attachments: Sequence[UploadedFile] = (),
    internal: bool = False,
) -> RequestMessage:
    """A message in the thread: from the author (which answers a request awaiting their return) or from staff.

    Staff messages (not internal notes) are emailed to the author; a closed request takes no more
    messages from its author.
    """
    by_staff = request.author_id != actor_user.pk
    if by_staff and not may_process(actor_user):
        raise PermissionDenied
    if internal and not by_staff:
        raise ValidationError({"internal": _("Only staff write internal notes.")})
    if not by_staff and request.status in FINAL_STATUSES:
        raise ValidationError({"body": _("This request is closed: make a new request if needed.")}, code="closed")
    body = _clean_text(body, field="body")
    files = _checked_files(attachments)
    with StoredFiles() as stored, stored.atomic():
        return _post_message(request, actor_user, body, files, stored.names, internal=internal, by_staff=by_staff)


def _post_message(request, user, body, files, stored, *, internal: bool, by_staff: bool) -> RequestMessage:
    locked = _locked(request)
    message = RequestMessage(request=locked, author=user, body=body, internal=internal, by_staff=by_staff)
    message.full_clean()
    message.save()
    saved = _save_attachments(locked, files, stored, uploaded_by=user, message=message)
    record(
        actor=user,
        action=RequestEventType.NOTE_POSTED if internal else RequestEventType.MESSAGE_POSTED,
        target=locked,
        profile="staff" if by_staff else locked.author_profile.kind,
        data={"message": str(message.public_id), "attachments": [a.sha256 for a in saved]},
    )
    if not by_staff and locked.status == RequestStatus.AWAITING_RETURN:
        _move(locked, actor=user, target=RequestStatus.IN_PROGRESS, comment="", by_staff=False)
    elif by_staff and not internal:
        _acknowledge(locked)
        emails.notify_message(locked)
    Request.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    _refresh(request, locked)
    return message


# --- Back office -----------------------------------------------------------------------------------------


def request_assign(*, actor: User, request: Request, assignee: User | None) -> Request:
    """Give the request to a staff member who processes requests (``None``: back to the common queue)."""
    _require_processor(actor)
    if assignee is not None and not may_process(assignee):
        raise ValidationError({"assigned_to": _("Requests go to staff who process them.")})
    with transaction.atomic():
        locked = _locked(request)
        if locked.is_final:
            raise ValidationError({"assigned_to": _("This request is closed.")}, code="closed")
        previous = locked.assigned_to_id
        locked.assigned_to = assignee
        locked.full_clean()
        locked.save(update_fields=["assigned_to", "updated_at"])
        record(
            actor=actor,
            action=RequestEventType.ASSIGNED,
            target=locked,
            profile="staff",
            data={"from": previous, "to": assignee.pk if assignee else None},
        )
    _refresh(request, locked)
    return request


def request_set_status(*, actor: User, request: Request, status: str, comment: str = "") -> Request:
    """Move a request along the table. Asking for a return needs a comment: it is posted in the thread too.

    Validating runs the kind's applier (``request_validate``); rejecting needs a reason (``request_reject``).
    """
    if status == RequestStatus.VALIDATED:
        return request_validate(actor=actor, request=request, comment=comment)
    if status == RequestStatus.REJECTED:
        return request_reject(actor=actor, request=request, reason=comment)
    _require_processor(actor)
    asking = status == RequestStatus.AWAITING_RETURN
    comment = _clean_text(comment, field="comment", required=asking)
    with transaction.atomic():
        locked = _locked(request)
        _move(locked, actor=actor, target=status, comment=comment, by_staff=True)
        if asking:
            message = RequestMessage(request=locked, author=actor, body=comment, by_staff=True)
            message.full_clean()
            message.save()
    _refresh(request, locked)
    return request


def request_validate(
    *, actor: User, request: Request, comment: str = "", answer: Mapping[str, Any] | None = None
) -> Request:
    """Validate and, for a typed kind, apply the change to the records in the same transaction.

    A kind with an ``answer_form`` takes staff's structured answer (``answer``, its fields but the comment): checked
    by that form, kept on the request, shown to the author; its errors come back keyed by field.

    The applier's ValidationError undoes everything: the request stays as it was and the error goes back
    to the caller (the back office shows it).
    """
    _require_processor(actor)
    comment = _clean_text(comment, field="comment", required=False)
    with transaction.atomic():
        locked = _locked(request)
        _check_move(locked, RequestStatus.VALIDATED)
        kind = locked.request_kind
        if kind is not None and kind.answer_form is not None:
            locked.answer = _answer(kind, answer, locked)
            locked.save(update_fields=["answer", "updated_at"])
        if kind is not None and kind.apply is not None:
            kind.apply(request=locked, actor=actor)
        extra = {"answer_sha256": _digest(locked.answer)} if locked.answer else {}
        _move(locked, actor=actor, target=RequestStatus.VALIDATED, comment=comment, by_staff=True, extra=extra)
    _refresh(request, locked)
    return request


def _answer(kind: kinds.RequestKind, answer: Mapping[str, Any] | None, request: Request) -> dict[str, Any]:
    """Staff's answer checked by the kind's answer form, then against the request (``answer_check``), as JSON (its
    comment aside: the history holds it)."""
    form = kind.answer_form(data={**(answer or {}), "comment": ""})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    cleaned = {name: value for name, value in form.cleaned_data.items() if name != "comment"}
    if kind.answer_check is not None:
        kind.answer_check(request, cleaned)
    return kind_forms.payload_from(cleaned)


def _digest(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def request_reject(*, actor: User, request: Request, reason: str) -> Request:
    """Refuse the request; the reason is shown to the author on the request's page."""
    _require_processor(actor)
    reason = _clean_text(reason, field="reason")
    with transaction.atomic():
        locked = _locked(request)
        _move(locked, actor=actor, target=RequestStatus.REJECTED, comment=reason, by_staff=True)
    _refresh(request, locked)
    return request


# --- Shared steps ----------------------------------------------------------------------------------------


def _require_processor(actor: User) -> None:
    if not may_process(actor):
        raise PermissionDenied


def _clean_text(value: Any, *, field: str, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {field: _("Write at most %(max)d characters.") % {"max": MESSAGE_MAX_LENGTH}}, code="max_length"
        )
    try:
        validate_no_markup(text)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from error
    return text


def _locked(request: Request) -> Request:
    """The request row, locked until commit, so two staff actions cannot both move it."""
    return Request.objects.select_for_update().select_related("author", "author_profile").get(pk=request.pk)


def _check_move(request: Request, target: str) -> None:
    if target not in RequestStatus.values:
        raise ValidationError({"status": _("Unknown status.")}, code="invalid")
    if not can_transition(request.status, target):
        raise ValidationError(
            {
                "status": _("A request that is “%(source)s” cannot become “%(target)s”.")
                % {"source": RequestStatus(request.status).label, "target": RequestStatus(target).label}
            },
            code="transition",
        )


def _move(
    request: Request, *, actor: User, target: str, comment: str, by_staff: bool, extra: dict | None = None
) -> RequestEvent:
    """One step along the table: status, closing time, history line, audit event and the author's email."""
    _check_move(request, target)
    source = request.status
    request.status = target
    request.closed_at = timezone.now() if target in FINAL_STATUSES else None
    request.full_clean()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    if by_staff:
        _acknowledge(request)
    event = _add_event(request, actor=actor, source=source, target=target, comment=comment, by_staff=by_staff)
    action = {
        RequestStatus.VALIDATED: RequestEventType.VALIDATED,
        RequestStatus.REJECTED: RequestEventType.REJECTED,
    }.get(target, RequestEventType.STATUS_CHANGED)
    record(
        actor=actor,
        action=action,
        target=request,
        profile="staff" if by_staff else request.author_profile.kind,
        data={"reference": request.reference, "from": source, "to": target, **(extra or {})},
    )
    emails.notify_status_changed(request)
    return event


def _add_event(request: Request, *, actor: User, source: str, target: str, comment: str = "", by_staff: bool):
    event = RequestEvent(
        request=request, actor=actor, from_status=source, to_status=target, comment=comment, by_staff=by_staff
    )
    validate_row(event)
    event.save()
    return event


def _acknowledge(request: Request) -> None:
    """A complaint counts as acknowledged at the first thing staff tell its author."""
    if request.is_complaint and request.acknowledged_at is None:
        request.acknowledged_at = timezone.now()
        request.save(update_fields=["acknowledged_at"])


def _refresh(target: Request, source: Request) -> None:
    """Copy the saved state back to the caller's instance."""
    for field in ("status", "closed_at", "assigned_to_id", "acknowledged_at", "updated_at"):
        setattr(target, field, getattr(source, field))
