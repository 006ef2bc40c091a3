"""The contributions in the access matrix (SECURITY.md, object-level access).

A member opens the calls of the contracts they hold (a dependant, covered by the spouse's contract, opens none); a
company the calls of its collective contracts; an agent those of the contracts under a mandate in force; contributions
staff and administrators every call in the back office. Annual certificates go with the holder.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal

from accounts.choices import ProfileKind
from contracts.models import Affiliation, Contract, Mandate
from contracts.tests import factories as cf
from contributions.choices import CallStatus, LineBasis, PaymentSource
from contributions.models import AnnualCertificate, CallLine, ContributionCall, ReceivedPayment
from core.testing.objects import Target, actors, kinds, register, roles
from people.tests.factories import person

PAYERS = kinds(ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)
ALLOWED = actors("member", "other_member", "company", "other_company", "agent")
STAFF = roles("contributions", "administrator")
YEAR = 2998  # far ahead: no page shows it otherwise


def _someone_elses_contract() -> Contract:
    return cf.individual_contract(person())


def contract_of(profile) -> Contract:
    """The contract whose calls ``profile`` would see if anyone's: held, covering, of the company, mandated."""
    if profile is None:
        return _someone_elses_contract()
    if profile.kind == ProfileKind.MEMBER:
        return Affiliation.objects.filter(person=profile.person).select_related("contract").first().contract
    if profile.kind == ProfileKind.COMPANY:
        return Contract.objects.filter(holder_company=profile.company).first()
    if profile.kind == ProfileKind.AGENT:
        return Mandate.objects.filter(agent=profile.agent).select_related("contract").first().contract
    return _someone_elses_contract()


_days = itertools.count()


def make_call(contract: Contract, *, paid: bool = False) -> ContributionCall:
    """A call of ``contract`` for a period of its own (builders may run several times on one contract)."""
    amount = Decimal("123.45")
    start = date(YEAR, 1, 1) + timedelta(days=next(_days) % 250)
    call = ContributionCall.objects.create(
        contract=contract,
        receipt_number=f"Q-{YEAR}-{uuid.uuid4().int % 10**6:06d}",
        period_start=start,
        period_end=start + timedelta(days=89),
        quarter=f"{YEAR}-Q1",
        issued_on=date(YEAR - 1, 12, 10),
        due_date=start + timedelta(days=9),
        amount_due=amount,
        amount_paid=amount if paid else Decimal("0.00"),
        status=CallStatus.PAID if paid else CallStatus.ISSUED,
        paid_on=start if paid else None,
    )
    CallLine.objects.create(
        call=call,
        position=1,
        basis=LineBasis.FLAT,
        label=contract.number,
        months=3,
        monthly_amount=Decimal("41.15"),
        amount=amount,
    )
    return call


def _target(call: ContributionCall) -> Target:
    return Target({"public_id": call.public_id}, reveals=[call.receipt_number])


def call_own(profile):
    return _target(make_call(contract_of(profile)))


def call_other(profile):
    return _target(make_call(_someone_elses_contract()))


def paid_own(profile):
    return _target(make_call(contract_of(profile), paid=True))


def paid_other(profile):
    return _target(make_call(_someone_elses_contract(), paid=True))


for key in ("contributions:detail", "contributions:call_pdf"):
    register(key, own=call_own, other=call_other, owners=PAYERS, allowed=ALLOWED)
register("contributions:receipt_pdf", own=paid_own, other=paid_other, owners=PAYERS, allowed=ALLOWED)
register("contributions:pay", own=call_own, other=call_other, owners=PAYERS, allowed=ALLOWED, methods=("POST",))


def _record(contract: Contract) -> Target:
    call = make_call(contract)
    return Target({"public_id": contract.public_id, "year": YEAR}, reveals=[call.receipt_number])


register(
    "contributions:record_pdf",
    own=lambda profile: _record(contract_of(profile)),
    other=lambda profile: _record(_someone_elses_contract()),
    owners=PAYERS,
    allowed=ALLOWED,
    missing={"year": YEAR},
)


def _certificate(contract: Contract) -> Target:
    holder = (
        {"holder_person": contract.holder_person}
        if contract.holder_person_id
        else {"holder_company": contract.holder_company}
    )
    reference = f"AC-{YEAR}-{uuid.uuid4().hex[:10].upper()}"
    certificate = AnnualCertificate.objects.create(
        year=YEAR,
        reference=reference,
        total_called=Decimal("100.00"),
        total_paid=Decimal("100.00"),
        details=[
            {"contract": contract.number, "product_fr": "P", "product_en": "P", "called": "100.00", "paid": "100.00"}
        ],
        issued_on=date(YEAR, 1, 15),
        **holder,
    )
    return Target({"public_id": certificate.public_id}, reveals=[reference])


register(
    "contributions:certificate_pdf",
    own=lambda profile: _certificate(contract_of(profile)),
    other=lambda profile: _certificate(_someone_elses_contract()),
    owners=PAYERS,
    allowed=ALLOWED,
)

for key in (
    "/api/contributions/calls/{public_id}",
    "/api/contributions/calls/{public_id}/call.pdf",
):
    register(key, own=call_own, other=call_other, owners=PAYERS, allowed=ALLOWED)
register(
    "/api/contributions/calls/{public_id}/receipt.pdf", own=paid_own, other=paid_other, owners=PAYERS, allowed=ALLOWED
)
register(
    "/api/contributions/calls/{public_id}/card-payments", own=call_own, other=call_other, owners=PAYERS, allowed=ALLOWED
)

# --- Back office ------------------------------------------------------------------------------------------

register("contributions_backoffice:call", own=call_other, other=call_other, owners=STAFF, allowed=STAFF, sees_all=STAFF)


def _unallocated(profile) -> Target:
    payment = ReceivedPayment.objects.create(
        source=PaymentSource.TRANSFER,
        reference=f"MATRIX-{uuid.uuid4().hex}",
        amount=Decimal("10.00"),
        unallocated=Decimal("10.00"),
        received_on=date(YEAR, 1, 5),
        payer="Matrix Payer",
    )
    call = make_call(_someone_elses_contract())
    return Target(
        {"public_id": payment.public_id}, reveals=[payment.reference], data={"receipt_number": call.receipt_number}
    )


register(
    "contributions_backoffice:allocate",
    own=_unallocated,
    other=_unallocated,
    owners=STAFF,
    allowed=STAFF,
    sees_all=STAFF,
    methods=("POST",),
)

register(
    "contributions_backoffice:refund",
    own=_unallocated,
    other=_unallocated,
    owners=STAFF,
    allowed=STAFF,
    sees_all=STAFF,
    methods=("POST",),
)
