"""The SEPA credit-transfer file (ISO 20022 ``pain.001.001.03``) of a payment batch, written by ``sepaxml``.

The library builds the XML and validates it against the official XSD before returning it; the debtor is the
insurer (``settings.INSURER["name"]``, ``INSURER_PAYMENT_IBAN``/``INSURER_PAYMENT_BIC``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from sepaxml import SepaTransfer

SCHEMA = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"


class _Transfer(SepaTransfer):
    """sepaxml's transfer with our batch reference as the message id (the bank quotes it back)."""

    def __init__(self, config: dict, *, message_id: str) -> None:
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def credit_transfer_xml(*, reference: str, execution_date: date, lines: Iterable) -> bytes:
    """One payment information block (batch booking) with one transfer per line, validated against the XSD."""
    config = {
        "name": settings.INSURER["name"],
        "IBAN": settings.INSURER_PAYMENT_IBAN,
        "BIC": settings.INSURER_PAYMENT_BIC,
        "batch": True,
        "currency": "EUR",
    }
    transfer = _Transfer(config, message_id=reference)
    for line in lines:
        payment = {
            "name": line.creditor_name,
            "IBAN": line.iban,
            "amount": cents(line.amount),
            "execution_date": execution_date,
            "description": f"{settings.INSURER['name']} {line.end_to_end_id}",
            "endtoend_id": line.end_to_end_id,
        }
        if line.bic:
            payment["BIC"] = line.bic
        transfer.add_payment(payment)
    return transfer.export(validate=True)
