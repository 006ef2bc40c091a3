"""The privacy back office, mounted under /backoffice/privacy/ (SPEC B6, B7, G4, G5): the rights-request queue and
its decisions, the review of staff accesses to personal data, the evidence trail and the audience statistics.
Only the DPO and administrators open these pages; everyone else gets the 404 of a missing page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_role_required
from audit.services import record_access
from contracts.pdf import attachment_response
from privacy import evidence, legal, selectors, services
from privacy.choices import RequestStatus
from privacy.forms import AnswerForm, ExtendForm, IdentityForm, QueueFilterForm, RefuseForm
from privacy.selectors import PRIVACY_ROLES

PAGE_SIZE = 25
privacy_staff = staff_role_required(*PRIVACY_ROLES)


@privacy_staff
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.QueueFilters(
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        overdue=data.get("overdue", False),
        mine_for=request.user if data.get("mine") else None,
        closed=data.get("closed", False),
    )
    page = Paginator(selectors.request_queue(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    evidence.staff_read(actor=request.user, reason="privacy_request_queue", shown=page.object_list)
    return render(request, "privacy/backoffice/queue.html", {"form": form, "page": page})


def _detail_context(item, **forms) -> dict:
    report = item.erasure_report or {}
    return {
        "item": item,
        "events": item.events.all(),
        "assignees": selectors.privacy_staff(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "identity_form": forms.get("identity_form") or IdentityForm(),
        "erased": legal.erased_rows(report.get("erased", {})),
        "kept": legal.kept_rows(report.get("kept", [])) if report else [],
        "can_extend": item.extended_at is None and item.status == RequestStatus.IN_PROGRESS,
        "relation_in_force": services.needs_data_for_relation(item.person),
        "statuses": RequestStatus,
    }


@privacy_staff
def detail(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.access_request(public_id=public_id)
    record_access(actor=request.user, target=item, reason="privacy_request", profile="staff")
    return render(request, "privacy/backoffice/detail.html", _detail_context(item))


@privacy_staff
def identity_document(request: HttpRequest, public_id) -> HttpResponse:
    item = selectors.access_request(public_id=public_id)
    if not item.identity_document_name:
        raise Http404
    with default_storage.open(item.identity_document_name) as handle:
        content = handle.read()
    record_access(actor=request.user, target=item, reason="privacy_identity_document", profile="staff")
    return attachment_response(content, item.identity_document_original or "identity", item.identity_document_type)


def _act(request: HttpRequest, public_id, form_class, form_key: str, action, success: str) -> HttpResponse:
    """Validate the form, call the service, come back to the request with a message or the errors."""
    item = selectors.access_request(public_id=public_id)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        context = _detail_context(item, **{form_key: form})
        return render(request, "privacy/backoffice/detail.html", context, status=400)
    try:
        action(item, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("privacy_backoffice:request", item.public_id)
    messages.success(request, success)
    return redirect("privacy_backoffice:request", item.public_id)


@require_POST
@privacy_staff
def identity(request: HttpRequest, public_id) -> HttpResponse:
    def act(item, data):
        services.request_identity_decide(
            actor=request.user, request=item, confirmed=data["decision"] == "confirm", note=data.get("note", "")
        )

    return _act(request, public_id, IdentityForm, "identity_form", act, _("The identity decision is recorded."))


@require_POST
@privacy_staff
def assign(request: HttpRequest, public_id) -> HttpResponse:
    def act(item, data):
        wanted = request.POST.get("assignee", "")
        assignee = request.user if wanted == "me" else selectors.privacy_staff().filter(username=wanted).first()
        services.request_assign(actor=request.user, request=item, assignee=assignee)

    return _act(request, public_id, None, "", act, _("The request is assigned."))


@require_POST
@privacy_staff
def extend(request: HttpRequest, public_id) -> HttpResponse:
    def act(item, data):
        services.request_extend(actor=request.user, request=item, reason=data["reason"])

    return _act(request, public_id, ExtendForm, "extend_form", act, _("The deadline is extended by two months."))


@require_POST
@privacy_staff
def refuse(request: HttpRequest, public_id) -> HttpResponse:
    def act(item, data):
        services.request_refuse(actor=request.user, request=item, reason=data["refusal_reason"], answer=data["answer"])

    return _act(request, public_id, RefuseForm, "refuse_form", act, _("The refusal is sent."))


@require_POST
@privacy_staff
def answer(request: HttpRequest, public_id) -> HttpResponse:
    def act(item, data):
        services.request_answer(actor=request.user, request=item, answer=data["answer"])

    return _act(request, public_id, AnswerForm, "answer_form", act, _("The answer is sent."))
