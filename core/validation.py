"""Validating a row before it is written, fast enough for bulk builders.

``validate_row`` is ``full_clean()`` without the checks that only cost time (the uniqueness
query of a new random ``public_id``, foreign-key lookups of saved instances, the slow country
choice lookup); check constraints are evaluated on the row in Python with SQL's NULL logic,
falling back to the database when a condition cannot be evaluated in Python.
"""

from __future__ import annotations

import operator
import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Model, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

_COMPARISONS = {"": operator.eq, "exact": operator.eq, "gt": operator.gt, "gte": operator.ge}
_COMPARISONS |= {"lt": operator.lt, "lte": operator.le}


def field_error(field: str, message: str, *, code: str, **params: str) -> ValidationError:
    """An error attached to one field, its parameters filled in (a dict-built error would not fill them)."""
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _country_errors(row: Model, fields: list[str]) -> dict[str, list[ValidationError]]:
    return {
        name: [ValidationError(_("Choose a valid country."), code="invalid_choice")]
        for name in fields
        if getattr(row, name).code and getattr(row, name).code not in countries
    }


class _NeedsDatabase(Exception):
    """A check condition the Python evaluation does not cover: Django's database check decides."""


def _lookup_holds(row: Model, key: str, expected: Any) -> bool | None:
    """One ``field__lookup=value`` of a check condition, with SQL's NULL: None stands for unknown."""
    name, _sep, lookup = key.partition("__")
    try:
        value = getattr(row, row._meta.get_field(name).attname)
        if isinstance(expected, F):
            expected = getattr(row, row._meta.get_field(expected.name).attname)
    except FieldDoesNotExist as exc:
        raise _NeedsDatabase from exc
    if lookup == "isnull" or (lookup in ("", "exact") and expected is None):
        return (value is None) == (expected is not False)
    if value is None or expected is None:
        return None
    if lookup == "in":
        return value in expected
    if lookup not in _COMPARISONS or hasattr(expected, "resolve_expression"):
        raise _NeedsDatabase
    return _COMPARISONS[lookup](value, expected)


def _child_holds(row: Model, child: Q | tuple) -> bool | None:
    if isinstance(child, Q):
        return _condition_holds(row, child)
    if isinstance(child, tuple):
        return _lookup_holds(row, *child)
    raise _NeedsDatabase


def _condition_holds(row: Model, condition: Q) -> bool | None:
    """A check condition evaluated on the row in three-valued logic, as the database would."""
    results = [_child_holds(row, child) for child in condition.children]
    decisive = condition.connector == Q.OR  # one True settles an OR, one False an AND
    result = decisive if decisive in results else (None if None in results else not decisive)
    return (None if result is None else not result) if condition.negated else result


def _check_violated(constraint: CheckConstraint, model_class: type[Model], row: Model, using: str) -> bool:
    """Whether the row breaks a check; like the database, an unknown (NULL) result passes."""
    try:
        return _condition_holds(row, Q(constraint.condition)) is False
    except _NeedsDatabase:
        try:
            constraint.validate(model_class, row, using=using)
        except ValidationError:
            return True
        return False


def _constraint_errors(row: Model, excluded: set[str]) -> dict:
    """``Model.validate_constraints()``, with check constraints evaluated on the row itself.

    Django checks a condition in its own query and savepoint, carrying every column (and
    encrypting the encrypted ones again): the costliest part of validating a row. The
    conditions here compare the row's own columns, which Python evaluates to the same
    answer; anything else still goes to the database. A check naming an excluded field is
    skipped, as in Django; unique constraints query the database as usual.
    """
    using = router.db_for_write(type(row), instance=row)
    errors: dict = {}
    for model_class, constraints in row.get_constraints():
        for constraint in constraints:
            try:
                if not isinstance(constraint, CheckConstraint):
                    constraint.validate(model_class, row, exclude=excluded, using=using)
                elif not Q(constraint.condition).referenced_base_fields & excluded and _check_violated(
                    constraint, model_class, row, using
                ):
                    message = constraint.get_violation_error_message()
                    raise ValidationError(message, code=constraint.violation_error_code)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
    return errors


def validate_row(row: Model) -> None:
    """``full_clean()`` with the checks that only cost time replaced by equivalents.

    Services validate thousands of rows when the demo or an import is built, so each
    query counts: the public id is a fresh random UUID (its uniqueness query cannot
    fail); a foreign key set from a saved instance needs no query to find that instance
    again; django-countries rebuilds its 250 translated choices on every validation, so
    country codes are checked against the ISO list directly; check constraints are
    evaluated on the row (see ``_constraint_errors``). Every rule is still checked.
    """
    country_fields = [field.name for field in row._meta.fields if isinstance(field, CountryField)]
    set_relations = [
        field.name for field in row._meta.fields if field.is_relation and getattr(row, field.attname) is not None
    ]
    errors = _country_errors(row, country_fields)
    try:
        row.full_clean(exclude=[*country_fields, *set_relations], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    failed = set(errors) - {NON_FIELD_ERRORS}
    try:
        row.validate_unique(exclude={"public_id", *failed})
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for field, messages in _constraint_errors(row, failed).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def check_format(value: str, pattern: re.Pattern[str], *, field: str, message: str) -> None:
    """Reject an identifier that does not follow the insurer's numbering, naming the field."""
    if not pattern.fullmatch(value):
        raise field_error(field, message, code="invalid")
