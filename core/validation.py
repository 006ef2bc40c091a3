"""Validating a row before it is written, in Python, without a query.

``validate_row`` is ``full_clean()`` without what the database checks anyway or what only costs time:
uniqueness (unique fields and unique constraints: the database refuses a duplicate on insert, and
``constraint_errors`` turns that refusal into the same message ``full_clean`` would give), foreign-key
lookups of saved instances and the slow country choice lookup. Check constraints are evaluated on the row in
Python with SQL's NULL logic (comparisons, ``in``, ``isnull`` and arithmetic on the row's own columns); only a
condition Python cannot evaluate still asks the database (none of the project's constraints does).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, router
from django.db.models import CheckConstraint, F, Model, Q, UniqueConstraint, Value
from django.db.models.expressions import CombinedExpression
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

_COMPARISONS = {"": operator.eq, "exact": operator.eq, "gt": operator.gt, "gte": operator.ge}
_COMPARISONS |= {"lt": operator.lt, "lte": operator.le}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


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


def _column(row: Model, name: str) -> Any:
    try:
        return getattr(row, row._meta.get_field(name).attname)
    except FieldDoesNotExist as exc:
        raise _NeedsDatabase from exc


def _value(row: Model, expression: Any) -> Any:
    """A condition's right-hand side on the row: a constant, a column (``F``) or arithmetic of them; None is NULL."""
    if isinstance(expression, F):
        return _column(row, expression.name)
    if isinstance(expression, Value):
        return expression.value
    if isinstance(expression, CombinedExpression) and expression.connector in _ARITHMETIC:
        left, right = _value(row, expression.lhs), _value(row, expression.rhs)
        if left is None or right is None:
            return None
        return _ARITHMETIC[expression.connector](left, right)
    if hasattr(expression, "resolve_expression"):
        raise _NeedsDatabase
    return expression


def _lookup_holds(row: Model, key: str, expected: Any) -> bool | None:
    """One ``field__lookup=value`` of a check condition, with SQL's NULL: None stands for unknown."""
    name, _sep, lookup = key.partition("__")
    value = _column(row, name)
    if lookup == "isnull":
        return (value is None) == bool(expected)
    expected = _value(row, expected)
    if lookup in ("", "exact") and expected is None:
        return value is None
    if value is None or expected is None:
        return None
    if lookup == "in":
        return value in expected
    if lookup == "range":
        return expected[0] <= value <= expected[1]
    if lookup not in _COMPARISONS:
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


def _check_violated(constraint: CheckConstraint, model_class: type[Model], row: Model) -> bool:
    """Whether the row breaks a check; like the database, an unknown (NULL) result passes."""
    try:
        return _condition_holds(row, Q(constraint.condition)) is False
    except _NeedsDatabase:
        try:
            constraint.validate(model_class, row, using=router.db_for_write(model_class, instance=row))
        except ValidationError:
            return True
        return False


def _constraint_errors(row: Model, excluded: set[str]) -> dict:
    """``Model.validate_constraints()`` for check constraints, evaluated on the row itself.

    Django checks a condition in its own query and savepoint, carrying every column (and encrypting the
    encrypted ones again): the costliest part of validating a row. A check naming an excluded field is skipped,
    as in Django. Unique constraints are the database's: see ``constraint_errors``.
    """
    errors: dict = {}
    for model_class, constraints in row.get_constraints():
        for constraint in constraints:
            if not isinstance(constraint, CheckConstraint) or Q(constraint.condition).referenced_base_fields & excluded:
                continue
            if _check_violated(constraint, model_class, row):
                message = constraint.get_violation_error_message()
                errors = ValidationError(message, code=constraint.violation_error_code).update_error_dict(errors)
    return errors


