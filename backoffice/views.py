"""Back-office pages of B1: the registration queue, logins (unlock, deactivate, delete), closure requests.

Each view parses, calls one selector or service, and renders; pages showing someone's
personal data leave one access event in the audit trail.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import lifecycle
from accounts.decorators import staff_role_required
from audit.services import personal_data_viewed
from backoffice import selectors
from backoffice.forms import (
    ClosureRefuseForm,
    DeactivateForm,
    DeleteForm,
    RefuseForm,
    RegistrationValidateForm,
    UserSearchForm,
    first_error,
)
from backoffice.permissions import ACCOUNT_ROLES, may_manage_staff
from backoffice.queues import queues_for
from documents.downloads import protect
from registration import selectors as registration_selectors
from registration import services as registration_services
from registration.choices import LetterStatus, RegistrationStatus
from registration.pdf import letter_pdf as letter_pdf_render
from twofactor import selectors as twofactor_selectors
from twofactor import services as twofactor_services

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, first_error(error))


@staff_role_required()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/home.html", {"queues": queues_for(request.profile)})


# --- Registrations (A1) -----------------------------------------------------------------------


@staff_role_required(*ACCOUNT_ROLES)
def registration_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, registration_selectors.registration_queue())
    rows = [(r, registration_selectors.registration_comparison(r)) for r in page.object_list]
    personal_data_viewed(actor=request.user, reason="registration_queue", shown=page.object_list)
    return render(request, "backoffice/registration_queue.html", {"page": page, "rows": rows})


def _registration_or_404(public_id):
    registration = registration_selectors.registration_get(public_id=public_id)
    if registration is None:
        raise Http404
    return registration


def _registration_page(request: HttpRequest, registration, *, validate=None, refuse=None, status=200):
    candidates = registration_selectors.registration_candidates(registration)
    pending = registration.status == RegistrationStatus.PENDING
    context = {
        "registration": registration,
        "comparison": registration_selectors.registration_comparison(registration),
        "candidates": candidates,
        "validate_form": validate or RegistrationValidateForm(registration=registration, candidates=candidates),
        "refuse_form": refuse or RefuseForm(),
        "pending": pending,
    }
    personal_data_viewed(actor=request.user, reason="registration_review", target=registration)
    return render(request, "backoffice/registration_detail.html", context, status=status)


@staff_role_required(*ACCOUNT_ROLES)
def registration_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _registration_page(request, _registration_or_404(public_id))


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def registration_validate(request: HttpRequest, public_id) -> HttpResponse:
    registration = _registration_or_404(public_id)
    candidates = registration_selectors.registration_candidates(registration)
    form = RegistrationValidateForm(request.POST, registration=registration, candidates=candidates)
    if not form.is_valid():
        return _registration_page(request, registration, validate=form, status=400)
    try:
        registration_services.registration_validate(
            actor=request.user, registration=registration, target=form.cleaned_data["target"]
        )
    except ValidationError as error:
        _error(request, error)
        return redirect("backoffice:registration_detail", public_id=public_id)
    messages.success(request, _("The account is open; the credentials have been emailed to the applicant."))
    return redirect("backoffice:registration_queue")


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def registration_refuse(request: HttpRequest, public_id) -> HttpResponse:
    registration = _registration_or_404(public_id)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _registration_page(request, registration, refuse=form, status=400)
    try:
        registration_services.registration_refuse(
            actor=request.user, registration=registration, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _error(request, error)
        return redirect("backoffice:registration_detail", public_id=public_id)
    messages.success(request, _("The request is refused; the applicant has been told by email."))
    return redirect("backoffice:registration_queue")


# --- Activation letters (identity proofs) -------------------------------------------------------


@staff_role_required(*ACCOUNT_ROLES)
def letter_queue(request: HttpRequest) -> HttpResponse:
    """Letters to print and post, then the latest ones with what became of them."""
    to_post = list(registration_selectors.letter_queue())
    page = _page(request, registration_selectors.letters_recent())
    personal_data_viewed(actor=request.user, reason="letter_queue", shown=[*to_post, *page.object_list])
    return render(request, "backoffice/letter_queue.html", {"to_post": to_post, "page": page})


def _letter_or_404(public_id):
    letter = registration_selectors.letter_get(public_id=public_id)
    if letter is None:
        raise Http404
    return letter


@staff_role_required(*ACCOUNT_ROLES)
def letter_pdf(request: HttpRequest, public_id) -> HttpResponse:
    letter = _letter_or_404(public_id)
    if letter.status != LetterStatus.TO_POST:
        raise Http404  # the code is wiped once used or cancelled; a posted letter is not printed twice
    personal_data_viewed(actor=request.user, reason="letter_print", target=letter)
    response = HttpResponse(letter_pdf_render(letter), content_type="application/pdf")
    protect(response, filename=f"activation-letter-{str(letter.public_id)[:8]}.pdf")
    return response


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def letter_posted(request: HttpRequest, public_id) -> HttpResponse:
    try:
        registration_services.letter_mark_posted(actor=request.user, letter=_letter_or_404(public_id))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The letter is marked as posted."))
    return redirect("backoffice:letter_queue")


# --- Logins (A8, A10) ---------------------------------------------------------------------------


@staff_role_required(*ACCOUNT_ROLES)
def user_search(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = _page(request, selectors.user_search(actor=request.profile, query=query))
    personal_data_viewed(actor=request.user, reason="user_search", shown=page.object_list)
    return render(request, "backoffice/user_search.html", {"form": form, "page": page, "query": query})


def _user_or_404(request: HttpRequest, public_id):
    user = selectors.user_get(actor=request.profile, public_id=public_id)
    if user is None:
        raise Http404
    return user


def _user_page(request: HttpRequest, user, *, deactivate=None, delete=None, status=200) -> HttpResponse:
    context = {
        "account": user,
        "deleted": lifecycle.is_deleted(user),
        "read_only": user.is_active and lifecycle.account_read_only(user),
        "lock": selectors.lock_state(user),
        "access_logs": selectors.access_logs(user),
        "login_events": selectors.login_events(user),
        "account_events": selectors.account_events(user),
        "deactivate_form": deactivate or DeactivateForm(),
        "delete_form": delete or DeleteForm(),
        "second_factor": twofactor_selectors.is_enabled(user=user) if user.is_staff else None,
    }
    personal_data_viewed(actor=request.user, reason="account_support", target=user)
    return render(request, "backoffice/user_detail.html", context, status=status)


@staff_role_required(*ACCOUNT_ROLES)
def user_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _user_page(request, _user_or_404(request, public_id))


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def user_unlock(request: HttpRequest, public_id) -> HttpResponse:
    user = _user_or_404(request, public_id)
    lifecycle.account_unlock(actor=request.user, user=user)
    messages.success(request, _("The login is unlocked: its failed attempts are cleared."))
    return redirect("backoffice:user_detail", public_id=public_id)


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def user_staff_invite(request: HttpRequest, public_id) -> HttpResponse:
    """A staff login's invitation to set up its second factor (issue 16); a lost one is reset first."""
    user = _user_or_404(request, public_id)  # staff logins are found by administrators only
    if not user.is_staff or not user.is_active or not user.email:
        messages.error(request, _("Only an active staff login with an email address gets an invitation."))
    elif twofactor_selectors.is_enabled(user=user):
        twofactor_services.reset(actor=request.user, user=user)
        messages.success(request, _("Two-factor authentication is reset; an invitation to set it up again is sent."))
    else:
        twofactor_services.invitation_send(actor=request.user, user=user)
        messages.success(request, _("An invitation to set up two-factor authentication is sent to the login's email."))
    return redirect("backoffice:user_detail", public_id=public_id)


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def user_deactivate(request: HttpRequest, public_id) -> HttpResponse:
    user = _user_or_404(request, public_id)
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        return _user_page(request, user, deactivate=form, status=400)
    try:
        lifecycle.account_deactivate(actor=request.user, user=user, **form.cleaned_data)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The account is deactivated; its sessions are closed."))
    return redirect("backoffice:user_detail", public_id=public_id)


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def user_reactivate(request: HttpRequest, public_id) -> HttpResponse:
    user = _user_or_404(request, public_id)
    try:
        lifecycle.account_reactivate(actor=request.user, user=user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The account is active again."))
    return redirect("backoffice:user_detail", public_id=public_id)


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def user_delete(request: HttpRequest, public_id) -> HttpResponse:
    user = _user_or_404(request, public_id)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        return _user_page(request, user, delete=form, status=400)
    try:
        lifecycle.account_delete(actor=request.user, user=user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The account is deleted: the login is anonymised, its audit trail kept."))
    return redirect("backoffice:user_detail", public_id=public_id)


# --- Closure requests (A9) ----------------------------------------------------------------------


@staff_role_required(*ACCOUNT_ROLES)
def closure_queue(request: HttpRequest) -> HttpResponse:
    page = _page(request, registration_selectors.closure_queue())
    personal_data_viewed(actor=request.user, reason="closure_queue", shown=page.object_list)
    return render(request, "backoffice/closure_queue.html", {"page": page, "refuse_form": ClosureRefuseForm()})


def _closure_or_404(request: HttpRequest, public_id):
    closure = registration_selectors.closure_get(public_id=public_id)
    if closure is None or (closure.user.is_staff and not may_manage_staff(request.profile)):
        raise Http404
    return closure


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def closure_approve(request: HttpRequest, public_id) -> HttpResponse:
    closure = _closure_or_404(request, public_id)
    try:
        registration_services.closure_request_approve(actor=request.user, closure=closure)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Done: the account holder has been told by email."))
    return redirect("backoffice:closure_queue")


@staff_role_required(*ACCOUNT_ROLES)
@require_POST
def closure_refuse(request: HttpRequest, public_id) -> HttpResponse:
    closure = _closure_or_404(request, public_id)
    form = ClosureRefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer to send to the user."))
        return redirect("backoffice:closure_queue")
    try:
        registration_services.closure_request_refuse(
            actor=request.user, closure=closure, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The request is refused; the user has been told by email."))
    return redirect("backoffice:closure_queue")
