"""Builders for contracts and affiliations in tests."""

from __future__ import annotations

import itertools
from datetime import date

from contracts.choices import AffiliationRole, CompulsorySchemeMode, ContractKind, ProductLine
from contracts.models import Affiliation, Contract, Product

_seq = itertools.count(1)


def product(**fields) -> Product:
    n = next(_seq)
    defaults = {
        "code": f"TEST{n}",
        "name_fr": f"Santé Test {n}",
        "name_en": f"Health Test {n}",
        "line": ProductLine.HEALTH,
        "scheme_mode": CompulsorySchemeMode.COMPLEMENT,
    }
    return Product.objects.create(**{**defaults, **fields})


def individual_contract(holder, **fields) -> Contract:
    n = next(_seq)
    defaults = {
        "number": f"IND-TEST-{n:06d}",
        "kind": ContractKind.INDIVIDUAL,
        "product": fields.pop("product", None) or product(),
        "holder_person": holder,
        "effective_date": date(2022, 1, 1),
        "payment_method": "direct_debit",
        "payment_frequency": "quarterly",
    }
    contract = Contract.objects.create(**{**defaults, **fields})
    Affiliation.objects.create(
        contract=contract, person=holder, role=AffiliationRole.SUBSCRIBER, start_date=contract.effective_date
    )
    return contract


def collective_contract(company, **fields) -> Contract:
    n = next(_seq)
    defaults = {
        "number": f"COL-TEST-{n:06d}",
        "kind": ContractKind.COLLECTIVE,
        "product": fields.pop("product", None) or product(for_companies=True),
        "holder_company": company,
        "effective_date": date(2022, 1, 1),
        "payment_method": "transfer",
        "payment_frequency": "quarterly",
    }
    return Contract.objects.create(**{**defaults, **fields})


def subscriber(contract, person, **fields) -> Affiliation:
    return Affiliation.objects.create(
        contract=contract,
        person=person,
        role=AffiliationRole.SUBSCRIBER,
        start_date=fields.pop("start_date", contract.effective_date),
        **fields,
    )


def dependant_of(principal: Affiliation, person, role=AffiliationRole.CHILD, **fields) -> Affiliation:
    return Affiliation.objects.create(
        contract=principal.contract,
        person=person,
        role=role,
        principal=principal,
        start_date=fields.pop("start_date", principal.start_date),
        **fields,
    )
