"""The member's reimbursement feed (issue 13): online claims and the compulsory scheme's automatic flow in one
list, with what is left to pay per act, and the ceiling counters per beneficiary and category; and the estimate
before care (issue 14)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from ledger import estimates, quotes, selectors
from ledger.forms import EstimateForm

PAGE_SIZE = 25


@profile_required(ProfileKind.MEMBER)
def feed(request: HttpRequest) -> HttpResponse:
    people = selectors.feed_people(request.profile.person)
    lines = selectors.feed(person_ids=[p.pk for p in people])
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    counters = selectors.ceiling_counters(people, timezone.localdate())
    return render(request, "ledger/feed.html", {"page": page, "counters": counters})


@profile_required(ProfileKind.MEMBER)
@require_http_methods(["GET", "POST"])
def estimate(request: HttpRequest) -> HttpResponse:
    """The estimate before care: a form, then the split. POST: the act is health data, kept out of URLs and logs."""
    choices = estimates.beneficiary_choices(actor=request.profile)
    form = EstimateForm(
        request.POST or None,
        choices=choices,
        categories=estimates.care_categories(choices),
        sector_categories=estimates.sector_categories(choices),
    )
    found = None
    if form.is_valid():
        data = form.cleaned_data
        beneficiary = estimates.beneficiary_get(actor=request.profile, public_id=data["beneficiary"], choices=choices)
        try:
            found = estimates.estimate(
                beneficiary=beneficiary,
                category_code=data["category"],
                expense=data["expense"],
                care_date=data["care_date"],
                base=data["base"],
                sector=data.get("sector", ""),
            )
        except ValidationError as error:  # on its field; above the form for one the page does not show
            shown = all(name in form.fields for name in getattr(error, "error_dict", {}))
            form.add_error(None, error if shown else error.messages)
    context = {
        "form": form,
        "estimate": found,
        "assumptions": found and estimates.assumptions(found),
        "sector_text": found and estimates.sector_text(found),
        "quote_kind": found and quotes.quote_category(found.category),
    }
    return render(request, "ledger/estimate.html", context)
