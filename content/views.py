"""Help pages (SPEC M7) and the member's "My documents" (SPEC M6).

Help is public; what depends on the visitor (their zone first, the contact form) appears once they
are logged in. Documents are served only through views that check access, as attachments.
"""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from content import selectors, services
from content.choices import Feature
from content.forms import ContactForm, FaqSearchForm, add_service_errors
from documents.downloads import protect

FAQ_PAGE_SIZE = 10
CONTACT_PROFILES = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)
DOCUMENT_PROFILES = (ProfileKind.MEMBER,)


def _profile(request: HttpRequest):
    """The active profile, or None for a visitor (the middleware's lazy object is falsy without one)."""
    profile = getattr(request, "profile", None)
    return profile if profile else None


def _may_contact(profile) -> bool:
    return profile is not None and profile.kind in CONTACT_PROFILES


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    context = {
        "zones": selectors.help_zones(actor=profile),
        "may_contact": _may_contact(profile),
        "search_form": FaqSearchForm(),
    }
    return render(request, "content/help.html", context)


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    form = FaqSearchForm(request.GET or None)
    query, category = "", ""
    if form.is_bound and form.is_valid():
        query, category = form.cleaned_data["q"], form.cleaned_data["category"]
    entries = selectors.faq_search(query=query, category=category) if not form.errors else []
    page = Paginator(entries, FAQ_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query, "category": category}
    return render(request, "content/faq.html", context, status=400 if form.errors else 200)


@profile_required(*CONTACT_PROFILES)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, profile=request.profile)
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_submit(actor=request.profile, payload=form.cleaned_data, idempotency_key=key)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message has been sent. You can follow it in your requests."))
            return redirect("help:index")
    status = 400 if form.is_bound else 200
    return render(request, "content/contact.html", {"form": form, "key": key}, status=status)


def _documents_closed(request: HttpRequest) -> HttpResponse | None:
    """While staff have closed the documents feature (SPEC A14), say so instead of serving anything."""
    windows = list(selectors.maintenance_active(feature=Feature.DOCUMENTS))
    return render(request, "content/maintenance.html", {"windows": windows}, status=503) if windows else None


@profile_required(*DOCUMENT_PROFILES)
@require_GET
def my_documents(request: HttpRequest) -> HttpResponse:
    if closed := _documents_closed(request):
        return closed
    context = {
        "contract_documents": selectors.contract_documents(actor=request.profile),
        "library": selectors.library_list(actor=request.profile),
    }
    return render(request, "content/my_documents.html", context)


@profile_required(*DOCUMENT_PROFILES)
@require_GET
def library_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    if closed := _documents_closed(request):
        return closed
    document = selectors.library_get(actor=request.profile, public_id=public_id)
    if document is None:
        raise Http404
    return library_response(document)


def library_response(document) -> FileResponse:
    """The stored PDF, decrypted on the fly, as a private attachment named after its title."""
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    return protect(response, filename=f"{slugify(document.title) or 'document'}.pdf")
