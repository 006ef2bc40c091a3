"""What the back office's claims pages show: the queue's filters and the review page's items, forms and preview."""

from __future__ import annotations

from django.http import QueryDict

from claims import selectors, services
from claims.choices import ClaimStatus, ItemDecision
from claims.explanations import explain
from claims.forms import DecideForm, ItemAssessForm, OriginalsForm, QueueFilterForm, RejectForm, SuspendForm
from claims.presenters import warnings_text
from contracts.models import CareCategory


def queue_filters(params: QueryDict) -> tuple[QueueFilterForm, selectors.QueueFilters]:
    categories = CareCategory.objects.filter(claimable_online=True).order_by("position", "code")
    form = QueueFilterForm(params or None, categories=categories)
    if not params:
        return form, selectors.QueueFilters(status=ClaimStatus.IN_PROGRESS)
    if not form.is_valid():
        return form, selectors.QueueFilters()
    data = form.cleaned_data
    return form, selectors.QueueFilters(
        status=data["status"],
        older_than_days=int(data["age"]) if data["age"] else None,
        min_total=data["min_total"],
        max_total=data["max_total"],
        category=data["category"],
        duplicates=data["duplicates"],
    )


def _tariffs(items) -> dict:
    from ledger.tariffs import items_tariffs  # issue 13: BR and compulsory share from the base tariffs

    return items_tariffs(items)


_ITS_OWN = object()


def _item_form(item, data=None, *, tariff=_ITS_OWN) -> ItemAssessForm:
    """The assessment form of one item; ``tariff``: its base-tariff values when read with the claim's others."""
    if tariff is _ITS_OWN:
        tariff = _tariffs([item])[item.pk]
    initial = {
        "base_amount": item.base_amount if item.base_amount is not None else (tariff and tariff[1]),
        "compulsory_paid": item.compulsory_paid if item.compulsory_paid is not None else (tariff and tariff[2]),
        "practitioner_sector": item.practitioner_sector,
        "decision": item.decision,
        "refusal_reason": item.refusal_reason,
        "comment": item.staff_comment,
    }
    return ItemAssessForm(data, prefix=f"item{item.position}", initial=initial, tariff=tariff)


def assessment_forms(claim, post: QueryDict) -> tuple[dict, dict[int, dict] | None]:
    """The posted assessment of every item: (forms, {item pk: fields}) or (forms, None) when one is invalid."""
    items = list(claim.items.all())
    tariffs = _tariffs(items)
    forms = {item.pk: _item_form(item, post, tariff=tariffs[item.pk]) for item in items}
    if not all(form.is_valid() for form in forms.values()):
        return {"items": forms}, None
    return {"items": forms}, {pk: form.cleaned_data for pk, form in forms.items()}


def review_context(claim, forms: dict | None = None) -> dict:
    forms = forms or {}
    item_forms = forms.get("items", {})
    items = list(claim.items.all())
    tariffs = _tariffs(items) if len(item_forms) < len(items) else dict.fromkeys(item_forms)
    in_progress = claim.status == ClaimStatus.IN_PROGRESS
    preview = services.compute(claim, items) if in_progress else {}
    duplicates = selectors.duplicates_of(claim) if claim.has_duplicates else {}
    rows = []
    for item in items:
        explanation = preview[item.pk].as_json() if item.pk in preview else item.explanation
        rows.append(
            {
                "item": item,
                "form": item_forms.get(item.pk) or _item_form(item, tariff=tariffs[item.pk]),
                "explanation": explain(explanation),
                "amount": (explanation or {}).get("amount"),
                "duplicates": duplicates.get(str(item.public_id), []),
                "documents": [
                    (doc, warnings_text(doc.quality_warnings), duplicates.get(str(doc.public_id), []))
                    for doc in item.documents.all()
                ],
            }
        )
    return {
        "claim": claim,
        "rows": rows,
        "in_progress": in_progress,
        "pending_items": any(item.decision == ItemDecision.PENDING for item in items),
        "suspension": selectors.active_suspension(claim.member_id),
        "decide_form": forms.get("DecideForm") or DecideForm(),
        "reject_form": forms.get("RejectForm") or RejectForm(),
        "originals_form": forms.get("OriginalsForm") or OriginalsForm(),
        "suspend_form": forms.get("SuspendForm") or SuspendForm(),
    }
