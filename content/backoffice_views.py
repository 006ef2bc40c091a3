"""Content back office (SPEC B5): FAQ, documentation library, zones' help lines, terms, maintenance.

Open to staff with the content or administrator role; everyone else gets a 404. Each view parses a
form and calls one ``content.services`` function, which validates, writes and audits.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import staff_role_required
from content import selectors, services
from content.forms import (
    FaqEntryForm,
    LibraryDocumentForm,
    MaintenanceOpenForm,
    TermsPublishForm,
    ZoneNumbersForm,
    add_service_errors,
)
from content.models import FaqEntry, LibraryDocument, MaintenanceWindow, TermsVersion
from content.permissions import CONTENT_ROLES
from content.views import library_response
from contracts.models import ExpatriationZone

PAGE_SIZE = 25
content_staff = staff_role_required(*CONTENT_ROLES)


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _submit(request: HttpRequest, form: Form, service: Callable[..., object], done: str) -> bool:
    """Validate ``form`` and call the service with its fields; a refusal lands on the form. True when saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        service(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, done)
    return True


def _form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, f"content/backoffice/{template}", context, status=status)


@content_staff
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "content/backoffice/index.html")


# --- FAQ -----------------------------------------------------------------------------------------


@content_staff
@require_GET
def faq_list(request: HttpRequest) -> HttpResponse:
    return render(request, "content/backoffice/faq_list.html", {"page": _page(request, selectors.faq_staff_list())})


@content_staff
@require_http_methods(["GET", "POST"])
def faq_create(request: HttpRequest) -> HttpResponse:
    form = FaqEntryForm(request.POST or None)
    if _submit(request, form, partial(services.faq_create, actor=request.user), _("Question added.")):
        return redirect("content_backoffice:faq_list")
    return _form_page(request, "faq_form.html", {"form": form})


@content_staff
@require_http_methods(["GET", "POST"])
def faq_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, public_id=public_id)
    form = FaqEntryForm(request.POST or None, initial=FaqEntryForm(instance=entry).initial)
    save = partial(services.faq_update, actor=request.user, entry=entry)
    if _submit(request, form, save, _("Question updated.")):
        return redirect("content_backoffice:faq_list")
    return _form_page(request, "faq_form.html", {"form": form, "entry": entry})


@content_staff
@require_POST
def faq_delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, public_id=public_id)
    services.faq_delete(actor=request.user, entry=entry)
    messages.success(request, _("Question deleted."))
    return redirect("content_backoffice:faq_list")


# --- Library ---------------------------------------------------------------------------------------


@content_staff
@require_GET
def library_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.library_staff_list())
    return render(request, "content/backoffice/library_list.html", {"page": page})


@content_staff
@require_http_methods(["GET", "POST"])
def library_create(request: HttpRequest) -> HttpResponse:
    form = LibraryDocumentForm(request.POST or None, request.FILES or None)
    save = partial(services.library_document_create, actor=request.user)
    if _submit(request, form, save, _("Document added to the library.")):
        return redirect("content_backoffice:library_list")
    return _form_page(request, "library_form.html", {"form": form})


@content_staff
@require_http_methods(["GET", "POST"])
def library_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    document = get_object_or_404(LibraryDocument, public_id=public_id)
    initial = LibraryDocumentForm(instance=document).initial
    form = LibraryDocumentForm(request.POST or None, request.FILES or None, initial=initial, file_required=False)
    save = partial(services.library_document_update, actor=request.user, document=document)
    if _submit(request, form, save, _("Document updated.")):
        return redirect("content_backoffice:library_list")
    return _form_page(request, "library_form.html", {"form": form, "document": document})


@content_staff
@require_POST
def library_publish(request: HttpRequest, public_id: UUID, published: bool) -> HttpResponse:
    document = get_object_or_404(LibraryDocument, public_id=public_id)
    services.library_document_set_published(actor=request.user, document=document, published=published)
    messages.success(request, _("The document is shown to members.") if published else _("The document is withdrawn."))
    return redirect("content_backoffice:library_list")


@content_staff
@require_GET
def library_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return library_response(get_object_or_404(LibraryDocument, public_id=public_id))


# --- Expatriation zones' numbers ---------------------------------------------------------------------


@content_staff
@require_GET
def zone_list(request: HttpRequest) -> HttpResponse:
    zones = ExpatriationZone.objects.order_by("code")
    return render(request, "content/backoffice/zone_list.html", {"zones": zones})


@content_staff
@require_http_methods(["GET", "POST"])
def zone_edit(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_object_or_404(ExpatriationZone, code=code)
    initial = {"emergency_phone": zone.emergency_phone, "assistance_phone": zone.assistance_phone}
    form = ZoneNumbersForm(request.POST or None, initial=initial)
    save = partial(services.zone_numbers_update, actor=request.user, zone=zone)
    if _submit(request, form, save, _("Numbers updated.")):
        return redirect("content_backoffice:zone_list")
    return _form_page(request, "zone_form.html", {"form": form, "zone": zone})


# --- Terms of use ---------------------------------------------------------------------------------------


@content_staff
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    form = TermsPublishForm(request.POST or None)
    save = partial(services.terms_publish, actor=request.user)
    done = _("The new version is published: every user must accept it at their next login.")
    if _submit(request, form, save, done):
        return redirect("content_backoffice:terms")
    versions = TermsVersion.objects.select_related("published_by").order_by("-published_at")
    return _form_page(request, "terms.html", {"form": form, "page": _page(request, versions)})


# --- Maintenance -----------------------------------------------------------------------------------------


@content_staff
@require_http_methods(["GET", "POST"])
def maintenance(request: HttpRequest) -> HttpResponse:
    form = MaintenanceOpenForm(request.POST or None)
    save = partial(services.maintenance_open, actor=request.user)
    if _submit(request, form, save, _("The closure is in force.")):
        return redirect("content_backoffice:maintenance")
    windows = MaintenanceWindow.objects.select_related("created_by").order_by("-starts_at")
    context = {"form": form, "active": list(selectors.maintenance_active_all()), "page": _page(request, windows)}
    return _form_page(request, "maintenance.html", context)


@content_staff
@require_POST
def maintenance_close(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(selectors.maintenance_active_all(), pk=pk)
    services.maintenance_close(actor=request.user, window=window)
    messages.success(request, _("The closure has ended."))
    return redirect("content_backoffice:maintenance")
