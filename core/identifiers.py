"""Validators for the identifiers of French insurance (DOMAIN.md): checksums, not regexes alone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir, siren, siret


def _digits(value: str, length: int) -> str:
    compact = "".join(str(value).split())
    if len(compact) != length or not compact.isdigit():
        raise ValidationError(_("Enter %(length)d digits."), code="invalid", params={"length": length})
    return compact


def validate_siret(value: str) -> None:
    try:
        siret.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("This SIRET number is not valid (14 digits with a valid key)."), code="invalid"
        ) from exc


def validate_siren(value: str) -> None:
    try:
        siren.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("This SIREN number is not valid (9 digits with a valid key)."), code="invalid") from exc


def validate_nir(value: str) -> None:
    try:
        nir.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("This social security number is not valid (13 digits and a 2-digit key)."), code="invalid"
        ) from exc


def validate_rpps(value: str) -> None:
    if not luhn.is_valid(_digits(value, 11)):
        raise ValidationError(_("This RPPS number is not valid (11 digits with a valid key)."), code="invalid")


def validate_adeli(value: str) -> None:
    _digits(value, 9)


def validate_finess(value: str) -> None:
    if not luhn.is_valid(_digits(value, 9)):
        raise ValidationError(_("This FINESS number is not valid (9 digits with a valid key)."), code="invalid")


def normalise_iban(value: str) -> str:
    """Validate an IBAN and return it compact and upper-case, or raise a field error."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationError(_("This IBAN is not valid."), code="invalid") from exc


def validate_iban(value: str) -> None:
    normalise_iban(value)


def mask_iban(iban: str) -> str:
    """FR76 •••• •••• 1234: enough for the user to recognise the account, nothing more."""
    compact = "".join(iban.split())
    return f"{compact[:4]} •••• •••• {compact[-4:]}" if len(compact) > 8 else "••••"
