"""What the pages show, put together from selectors and the eligibility checks (kept out of the views)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _

from claims import conf, selectors, services
from claims.choices import AWAITING_DOCUMENT, ItemDecision, QualityWarning
from claims.currency import convert
from claims.eligibility import Problem, assess
from claims.explanations import explain
from claims.forms import DocumentsForm, SubmitForm
from claims.services.drafts import draft_items
from claims.services.submission import ClaimRefused
from core.money import euros
from documents.downloads import protect


def no_beneficiary() -> Problem:
    return Problem(
        "no_beneficiary",
        _(
            "Only a subscriber whose rights (or a family member's) are open can claim online. Contact the management "
            "centre if you think this is a mistake."
        ),
    )


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: on the field it names when the form has it, else above the form."""
    if isinstance(error, ClaimRefused):
        for problem in error.problems:
            name = (problem.field or "").rsplit(".", 1)[-1]
            form.add_error(name if name in form.fields else None, problem.message)
        return
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return
    form.add_error(None, error.messages)


def warnings_text(codes: list[str]) -> list[str]:
    return [str(QualityWarning(code).label) for code in codes if code in QualityWarning.values]


def _conversion(item):
    try:
        return convert(item.amount, item.currency, item.care_date), ""
    except ValidationError as error:
        return None, error.messages[0]


def items_context(draft, beneficiary, form) -> dict:
    categories = {c.code: c for c in beneficiary.categories}
    documents = selectors.draft_documents(draft)
    rows = []
    for item in draft_items(draft):
        conversion, problem = _conversion(item) if item.amount and item.care_date else (None, "")
        docs = [(doc, warnings_text(doc.quality_warnings)) for doc in documents.get(item.key, [])]
        rows.append(
            {
                "item": item,
                "category": categories.get(item.category),
                "conversion": conversion,
                "problem": problem,
                "documents": docs,
                "documents_form": DocumentsForm(auto_id=f"id_{item.key}_%s"),
            }
        )
    limit = conf.get("CLAIM_MAX_ITEMS")
    return {
        "draft": draft,
        "beneficiary": beneficiary,
        "form": form,
        "rows": rows,
        "categories": beneficiary.categories,
        "max_items": limit,
        "can_add": len(rows) < limit,
        "max_documents": conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM"),
    }


def summary_context(profile, draft, form: SubmitForm | None) -> dict:
    items = draft_items(draft)
    assessment = assess(profile, draft.data.get("beneficiary"), items)
    documents = selectors.draft_documents(draft)
    rows = [
        {
            "item": item,
            "conversion": conversion,
            "category": assessment.categories.get(item.category),
            "documents": [(doc, warnings_text(doc.quality_warnings)) for doc in documents.get(item.key, [])],
        }
        for item, conversion in zip(items, assessment.conversions, strict=False)
    ]
    form = form or SubmitForm(initial={"idempotency_key": draft.idempotency_key})
    return {
        "draft": draft,
        "assessment": assessment,
        "rows": rows,
        "terms": services.terms_current(),
        "form": form,
        "max_total": conf.get("CLAIM_MAX_TOTAL_EUR"),
        "originals_years": conf.get("CLAIM_ORIGINALS_YEARS"),
    }


def item_form_id(item) -> str:
    return f"id_item{item.position}_%s"


def claim_rows(claim, *, owner=None, form=None, form_item=None) -> list[dict]:
    """The claim's items; for the member who sent it, an item waiting for a document has its upload form (``form``:
    the one posted for ``form_item``, with its errors)."""
    sender = owner is not None and owner.person_id == claim.member_id
    rows = []
    for item in claim.items.all():
        add_form = None
        if sender and item.awaits_document:
            posted = form_item is not None and form_item.pk == item.pk
            add_form = form if posted else DocumentsForm(auto_id=item_form_id(item))
        rows.append(
            {
                "item": item,
                "explanation": explain(item.explanation),
                "money": money_split(item),
                "documents": [(doc, warnings_text(doc.quality_warnings)) for doc in item.documents.all()],
                "add_form": add_form,
                "paid_before_document": sender
                and claim.paid_at is not None
                and item.decision == ItemDecision.REFUSED
                and item.refusal_reason in AWAITING_DOCUMENT,
            }
        )
    return rows


def download_name(document) -> str:
    """The uploaded name, with .jpg when the stored picture was re-encoded from another format."""
    name = document.original_name
    if document.content_type == "image/jpeg" and not name.lower().endswith((".jpg", ".jpeg")):
        name = name.rsplit(".", 1)[0] + ".jpg"
    return name


def file_response(document, *, inline: bool) -> FileResponse:
    """A stored document, decrypted as it streams; images may show inline (staff), the rest downloads."""
    response = FileResponse(default_storage.open(document.stored_name), content_type=document.content_type)
    return protect(response, filename=download_name(document), inline=inline and document.is_image)


def money_split(item) -> dict | None:
    """A decided, accepted item in euros: spent, compulsory scheme, we paid, left to pay, and in plain words what
    limited it (a ceiling per act or per period) and how much of the period's ceiling is left."""
    if item.reimbursed_amount is None or item.decision != "accepted":
        return None
    steps = {step.get("code"): step for step in (item.explanation or {}).get("steps", [])}
    words = []
    per_act = steps.get("per_act_ceiling")
    if per_act and per_act.get("applied"):
        words.append(_("Limited by the ceiling of %(cap)s per act.") % {"cap": euros(per_act["params"]["cap"])})
    period = steps.get("period_ceiling")
    if period:
        params = period.get("params") or {}
        left = max(Decimal("0.00"), Decimal(params.get("cap", "0")) - item.reimbursed_amount)
        values = {
            "ceiling": euros(params.get("ceiling")),
            "years": params.get("years", "1"),
            "used": euros(params.get("consumed")),
            "left": euros(left),
        }
        if period.get("applied"):
            words.append(
                _("Limited by your ceiling of %(ceiling)s per %(years)s year(s), of which %(used)s was already used.")
                % values
            )
        words.append(_("Left on this ceiling for the period: %(left)s.") % values)
    return {
        "spent": item.amount_eur,
        "compulsory": item.compulsory_paid,
        "reimbursed": item.reimbursed_amount,
        "left_to_pay": item.left_to_pay,
        "words": words,
    }
