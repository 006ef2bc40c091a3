"""``rows|with_examples:contract``: a guarantee table (``contracts.pdf.GuaranteeRow``) with an example in euros per
line, computed by ``ledger.estimates`` (the claims' engine), so that the contracts app's pages need not import the
ledger. One query for the whole table."""

from django import template

from documents.pdf import paris_today
from ledger import estimates

register = template.Library()


@register.filter
def with_examples(rows, contract) -> list:
    return estimates.with_examples(list(rows), on=paris_today(), scheme_mode=contract.product.scheme_mode)
