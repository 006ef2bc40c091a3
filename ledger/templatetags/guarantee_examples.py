"""``rows|with_examples:contract``: a guarantee table (``contracts.pdf.GuaranteeRow``) with an example in euros per
line, computed by ``ledger.estimates`` (the claims' engine), so that the contracts app's pages need not import the
ledger. One query for the whole table."""

from django import template

from ledger import estimates

register = template.Library()


@register.filter
def with_examples(rows, contract) -> list:
    return estimates.contract_examples(contract, rows)
