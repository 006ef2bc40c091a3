"""Card payments in the access matrix (SECURITY.md, object-level access).

A payment is visible where the call for contributions it pays is visible (``contributions.tests.objects``). The
sandbox provider's hosted page is the provider's own page, reached with a signed checkout token, and the
notification endpoint takes no id at all (its body is signed).
"""

from __future__ import annotations

from decimal import Decimal

from accounts.tests import factories as f
from contributions.tests.objects import ALLOWED, PAYERS, call_other, call_own
from core.testing.objects import Target, exempt, register
from payments.choices import IntentStatus
from payments.models import PaymentIntent


def _intent(target: Target) -> Target:
    call_id = target.kwargs["public_id"]
    intent = PaymentIntent.objects.create(
        provider="sandbox",
        purpose="contribution_call",
        target_id=call_id,
        description=target.reveals[0],
        amount=Decimal("123.45"),
        status=IntentStatus.PENDING,
        created_by=f.user(),
    )
    return Target({"public_id": intent.public_id}, reveals=target.reveals)


for key in ("payments:return", "/api/payments/{public_id}"):
    register(
        key,
        own=lambda profile: _intent(call_own(profile)),
        other=lambda profile: _intent(call_other(profile)),
        owners=PAYERS,
        allowed=ALLOWED,
    )

exempt(
    "payments:sandbox_checkout",
    reason="the sandbox provider's own hosted payment page (not the portal's), named by a signed, expiring checkout "
    "token that only the portal can make (amount, merchant reference, payment id): a forged or altered token "
    "answers 404, and the page shows nothing but the amount and the receipt number",
)
