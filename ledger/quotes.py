"""A quote (devis) before expensive care, sent as a request (issue 14): glasses, dental prosthesis, hearing aids.

The member sends it from the estimate's result or from their requests, as the request kind ``care_quote`` of the
request engine (``demarches``): who the care is for, the category, the quote's amounts, the quote itself (a PDF or a
photo, through the engine's upload checks) and a message. Staff answer it in the back-office queue by validating it
with the amounts we would pay and what would be left to pay (the kind's answer form), which the guarantee engine
suggests (``answer_initial``: the estimate of the quote on today's guarantee and ceilings); the member reads the
answer on the request's page and gets the engine's usual email.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from contracts.models import CareCategory
from core import money
from core.forms import GuidedForm
from demarches.fields import text_field
from demarches.forms import message_field
from demarches.generic_kinds import KindForm, person_field
from demarches.kinds import RequestKind, register
from ledger.forms import MAX_FEE

QUOTE_KIND = "care_quote"
QUOTE_CATEGORIES = (  # the care usually bought on a quote: optics, dental prosthesis and orthodontics, hearing
    "OPTICS_GLASSES",
    "OPTICS_100_SANTE",
    "CONTACT_LENSES",
    "DENTAL_PROSTHESIS",
    "DENTAL_100_SANTE",
    "ORTHODONTICS",
    "HEARING_AIDS",
    "HEARING_100_SANTE",
)


def quote_category(category: CareCategory) -> str:
    """The request kind to send a quote for this care category ("" when it is not bought on a quote)."""
    return QUOTE_KIND if category.code in QUOTE_CATEGORIES else ""


class EurosField(forms.DecimalField):
    """An amount in euros, kept to the cent (450 is stored "450.00")."""

    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else value.quantize(Decimal("0.01"))


def _amount(label, *, required: bool = True, help_text="", minimum: str = "0.01") -> forms.DecimalField:
    return EurosField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=MAX_FEE,
        max_digits=9,
        decimal_places=2,
        help_text=help_text,
    )


class QuoteForm(KindForm):
    """The member's quote: for whom, which care, its amounts, and a message."""

    beneficiary = person_field(required=True, label=_("Who is the care for?"))
    category = forms.ChoiceField(label=_("Care"))
    quote_total = _amount(_("Total of the quote (EUR)"), help_text=_("The total price the practitioner quotes."))
    base = _amount(
        _("Base of reimbursement on the quote, if shown (EUR)"),
        required=False,
        minimum="0.00",
        help_text=_("Some quotes print it (BR or base de remboursement); leave empty otherwise."),
    )
    message = text_field(_("Message (optional)"), required=False)

    def prepare(self, profile) -> None:
        categories = CareCategory.objects.filter(code__in=QUOTE_CATEGORIES).order_by("position", "code")
        self.fields["category"].choices = [(c.code, c.name) for c in categories]


class QuoteAnswerForm(GuidedForm, forms.Form):
    """Staff's answer: what we would pay and what would be left to pay, with a message to the member."""

    we_pay = _amount(_("We would pay (EUR)"), minimum="0.00")
    left_to_pay = _amount(_("Left to pay (EUR)"), minimum="0.00")
    comment = message_field(_("Answer to the member (optional)"), required=False)


def answer_initial(request) -> dict[str, Any]:
    """The guarantee engine's estimate of the quote (today's guarantee and ceilings), suggested to staff; empty
    when it cannot be made (the person no longer covered, no guarantee for the care…)."""
    from ledger import estimates

    payload = request.payload
    choices = estimates.beneficiary_choices(actor=request.author_profile)
    beneficiary = next((b for b in choices if str(b.person.public_id) == str(payload.get("beneficiary"))), None)
    if beneficiary is None:
        return {}
    base = payload.get("base")
    try:
        found = estimates.estimate(
            beneficiary=beneficiary,
            category_code=str(payload.get("category", "")),
            expense=Decimal(str(payload.get("quote_total"))),
            care_date=timezone.localdate(),
            base=Decimal(str(base)) if base not in (None, "") else None,
        )
    except (ValidationError, ArithmeticError, ValueError):
        return {}
    return {"we_pay": found.split.insurer, "left_to_pay": found.split.left_to_pay}


def answer_check(request, answer: dict[str, Any]) -> None:
    """What we pay and what is left to the member share the quote's total with the compulsory scheme: neither may
    exceed it, nor may the two together."""
    try:
        total = Decimal(str(request.payload.get("quote_total")))
    except ArithmeticError:
        return  # a quote without a readable total (none is accepted by its form): nothing to compare with
    we_pay, left = answer["we_pay"], answer["left_to_pay"]
    params = {"total": money.euros(total)}
    if we_pay > total:
        message = _("We cannot pay more than the quote's total (%(total)s).")
        raise ValidationError({"we_pay": ValidationError(message, code="over_total", params=params)})
    if we_pay + left > total:
        message = _(
            "What we pay and what is left to pay add up to more than the quote's total (%(total)s): the rest is the "
            "compulsory scheme's share."
        )
        raise ValidationError({"left_to_pay": ValidationError(message, code="over_total", params=params)})


QUOTE = RequestKind(
    code=QUOTE_KIND,
    label=_("Quote for an estimate"),
    form=QuoteForm,
    profiles=(ProfileKind.MEMBER.value,),
    min_attachments=1,
    attachment_hint=_("The practitioner's quote (devis): a PDF or a photo of each page."),
    description=_(
        "Glasses, dental prosthesis or hearing aids: send us the quote and we tell you what we would pay and what "
        "would be left to pay."
    ),
    order=15,
    answer_form=QuoteAnswerForm,
    answer_initial=answer_initial,
    answer_check=answer_check,
)


def register_all() -> None:
    register(QUOTE)
