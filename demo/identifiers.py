"""Valid French identifiers for demo and benchmark records, built the way the real ones are.

Checksums are computed, never guessed, so every generated number passes the same
python-stdnum / schwifty validation as real data (DOMAIN.md).
"""

from __future__ import annotations

from datetime import date
from random import Random

from schwifty import IBAN
from stdnum import luhn

# Real French bank codes (BNP Paribas, Société Générale, La Banque Postale, Crédit Mutuel, LCL, Crédit Agricole).
BANK_CODES = ("30004", "30003", "20041", "10278", "30002", "11306")
_MOBILE_BLOCKS = tuple(block for block in range(10, 90) if block != 39)


def with_luhn(digits: str) -> str:
    """Append the Luhn check digit (SIREN, SIRET, RPPS and FINESS all use it)."""
    return digits + luhn.calc_check_digit(digits)


def nir(*, sex: str, birth_date: date, department: str, commune: int, order: int) -> str:
    """A NIR: sex, year and month of birth, place of birth (department 99 abroad), order, key 97 − n mod 97."""
    body = f"{1 if sex == 'M' else 2}{birth_date.year % 100:02d}{birth_date.month:02d}{department}"
    body += f"{commune % 1000:03d}{order % 1000:03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def random_nir(rng: Random, *, sex: str, birth_date: date, department: str) -> str:
    return nir(
        sex=sex, birth_date=birth_date, department=department, commune=rng.randint(1, 899), order=rng.randint(1, 999)
    )


def siren(number: int) -> str:
    """A SIREN from 8 digits of ``number``."""
    return with_luhn(f"{number % 10**8:08d}")


def siret(siren_: str, establishment: int = 1) -> str:
    """The SIRET of one establishment: SIREN, a 4-digit establishment number and the key over all 14 digits."""
    return with_luhn(f"{siren_}{establishment % 10**4:04d}")


def rpps(number: int) -> str:
    """An 11-digit RPPS number (practitioners' numbers start with 10)."""
    return with_luhn(f"10{number % 10**8:08d}")


def finess(department: str, number: int) -> str:
    """A 9-digit FINESS number: department, six digits, Luhn key."""
    return with_luhn(f"{department}{number % 10**6:06d}")


def adeli(department: str, number: int) -> str:
    """A 9-digit ADELI number: department, then seven digits (profession code and order)."""
    return f"{department}{number % 10**7:07d}"


def iban(rng: Random) -> str:
    """A French IBAN with a real bank code; schwifty computes the RIB key and the IBAN check digits."""
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    generated = IBAN.generate(
        "FR", bank_code=rng.choice(BANK_CODES), branch_code=f"{rng.randint(1, 9999):05d}", account_code=account
    )
    return generated.compact


def mobile_phone(rng: Random) -> str:
    """A French mobile number in an allocated block (06 10 … to 06 89 …, not 06 39: phonenumbers accepts it)."""
    return f"+33 6 {rng.choice(_MOBILE_BLOCKS)} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))


def landline_phone(rng: Random, area: int = 1) -> str:
    """A geographic number (01 Paris area … 05 south-west) in an allocated block."""
    return f"+33 {area} {rng.randint(10, 61)} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
