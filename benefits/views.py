"""The member's benefits (SPEC M9) and third-party-payment card (M10), mounted under /space/benefits/."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from benefits import pdf, selectors

PAGE_SIZE = 20


@profile_required(ProfileKind.MEMBER)
def benefits(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.benefit_list(actor=request.profile), PAGE_SIZE).get_page(request.GET.get("page"))
    months = selectors.statement_months(actor=request.profile)
    return render(request, "benefits/benefits.html", {"page": page, "months": months})


@profile_required(ProfileKind.MEMBER)
def statement(request: HttpRequest, year: int, month: int) -> HttpResponse:
    found = selectors.statement_for(actor=request.profile, year=year, month=month)
    if found is None:
        raise Http404
    return pdf.statement_attachment(statement=found, person=request.profile.person, language=request.user.language)


def _card(request: HttpRequest) -> selectors.Card | None:
    return selectors.card_for(request.profile.person, pdf.today())


@profile_required(ProfileKind.MEMBER)
def card(request: HttpRequest) -> HttpResponse:
    found = _card(request)
    qr = pdf.qr_data_uri(found.qr_payload) if found else ""
    return render(request, "benefits/card.html", {"card": found, "qr": qr})


@profile_required(ProfileKind.MEMBER)
def card_pdf(request: HttpRequest) -> HttpResponse:
    found = _card(request)
    if found is None:
        raise Http404
    return pdf.card_attachment(card=found, language=request.user.language)
