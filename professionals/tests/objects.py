"""The professional space in the access matrix (SECURITY.md, object-level access).

A professional opens its own invoices, payments and messages (web and API); another professional's answer 404 like
missing ones, and every other profile gets 404 for all of them. In the back office, claims staff and administrators
open every invoice and payment, request handlers and administrators every message; other roles none.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from core.testing.documents import pdf_bytes
from core.testing.objects import Target, actors, populate, register, roles
from people.tests.factories import person
from professionals import services
from professionals.choices import InvoiceStatus
from professionals.models import ContactMessage, Invoice, ProfessionalPayment
from professionals.tests import factories as pf
from registration.tests.helpers import professional

PROFESSIONAL = actors("professional")
INVOICE_STAFF = roles(StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)
MESSAGE_STAFF = roles(StaffRole.REQUESTS, StaffRole.ADMINISTRATOR)
PDF = pdf_bytes()


def _pro_of(profile):
    """The actor's own professional record, or a new one for actors that have none (their "own" means nothing)."""
    if profile is not None and profile.kind == ProfileKind.PROFESSIONAL:
        return profile.professional
    return professional()


def _invoice(pro) -> Invoice:
    beneficiary = person(last_name=f"Patient{uuid.uuid4().hex[:8]}")
    return pf.invoice(pro, beneficiary, number=f"MX-{uuid.uuid4().hex[:10].upper()}")


def _invoice_target(invoice: Invoice) -> Target:
    return Target({"public_id": invoice.public_id}, reveals=[invoice.number, invoice.beneficiary.last_name])


def invoice_own(profile):
    return _invoice_target(_invoice(_pro_of(profile)))


def invoice_other(profile):
    return _invoice_target(_invoice(professional()))


def _payment(pro) -> ProfessionalPayment:
    invoice = _invoice(pro)
    staff = f.user(is_staff=True)
    payment = ProfessionalPayment.objects.create(
        professional=pro,
        reference=f"VTP-MX-{uuid.uuid4().hex[:10].upper()}",
        paid_on=date(2026, 11, 2),
        amount=Decimal("23.00"),
        invoice_count=1,
        created_by=staff,
    )
    Invoice.objects.filter(pk=invoice.pk).update(
        status=InvoiceStatus.PAID, accepted_amount=invoice.claimed_amount, payment=payment
    )
    return payment


def _payment_target(payment: ProfessionalPayment) -> Target:
    return Target({"public_id": payment.public_id}, reveals=[payment.reference])


def payment_own(profile):
    return _payment_target(_payment(_pro_of(profile)))


def payment_other(profile):
    return _payment_target(_payment(professional()))


def _message(pro) -> ContactMessage:
    from django.core.files.uploadedfile import SimpleUploadedFile

    author = f.profile(ProfileKind.PROFESSIONAL, pro)
    upload = SimpleUploadedFile(f"matrix-{uuid.uuid4().hex[:8]}.pdf", PDF, content_type="application/pdf")
    return services.message_send(
        actor=author,
        subject=f"Matrix subject {uuid.uuid4().hex[:10]}",
        body="Does the matrix see this?",
        attachment=upload,
    )


def _message_target(message: ContactMessage) -> Target:
    return Target({"public_id": message.public_id}, reveals=[message.subject])


def message_own(profile):
    pro = _pro_of(profile)
    if profile is not None and profile.kind == ProfileKind.PROFESSIONAL:
        message = _message(pro)
        ContactMessage.objects.filter(pk=message.pk).update(author=profile.user)
        return _message_target(message)
    return _message_target(_message(pro))


def message_other(profile):
    return _message_target(_message(professional()))


for key in ("professionals:invoice", "/api/professional/invoices/{public_id}"):
    register(key, own=invoice_own, other=invoice_other, owners=PROFESSIONAL, allowed=PROFESSIONAL)
for key in ("professionals:payment", "/api/professional/payments/{public_id}"):
    register(key, own=payment_own, other=payment_other, owners=PROFESSIONAL, allowed=PROFESSIONAL)
for key in ("professionals:message", "professionals:message_attachment"):
    register(key, own=message_own, other=message_other, owners=PROFESSIONAL, allowed=PROFESSIONAL)
register(
    "professionals:message_reply",
    own=message_own,
    other=message_other,
    owners=PROFESSIONAL,
    allowed=PROFESSIONAL,
    methods=("POST",),
    data={"body": "A follow-up from the matrix."},
)

# --- Back office -------------------------------------------------------------------------------------------

register(
    "professionals_backoffice:review",
    own=invoice_own,
    other=invoice_own,
    owners=INVOICE_STAFF,
    allowed=INVOICE_STAFF,
    sees_all=INVOICE_STAFF,
)
register(
    "professionals_backoffice:decide",
    own=invoice_own,
    other=invoice_own,
    owners=INVOICE_STAFF,
    allowed=INVOICE_STAFF,
    sees_all=INVOICE_STAFF,
    methods=("POST",),
    data={"decision": "reject", "reason": "other"},
)
register(
    "professionals_backoffice:payment",
    own=payment_own,
    other=payment_own,
    owners=INVOICE_STAFF,
    allowed=INVOICE_STAFF,
    sees_all=INVOICE_STAFF,
)
for key in ("professionals_backoffice:message", "professionals_backoffice:message_attachment"):
    register(
        key, own=message_own, other=message_own, owners=MESSAGE_STAFF, allowed=MESSAGE_STAFF, sees_all=MESSAGE_STAFF
    )
register(
    "professionals_backoffice:message_reply",
    own=message_own,
    other=message_own,
    owners=MESSAGE_STAFF,
    allowed=MESSAGE_STAFF,
    sees_all=MESSAGE_STAFF,
    methods=("POST",),
    data={"body": "An answer from the matrix."},
)


@populate
def _around(profiles) -> None:
    """Invoices, a payment and a message of another professional next to the matrix's professional: what a broken
    scoping rule would leak into its lists."""
    _payment(professional())
    _message(professional())
    _invoice(profiles["professional"].professional)
