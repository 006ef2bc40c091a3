"""Back-office pages of B2: the request queue and the processing page with its actions.

Open to staff with the requests or administrator role (everyone else: 404). Each page that shows a
request or its documents leaves an access event in the audit trail (SPEC G4).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_role_required
from audit.services import ACCESS_ACTION, record, record_access
from demarches import kind_forms, selectors, services
from demarches.choices import RequestStatus
from demarches.downloads import attachment_response
from demarches.forms import (
    AskReturnForm,
    QueueFilterForm,
    RejectForm,
    StaffMessageForm,
    ValidateForm,
    add_service_errors,
)
from demarches.permissions import PROCESSING_ROLES, access_attachment, access_request_for_staff
from demarches.selectors import QueueFilters
from demarches.subjects import subject_rows

PAGE_SIZE = 20
processor_required = staff_role_required(*PROCESSING_ROLES)


def _filters(form: QueueFilterForm) -> QueueFilters:
    if not form.is_bound:
        return QueueFilters()
    if not form.is_valid():
        return QueueFilters()
    data = form.cleaned_data
    return QueueFilters(
        kind=data["kind"],
        status=data["status"],
        older_than_days=data["older_than"],
        assignment=data["assignment"],
        overdue=data["overdue"],
    )


@processor_required
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    rows = selectors.request_queue(actor=request.profile, filters=_filters(form))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [str(row.public_id) for row in page.object_list]
    if shown:
        record(
            actor=request.user, action=ACCESS_ACTION, data={"reason": "request_queue", "shown": shown}, profile="staff"
        )
    return render(request, "demarches/backoffice/queue.html", {"form": form, "page": page})


def _validate_form_class(demarche):
    """The kind's answer form when it takes a structured answer (amounts…), else the plain validation."""
    kind = demarche.request_kind
    return kind.answer_form if kind is not None and kind.answer_form is not None else ValidateForm


def _validate_form(demarche):
    kind = demarche.request_kind
    suggest = kind is not None and kind.answer_initial is not None and not demarche.is_final
    return _validate_form_class(demarche)(initial=kind.answer_initial(demarche) if suggest else None)


def _page(request: HttpRequest, demarche, *, status: int = 200, **forms) -> HttpResponse:
    record_access(actor=request.user, target=demarche, reason="request_processing", profile="staff")
    kind = demarche.request_kind
    context = {
        "demarche": demarche,
        "rows": kind_forms.payload_rows(demarche.request_kind, demarche.payload),
        "answer_rows": kind_forms.answer_rows(demarche.request_kind, demarche.answer),
        "history": selectors.request_history(request=demarche),
        "thread": selectors.request_thread(request=demarche, include_internal=True),
        "documents": selectors.request_documents(request=demarche),
        "ask_form": forms.get("ask") or AskReturnForm(),
        "validate_form": forms.get("validate") or _validate_form(demarche),
        "suggested": kind is not None and kind.answer_initial is not None,
        "reject_form": forms.get("reject") or RejectForm(),
        "message_form": forms.get("message") or StaffMessageForm(),
        "statuses": RequestStatus,
        "subjects": subject_rows(demarche),
    }
    return render(request, "demarches/backoffice/detail.html", context, status=status)


def _demarche(request: HttpRequest, public_id):
    return access_request_for_staff(actor=request.profile, public_id=public_id)


@processor_required
def detail(request: HttpRequest, public_id) -> HttpResponse:
    return _page(request, _demarche(request, public_id))


def _act(request: HttpRequest, public_id, form_class, name: str, call, done: str) -> HttpResponse:
    """Validate the action's form, call its service; errors come back on the page (400), nothing changed.
    ``form_class`` may be a function of the request shown (the kind's own answer form)."""
    demarche = _demarche(request, public_id)
    if not isinstance(form_class, type):
        form_class = form_class(demarche)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(demarche, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, done)
            return redirect("demarches_backoffice:detail", public_id=demarche.public_id)
    return _page(request, demarche, status=400, **{name: form})


@processor_required
@require_POST
def assign(request: HttpRequest, public_id) -> HttpResponse:
    demarche = _demarche(request, public_id)
    assignee = request.user if request.POST.get("to") == "me" else None
    try:
        services.request_assign(actor=request.user, request=demarche, assignee=assignee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("demarches_backoffice:detail", public_id=demarche.public_id)


@processor_required
@require_POST
def ask_return(request: HttpRequest, public_id) -> HttpResponse:
    def call(demarche, data):
        services.request_set_status(
            actor=request.user, request=demarche, status=RequestStatus.AWAITING_RETURN, comment=data["comment"]
        )

    return _act(request, public_id, AskReturnForm, "ask", call, _("The user has been asked for a return."))


@processor_required
@require_POST
def resume(request: HttpRequest, public_id) -> HttpResponse:
    demarche = _demarche(request, public_id)
    try:
        services.request_set_status(actor=request.user, request=demarche, status=RequestStatus.IN_PROGRESS)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("demarches_backoffice:detail", public_id=demarche.public_id)


@processor_required
@require_POST
def validate(request: HttpRequest, public_id) -> HttpResponse:
    def call(demarche, data):
        answer = {name: value for name, value in data.items() if name != "comment"}
        services.request_validate(actor=request.user, request=demarche, comment=data["comment"], answer=answer or None)

    return _act(request, public_id, _validate_form_class, "validate", call, _("The request is validated."))


@processor_required
@require_POST
def reject(request: HttpRequest, public_id) -> HttpResponse:
    def call(demarche, data):
        services.request_reject(actor=request.user, request=demarche, reason=data["reason"])

    return _act(request, public_id, RejectForm, "reject", call, _("The request is rejected."))


@processor_required
@require_POST
def post_message(request: HttpRequest, public_id) -> HttpResponse:
    def call(demarche, data):
        services.request_message_add(actor_user=request.user, request=demarche, **data)

    return _act(request, public_id, StaffMessageForm, "message", call, _("Your message is posted."))


@processor_required
def attachment_download(request: HttpRequest, public_id, attachment_id) -> HttpResponse:
    demarche = _demarche(request, public_id)
    attachment = access_attachment(request=demarche, public_id=attachment_id, staff=True)
    record_access(actor=request.user, target=attachment, reason="request_document", profile="staff")
    return attachment_response(attachment)
