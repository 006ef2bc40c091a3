"""The engine's steps as sentences in the reader's language (review page, member's detail, API)."""

from __future__ import annotations

from django.utils.translation import gettext as _

_TEXTS = {
    "rate_of_base": lambda p: (
        _("%(rate)s %% of the base of %(base)s EUR, the rate for a secteur 2 doctor not adhering to OPTAM") % p
        if p.get("non_optam")
        else _("%(rate)s %% of the base of %(base)s EUR") % p
    ),
    "rate_of_cost": lambda p: _("%(rate)s %% of the actual cost of %(expense)s EUR") % p,
    "actual_cost": lambda p: _("Actual cost: %(expense)s EUR") % p,
    "flat_amount": lambda p: _("Flat amount: %(flat)s EUR") % p,
    "not_applicable": lambda p: _("This guarantee does not pay for care"),
    "minus_compulsory": lambda p: (
        _(
            "Minus %(paid)s EUR paid by the compulsory scheme or the CFE and the %(flat_fee)s EUR flat fee it kept, "
            "which the law leaves to you"
        )
        % p
        if p.get("flat_fee")
        else _("Minus %(paid)s EUR paid by the compulsory scheme or the CFE") % p
    ),
    "per_act_ceiling": lambda p: _("Ceiling per act: %(cap)s EUR") % p,
    "period_ceiling": lambda p: (
        _("Ceiling of %(ceiling)s EUR per %(years)s year(s): %(consumed)s EUR already used, %(cap)s EUR left") % p
    ),
    "remaining_cost": lambda p: _("No more than the expense minus what others paid: %(cap)s EUR") % p,
    "floor": lambda p: _("Never below zero"),
    "refused": lambda p: _("Item refused: nothing is paid"),
    "no_guarantee": lambda p: _("The contract has no guarantee for this care: nothing is paid"),
    "not_assessed": lambda p: _("Base and compulsory share not entered yet"),
    "duplicate": lambda p: _("Same care already paid (%(reference)s): nothing is paid again") % p,
}


def step_text(step: dict) -> str:
    render = _TEXTS.get(step.get("code", ""))
    return render(step.get("params") or {}) if render else step.get("code", "")


def explain(explanation: dict | None) -> list[dict]:
    """[{text, amount, applied}] for a template or the API; empty before the computation."""
    return [
        {"text": step_text(step), "amount": step.get("amount", ""), "applied": step.get("applied", True)}
        for step in (explanation or {}).get("steps", [])
    ]
