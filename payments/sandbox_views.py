"""The sandbox provider's hosted payment page (/pay/sandbox/checkout/<token>/): the provider's own page, not the
portal's. It reads the signed checkout token only, takes the card (never passed to the portal side), settles the
charge, notifies the portal server to server, then sends the payer back to the portal's return page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core.forms import GuidedForm
from documents.pdf import paris_today
from payments.choices import CardBrand, IntentStatus
from payments.providers import sandbox

ERRORS = {
    "number": _("This card number is not valid."),
    "expiry": _("Give a future expiry date as MM/YY."),
    "cvc": _("Give the 3 digits on the back of the card (4 on the front for American Express)."),
}


class CardForm(GuidedForm, forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=23)
    expiry = forms.CharField(label=_("Expiry date (MM/YY)"), max_length=7)
    cvc = forms.CharField(label=_("Security code (CVC)"), max_length=4)

    def clean(self):
        data = super().clean()
        number = "".join((data.get("number") or "").split())
        errors = sandbox.card_errors(number, data.get("expiry") or "", (data.get("cvc") or "").strip(), paris_today())
        for name, code in errors.items():
            self.add_error(name, ERRORS[code])
        data["number"] = number
        return data


def _finish(charge, checkout: sandbox.Checkout) -> HttpResponse:
    sandbox.deliver(charge)
    return redirect(checkout.return_url)


@never_cache
def checkout(request: HttpRequest, token: str) -> HttpResponse:
    found = None if settings.PRODUCTION else sandbox.checkout_read(token)  # no test-card page in production
    if found is None:
        raise Http404
    charge = sandbox.charge_open(found)
    if charge.status != IntentStatus.PENDING:
        return redirect(found.return_url)
    context = {"checkout": found, "brands": CardBrand.labels, "test_cards": sandbox.TEST_CARDS}
    action = request.POST.get("action", "pay") if request.method == "POST" else ""
    if action == "cancel":
        return _finish(sandbox.charge_settle(charge, IntentStatus.CANCELLED, reason="cancelled_by_payer"), found)
    if action in {"confirm", "refuse"} and charge.reason == "3ds_required":
        return _3ds_answer(charge, found, confirmed=action == "confirm")
    form = CardForm(request.POST if action == "pay" else None)
    if not form.is_valid():
        return render(
            request, "payments/sandbox/checkout.html", {**context, "form": form}, status=400 if action else 200
        )
    return _card_answer(request, charge, found, form.cleaned_data["number"], context)


def _card_answer(request, charge, found, number: str, context: dict) -> HttpResponse:
    outcome, card = (
        sandbox.TEST_CARDS.get(number, sandbox.REFUSED),
        {"card_brand": sandbox.brand(number), "card_last4": number[-4:]},
    )
    if outcome == sandbox.THREE_DS:
        sandbox.charge_ask_3ds(charge, **card)
        return render(request, "payments/sandbox/3ds.html", {**context, "charge": charge})
    if outcome == sandbox.SUCCEEDS:
        return _finish(sandbox.charge_settle(charge, IntentStatus.SUCCEEDED, **card), found)
    return _finish(sandbox.charge_settle(charge, IntentStatus.FAILED, reason="card_declined", **card), found)


def _3ds_answer(charge, found, *, confirmed: bool) -> HttpResponse:
    card = {"card_brand": charge.card_brand, "card_last4": charge.card_last4}
    if confirmed:
        return _finish(sandbox.charge_settle(charge, IntentStatus.SUCCEEDED, **card), found)
    return _finish(sandbox.charge_settle(charge, IntentStatus.FAILED, reason="3ds_failed", **card), found)