def validate_row(row: Model) -> None:
    """``full_clean()`` without a query: every field and check rule, uniqueness left to the database.

    Services validate thousands of rows when the demo or an import is built, and every submission validates
    each of its rows, so each query counts: a foreign key set from a saved instance needs no query to find that
    instance again; uniqueness is enforced by the database's unique indexes, whose refusal ``constraint_errors``
    turns into ``full_clean``'s message (write the row inside it); django-countries rebuilds its 250 translated
    choices on every validation, so country codes are checked against the ISO list directly; check constraints
    are evaluated on the row (see ``_constraint_errors``).
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
    for field, messages in _constraint_errors(row, failed).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# --- The database's refusals, in full_clean's words ------------------------------------------------------

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>.+)$")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")


def _unique_error(model: type[Model], fields: tuple[str, ...], constraint: UniqueConstraint | None) -> ValidationError:
    """What ``full_clean`` says of this duplicate: the constraint's own message, else "… already exists"."""
    if constraint is not None and (
        constraint.condition is not None
        or constraint.violation_error_message != constraint.default_violation_error_message
    ):
        error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
        return ValidationError({NON_FIELD_ERRORS: [error]})
    message = model(pk=None).unique_error_message(model, fields)
    return ValidationError({fields[0] if len(fields) == 1 else NON_FIELD_ERRORS: [message]})


def _uniques(model: type[Model]) -> Iterator[tuple[tuple[str, ...], UniqueConstraint | None]]:
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key:
            yield (field.name,), None
    for _model, constraints in model(pk=None).get_constraints():
        for constraint in constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                yield tuple(constraint.fields), constraint


def _refused_by(model: type[Model], exc: IntegrityError) -> ValidationError | None:
    """The ``ValidationError`` for the named constraint ``exc`` reports on ``model``, if it is one of its own."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    table = model._meta.db_table
    if not name:  # SQLite names the check, or the columns of the unique index
        if found := _SQLITE_CHECK.search(str(exc)):
            name = found["name"]
        elif found := _SQLITE_UNIQUE.search(str(exc)):
            columns = {c.strip().partition(".")[2] for c in found["columns"].split(",")}
            if any(c.strip().partition(".")[0] != table for c in found["columns"].split(",")):
                return None
            for fields, constraint in _uniques(model):
                if {model._meta.get_field(f).column for f in fields} == columns:
                    return _unique_error(model, fields, constraint)
            return None
    for _model, constraints in model(pk=None).get_constraints():
        for constraint in constraints:
            if constraint.name == name and isinstance(constraint, CheckConstraint):
                message = constraint.get_violation_error_message()
                return ValidationError(
                    {NON_FIELD_ERRORS: [ValidationError(message, code=constraint.violation_error_code)]}
                )
    for fields, constraint in _uniques(model):
        if constraint is not None and constraint.name == name:
            return _unique_error(model, fields, constraint)
        if constraint is None and name.startswith(f"{table}_{model._meta.get_field(fields[0]).column}_"):
            return _unique_error(model, fields, None)  # PostgreSQL's own name: <table>_<column>_key (or _uniq)
    return None


@contextmanager
def constraint_errors(*models: type[Model] | Model) -> Iterator[None]:
    """Write rows of ``models`` inside: the database's refusal of one of their named constraints (a duplicate, a
    broken check) comes out as the ``ValidationError`` ``full_clean`` would have raised, with the same message.

    It opens no savepoint: on PostgreSQL the transaction is aborted by the refusal, so the error must leave the
    transaction (as any ``ValidationError`` of a service does); an error of another table stays an
    ``IntegrityError``.
    """
    try:
        yield
    except IntegrityError as exc:
        for model in models:
            error = _refused_by(model if isinstance(model, type) else type(model), exc)
            if error is not None:
                raise error from exc
        raise


def check_format(value: str, pattern: re.Pattern[str], *, field: str, message: str) -> None:
    """Reject an identifier that does not follow the insurer's numbering, naming the field."""
    if not pattern.fullmatch(value):
        raise field_error(field, message, code="invalid")
