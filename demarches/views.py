"""Pages of the requests a member, company or agent sends (SPEC M5, E5): list, choice, form, follow-up.

A request is seen only in the profile that sent it; anything else answers the same 404 as a missing page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import profile_required
from demarches import kind_forms, kinds, selectors, services
from demarches.downloads import attachment_response
from demarches.emails import mediator
from demarches.forms import ReplyForm, StatusFilterForm, SubmissionForm, add_service_errors
from demarches.permissions import access_attachment, access_request

AUTHORS = ("member", "company", "agent")
PAGE_SIZE = 20


@profile_required(*AUTHORS)
def request_list(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(selectors.request_list(actor=request.profile, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "demarches/list.html", {"form": form, "page": page})


@profile_required(*AUTHORS)
def request_new(request: HttpRequest) -> HttpResponse:
    choices = [(kind, kind_forms.start_url(kind)) for kind in kinds.for_profile(request.profile.kind)]
    return render(request, "demarches/new.html", {"choices": [(kind, url) for kind, url in choices if url]})


def _kind_or_404(request: HttpRequest, code: str) -> kinds.RequestKind:
    kind = kinds.get(code)
    if kind is None or request.profile.kind not in kind.profiles:
        raise Http404
    return kind


@profile_required(*AUTHORS)
def request_submit(request: HttpRequest, kind_code: str) -> HttpResponse:
    kind = _kind_or_404(request, kind_code)
    url = kind_forms.start_url(kind)
    if url is None:
        raise Http404
    if kind.start_url_name:
        return redirect(url)
    prefill = request.method == "POST" and request.POST.get("prefill") == "1"
    data, files = (request.POST, request.FILES) if request.method == "POST" and not prefill else (None, None)
    initial = kind_forms.prefilled(kind, request.POST) if prefill else None
    form = kind_forms.build_form(kind, data=data, profile=request.profile, initial=initial)
    engine = SubmissionForm(data, files, kind=kind)
    if data is not None and form.is_valid() and engine.is_valid():
        try:
            created = services.request_submit(
                actor=request.profile,
                kind_code=kind.code,
                payload=request.POST,
                attachments=engine.cleaned_data["attachments"],
                idempotency_key=engine.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_errors(error, form, engine)
        else:
            messages.success(request, _("Your request %(reference)s is sent.") % {"reference": created.reference})
            return redirect("demarches:detail", public_id=created.public_id)
    status = 400 if data is not None else 200
    return render(request, "demarches/submit.html", {"kind": kind, "form": form, "engine": engine}, status=status)


def _detail_page(request: HttpRequest, demarche, *, reply: ReplyForm | None = None, status: int = 200):
    context = {
        "demarche": demarche,
        "rows": kind_forms.payload_rows(demarche.request_kind, demarche.payload),
        "answer_rows": kind_forms.answer_rows(demarche.request_kind, demarche.answer),
        "history": selectors.request_history(request=demarche),
        "thread": selectors.request_thread(request=demarche, include_internal=False),
        "documents": selectors.request_documents(request=demarche),
        "reply_form": reply or ReplyForm(),
        "mediator": mediator(),
    }
    return render(request, "demarches/detail.html", context, status=status)


@profile_required(*AUTHORS)
def request_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _detail_page(request, access_request(actor=request.profile, public_id=public_id))


@profile_required(*AUTHORS)
@require_POST
def request_reply(request: HttpRequest, public_id) -> HttpResponse:
    demarche = access_request(actor=request.profile, public_id=public_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.request_message_add(actor_user=request.user, request=demarche, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("demarches:detail", public_id=demarche.public_id)
    return _detail_page(request, demarche, reply=form, status=400)


@profile_required(*AUTHORS)
def attachment_download(request: HttpRequest, public_id, attachment_id) -> HttpResponse:
    demarche = access_request(actor=request.profile, public_id=public_id)
    return attachment_response(access_attachment(request=demarche, public_id=attachment_id, staff=False))
