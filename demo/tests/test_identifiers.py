"""The demo's identifier builders produce numbers the real validators accept."""

from datetime import date
from random import Random

from schwifty import IBAN
from stdnum import luhn
from stdnum.fr import nir, siren, siret

from demo import identifiers
from demo.context import add_months, month_end


def test_generated_identifiers_are_valid():
    rng = Random(7)
    for _ in range(500):
        born = date(rng.randint(1930, 2024), rng.randint(1, 12), rng.randint(1, 28))
        department = rng.choice(("75", "13", "99", "01"))
        assert nir.is_valid(identifiers.random_nir(rng, sex=rng.choice("MF"), birth_date=born, department=department))
        number = identifiers.siren(rng.randint(0, 10**8 - 1))
        assert siren.is_valid(number) and siret.is_valid(identifiers.siret(number, rng.randint(1, 9999)))
        assert luhn.is_valid(identifiers.rpps(rng.randint(0, 10**8))) and len(identifiers.rpps(1)) == 11
        assert luhn.is_valid(identifiers.finess("75", rng.randint(0, 10**6))) and len(identifiers.finess("75", 1)) == 9
        iban = IBAN(identifiers.iban(rng), validate_bban=True)
        assert iban.country_code == "FR" and len(iban.compact) == 27


def test_nir_encodes_sex_and_birth():
    number = identifiers.nir(sex="F", birth_date=date(1984, 5, 17), department="75", commune=56, order=123)
    assert number.startswith("2840575056123") and nir.is_valid(number)


def test_month_arithmetic():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), -15) == date(2022, 12, 15)
    assert month_end(date(2023, 2, 10)) == date(2023, 2, 28)
