"""What a person's name may hold, checked on every path that writes one (forms, services, bulk files).

Letters of any alphabet with inner spaces, hyphens, apostrophes or dots ("Anne-Marie", "D'Arc", "St. John"): no
digit, no markup and no leading sign a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+cmd|…``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

NAME_PATTERN = r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$"
NAME_FIELDS = ("last_name", "first_name", "birth_name")

validate_person_name = RegexValidator(NAME_PATTERN, _("Use letters only, with spaces, hyphens or apostrophes."))


def person_names_check(**names: str) -> None:
    """Raise one error per name field that is not a name (empty names are left to the required checks)."""
    errors = {}
    for field, value in names.items():
        try:
            if value:
                validate_person_name(value)
        except ValidationError as error:
            errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)
