"""Small builders for tests: valid records with the fewest queries."""

from __future__ import annotations

import itertools
from datetime import date

from people.models import Company, Person

_seq = itertools.count(1)


def person(**fields) -> Person:
    n = next(_seq)
    defaults = {
        "membership_number": f"19{n:08d}",
        "last_name": f"Martin{n}",
        "first_name": "Claire",
        "birth_date": date(1980, 5, 17),
        "email": f"claire{n}@example.fr",
    }
    return Person.objects.create(**{**defaults, **fields})


def dependant(**fields) -> Person:
    return person(membership_number=None, **fields)


def company(**fields) -> Company:
    from stdnum import luhn

    n = next(_seq)
    base = f"{n:013d}"
    defaults = {
        "membership_number": f"E{n:08d}",
        "name": f"Société {n}",
        "siret": base + luhn.calc_check_digit(base),
    }
    return Company.objects.create(**{**defaults, **fields})
