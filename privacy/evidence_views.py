"""The evidence pages of the privacy back office (SPEC B6, G4, G5): staff accesses to personal data, the audit
trail's search, event, exports and verification, and the audience counts. DPO and administrators only."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import staff_role_required
from contracts.pdf import attachment_response
from core.exports import csv_response
from privacy import audience as audience_counter
from privacy import evidence, pdf, selectors
from privacy.forms import AccessLogFilterForm, EvidenceFilterForm
from privacy.selectors import PRIVACY_ROLES, Period

PAGE_SIZE = 30
privacy_staff = staff_role_required(*PRIVACY_ROLES)


def _period(data: dict) -> Period:
    return Period(start=data.get("start"), end=data.get("end"))


def _clean(form) -> dict:
    return form.cleaned_data if form.is_valid() else {}


def _used(data: dict) -> dict:
    return {key: str(value) for key, value in data.items() if value not in ("", None)}


# --- G4: staff accesses ----------------------------------------------------------------------------------------


def _accesses(request: HttpRequest):
    form = AccessLogFilterForm(request.GET or None)
    data = _clean(form)
    person = selectors.person_by_number(data.get("person", ""))
    unknown_person = bool(data.get("person")) and person is None
    events = selectors.staff_accesses(staff=data.get("staff", ""), person=person, period=_period(data))
    if unknown_person:
        events = events.none()
    return form, data, events


@privacy_staff
def accesses(request: HttpRequest) -> HttpResponse:
    form, _data, events = _accesses(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.people_named(list(page.object_list))
    rows = [
        {"event": event, "person": names.get(event.id, ""), "shown": len(event.data.get("shown", []))}
        for event in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "privacy/backoffice/accesses.html", context)


def _access_row(event, person: str) -> list[str]:
    return [
        str(event.id),
        event.occurred_at.isoformat(),
        event.actor_label,
        event.data.get("reason", ""),
        event.target_type,
        event.target_id,
        person,
        " ".join(event.data.get("shown", [])),
        event.ip or "",
    ]


@privacy_staff
def accesses_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed: the events are read 500 at a time, their people named once per batch."""
    _form, data, events = _accesses(request)
    events, pairs = evidence.pinned(events, evidence.CSV_LIMIT)
    evidence.export_recorded(actor=request.user, kind="access_log", count=len(pairs), filters=_used(data))
    rows = (
        _access_row(event, names.get(event.id, ""))
        for batch in evidence.batches(events)
        for names in (selectors.people_named(batch),)
        for event in batch
    )
    header = ["event", "occurred_at", "staff", "reason", "target_type", "target_id", "person", "rows_shown", "ip"]
    return csv_response(header, rows, "staff-accesses.csv")


# --- B6: the evidence trail ------------------------------------------------------------------------------------


def _evidence(request: HttpRequest):
    form = EvidenceFilterForm(request.GET or None)
    data = _clean(form)
    filters = selectors.EvidenceFilters(
        actor=data.get("actor", ""),
        action=data.get("action", ""),
        target_type=data.get("target_type", ""),
        target_id=data.get("target_id", ""),
        period=_period(data),
    )
    return form, data, selectors.evidence_search(filters=filters)


@privacy_staff
def evidence_search(request: HttpRequest) -> HttpResponse:
    form, _data, events = _evidence(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "privacy/backoffice/evidence.html", context)


@privacy_staff
def evidence_event(request: HttpRequest, event_id: int) -> HttpResponse:
    event, previous, following = selectors.evidence_event(event_id=event_id)
    context = {
        "event": event,
        "previous": previous,
        "following": following,
        "data": json.dumps(event.data, indent=2, ensure_ascii=False, sort_keys=True),
        "sealed": event.compute_hash() == event.hash,
        "linked": (previous.hash if previous else "0" * 64) == event.prev_hash,
        "next_linked": following is None or following.prev_hash == event.hash,
    }
    return render(request, "privacy/backoffice/event.html", context)


@privacy_staff
def evidence_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, data, events = _evidence(request)
    events, pairs = evidence.pinned(events, evidence.CSV_LIMIT)
    digest = evidence.selection_digest(pairs)
    evidence.export_recorded(
        actor=request.user, kind="evidence_csv", count=len(pairs), filters=_used(data), digest=digest
    )
    rows = (evidence.event_row(event) for event in events.iterator(chunk_size=500))
    return csv_response(evidence.EVIDENCE_COLUMNS, rows, "audit-trail.csv")


@privacy_staff
def evidence_pdf(request: HttpRequest) -> HttpResponse:
    _form, data, events = _evidence(request)
    events = list(events[: evidence.PDF_LIMIT])
    verification = evidence.trail_verify(actor=request.user)
    digest = evidence.selection_digest((event.id, event.hash) for event in events)
    rows = [
        {
            "event": event,
            "sealed": event.compute_hash() == event.hash,
            "data": json.dumps(event.data, sort_keys=True, ensure_ascii=False),
        }
        for event in events
    ]
    reference = f"EVD-{timezone.now():%Y%m%d-%H%M%S}"
    content = pdf.evidence_pdf(
        events=rows,
        verification=verification,
        digest=digest,
        filters=_used(data),
        language=request.user.language,
        reference=reference,
    )
    evidence.export_recorded(
        actor=request.user, kind="evidence_pdf", count=len(events), filters=_used(data), digest=digest
    )
    return attachment_response(content, f"{reference}.pdf")


@require_POST
@privacy_staff
def verify(request: HttpRequest) -> HttpResponse:
    result = evidence.trail_verify(actor=request.user)
    form = EvidenceFilterForm()
    page = Paginator(selectors.evidence_search(filters=selectors.EvidenceFilters()), PAGE_SIZE).get_page(1)
    return render(request, "privacy/backoffice/evidence.html", {"form": form, "page": page, "verification": result})


# --- G5: audience ----------------------------------------------------------------------------------------------


@privacy_staff
def audience(request: HttpRequest) -> HttpResponse:
    audience_counter.flush()
    days, rows = selectors.audience(days=30)
    return render(request, "privacy/backoffice/audience.html", {"days": days, "rows": rows})
