"""The member's reimbursement feed (issue 13): online claims and the compulsory scheme's automatic flow in one
list, with what is left to pay per act, and the ceiling counters per beneficiary and category."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from ledger import selectors

PAGE_SIZE = 25


@profile_required(ProfileKind.MEMBER)
def feed(request: HttpRequest) -> HttpResponse:
    people = selectors.feed_people(request.profile.person)
    lines = selectors.feed(person_ids=[p.pk for p in people])
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    counters = selectors.ceiling_counters(people, timezone.localdate())
    return render(request, "ledger/feed.html", {"page": page, "counters": counters})
