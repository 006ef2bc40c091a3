"""The partner-network directory (SPEC M11): approved professionals by specialty, nearest first.

Public information only (a professional's name, specialty, address and phone), so the page opens to every visitor;
the member's home links to it. Searching is rate-limited per login and per address (SPEC X9).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.middleware import client_ip
from professionals import geo, selectors, throttling
from professionals.forms import NetworkSearchForm

PAGE_SIZE = 10


def search(request: HttpRequest) -> HttpResponse:
    form = NetworkSearchForm(request.GET or None)
    context = {"form": form, "places": geo.place_names()}
    status = 200
    if form.is_bound and form.is_valid():
        user_id = request.user.pk if request.user.is_authenticated else None
        if not throttling.network_search_allowed(user_id=user_id, ip=client_ip(request)):
            context["throttled"] = True
            return render(request, "professionals/network/search.html", context, status=429)
        data = form.cleaned_data
        origin = data["origin"]
        rows = selectors.network_search(
            latitude=origin.latitude, longitude=origin.longitude, radius_km=data["radius"], specialty=data["specialty"]
        )
        context |= {"origin": origin, "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))}
    elif form.is_bound:
        status = 400
    return render(request, "professionals/network/search.html", context, status=status)
