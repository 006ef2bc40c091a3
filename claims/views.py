"""The member's pages: the claim form in steps (beneficiary → items with documents → summary → submit), the list
of claims and each claim's detail (SPEC C1-C5). Views parse, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import profile_required
from claims import presenters, selectors, services, timeline
from claims.eligibility import beneficiaries, beneficiary_get, service_problems
from claims.forms import BeneficiaryForm, DocumentsForm, ItemForm, SubmitForm
from claims.permissions import access_awaiting_item, access_claim, access_document, access_draft
from claims.services.drafts import draft_items
from core.middleware import current_request_context

PAGE_SIZE = 20
MEMBER = "member"


def _closed(request: HttpRequest, problems) -> HttpResponse:
    return render(request, "claims/closed.html", {"problems": problems})


@profile_required(MEMBER)
def claim_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.claim_list(actor=request.profile), PAGE_SIZE).get_page(request.GET.get("page"))
    draft = selectors.draft_get(profile=request.profile)
    return render(request, "claims/list.html", {"page": page, "draft": draft})


def _detail(request: HttpRequest, claim, form: DocumentsForm | None = None, item=None) -> HttpResponse:
    context = {
        "claim": claim,
        "rows": presenters.claim_rows(claim, owner=request.profile, form=form, form_item=item),
        "timeline": timeline.claim_timeline(claim),
        "delays": timeline.delays(),
        "form": form,  # a posted form's errors head the page (core.templatetags.form_guidance)
    }
    return render(request, "claims/detail.html", context, status=400 if form is not None else 200)


@profile_required(MEMBER)
def claim_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _detail(request, access_claim(actor=request.profile, public_id=public_id))


@profile_required(MEMBER)
@require_POST
def claim_item_documents(request: HttpRequest, public_id, item_id) -> HttpResponse:
    """The document a submitted item was refused for (issue 14): on success back to the claim, else its errors."""
    item = access_awaiting_item(actor=request.profile, public_id=public_id, item_id=item_id)
    form = DocumentsForm(request.POST, request.FILES, auto_id=presenters.item_form_id(item))
    if form.is_valid():
        try:
            services.claim_item_documents_add(actor=request.user, item=item, files=form.cleaned_data["documents"])
        except ValidationError as error:
            presenters.add_errors(form, error)
        else:
            messages.success(request, _("Thank you: the document is added and your claim is examined again."))
            return redirect("claims:detail", public_id=public_id)
    return _detail(request, item.claim, form, item)


@profile_required(MEMBER)
def document(request: HttpRequest, public_id) -> FileResponse:
    return presenters.file_response(access_document(actor=request.profile, public_id=public_id), inline=False)


@profile_required(MEMBER)
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/terms.html", {"terms": services.terms_current()})


# --- The form, step by step -------------------------------------------------------------------------


@profile_required(MEMBER)
def new(request: HttpRequest) -> HttpResponse:
    problems = service_problems(request.profile)
    choices = beneficiaries(request.profile) if not problems else []
    if problems or not choices:
        return _closed(request, problems or [presenters.no_beneficiary()])
    draft = selectors.draft_get(profile=request.profile)
    initial = {"beneficiary": draft.data.get("beneficiary")} if draft else {}
    form = BeneficiaryForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_start(
                actor=request.user, profile=request.profile, beneficiary_id=form.cleaned_data["beneficiary"]
            )
        except ValidationError as error:
            presenters.add_errors(form, error)
        else:
            return redirect("claims:items")
    return render(request, "claims/new.html", {"form": form, "draft": draft}, status=400 if form.errors else 200)


def _draft_context(request: HttpRequest):
    """The draft and its beneficiary, or a redirect to the first step when either is missing."""
    draft = selectors.draft_get(profile=request.profile)
    beneficiary = beneficiary_get(request.profile, draft.data.get("beneficiary")) if draft else None
    return draft, beneficiary


@profile_required(MEMBER)
def items(request: HttpRequest) -> HttpResponse:
    problems = service_problems(request.profile)
    if problems:
        return _closed(request, problems)
    draft, beneficiary = _draft_context(request)
    if beneficiary is None:
        return redirect("claims:new")
    form = ItemForm(request.POST or None, request.FILES or None, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_add_item(
                actor=request.user,
                profile=request.profile,
                draft=draft,
                item=form.item(),
                files=form.cleaned_data["documents"],
                beneficiary=beneficiary,
            )
        except ValidationError as error:
            presenters.add_errors(form, error)
        else:
            messages.success(request, _("The care item is added to your claim."))
            return redirect("claims:items")
    context = presenters.items_context(draft, beneficiary, form)
    return render(request, "claims/items.html", context, status=400 if form.errors else 200)


@profile_required(MEMBER)
@require_POST
def item_documents(request: HttpRequest, key: str) -> HttpResponse:
    draft = access_draft(actor=request.profile, item_key=key)
    form = DocumentsForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["documents"])
        services.draft_add_documents(actor=request.user, draft=draft, key=key, files=form.cleaned_data["documents"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The documents are added."))
    return redirect("claims:items")


def _confirmed(request: HttpRequest) -> bool:
    """A destructive step acts only on the POST of its confirmation page (which works without JavaScript)."""
    return request.method == "POST" and request.POST.get("confirmed") == "yes"


@profile_required(MEMBER)
def item_remove(request: HttpRequest, key: str) -> HttpResponse:
    draft = access_draft(actor=request.profile, item_key=key)
    if not _confirmed(request):
        item = next(item for item in draft_items(draft) if item.key == key)
        return render(request, "claims/confirm.html", {"action": "remove_item", "item": item})
    services.draft_remove_item(actor=request.user, draft=draft, key=key)
    messages.success(request, _("The care item is removed."))
    return redirect("claims:items")


@profile_required(MEMBER)
@require_POST
def draft_document_remove(request: HttpRequest, public_id) -> HttpResponse:
    draft = access_draft(actor=request.profile, document_id=public_id)
    services.draft_remove_document(actor=request.user, draft=draft, public_id=public_id)
    return redirect("claims:items")


def _summary(request: HttpRequest, draft, form: SubmitForm | None = None, status: int = 200) -> HttpResponse:
    context = presenters.summary_context(request.profile, draft, form)
    return render(request, "claims/summary.html", context, status=status)


@profile_required(MEMBER)
def summary(request: HttpRequest) -> HttpResponse:
    draft, beneficiary = _draft_context(request)
    if beneficiary is None:
        return redirect("claims:new")
    return _summary(request, draft)


@profile_required(MEMBER)
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST)
    key = request.POST.get("idempotency_key", "")
    draft = selectors.draft_get(profile=request.profile)  # first: a twin click may commit (and delete it) meanwhile
    if draft is None:  # a double click or a retry once the claim was made (with a draft, draft_submit answers it)
        already = selectors.claim_by_key(user=request.user, idempotency_key=key) if key else None
        return redirect("claims:detail", public_id=already.public_id) if already else redirect("claims:list")
    if not form.is_valid():
        return _summary(request, draft, form, status=400)
    try:
        result = services.draft_submit(
            actor=request.user,
            profile=request.profile,
            draft=draft,
            idempotency_key=form.cleaned_data["idempotency_key"],
            accept_terms=form.cleaned_data["accept_terms"],
            ip=current_request_context().ip,
        )
    except ValidationError as error:
        presenters.add_errors(form, error)
        return _summary(request, draft, form, status=400)
    messages.success(
        request,
        _("Your claim %(reference)s is sent. Keep the original bills for 2 years.")
        % {"reference": result.claim.reference},
    )
    if result.claim.has_duplicates:
        messages.warning(
            request, _("Part of this claim may already have been reimbursed or claimed: see the items marked below.")
        )
    return redirect("claims:detail", public_id=result.claim.public_id)


@profile_required(MEMBER)
def discard(request: HttpRequest) -> HttpResponse:
    draft = access_draft(actor=request.profile)
    if not _confirmed(request):
        return render(request, "claims/confirm.html", {"action": "discard", "items": draft_items(draft)})
    services.draft_discard(actor=request.user, draft=draft)
    messages.success(request, _("Your draft claim is deleted."))
    return redirect("claims:list")
