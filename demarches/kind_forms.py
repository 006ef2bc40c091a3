"""A kind's form, both ways: building it for a profile, turning its cleaned data into the stored JSON
payload, and showing a stored payload again with the form's own labels.

Conventions for kind forms (on top of ``demarches.kinds``):
- a form whose ``__init__`` takes a ``profile`` keyword gets the acting profile (to scope its choices);
- a form may define ``required_attachments() -> int`` (after validation) when the number of supporting
  documents depends on the answers (a birth needs a certificate, a move does not);
- cleaned values become JSON: dates and decimals as ISO strings, records as their public id; the first
  contract, person and company found also become the request's subject when none is given.
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_str
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from demarches.fields import ScopedRecordField
from demarches.kinds import RequestKind


def _accepts_profile(form_class: type[forms.Form]) -> bool:
    return "profile" in inspect.signature(form_class.__init__).parameters


def build_form(kind: RequestKind, *, data: Mapping | None = None, profile=None, **kwargs) -> forms.Form:
    """The kind's form, bound to ``data`` when given, scoped to ``profile`` when the form wants one."""
    if _accepts_profile(kind.form):
        kwargs["profile"] = profile
    return kind.form(data=data, **kwargs)


def prefilled(kind: RequestKind, data: Mapping) -> dict[str, Any]:
    """A kind's form opened with answers another page filled in (the estimate's quote: POSTed, so health data
    stays out of URLs): the kind's own fields only, nothing validated or sent yet."""
    names = set(build_form(kind).fields)
    return {name: data.get(name) for name in names if data.get(name) not in (None, "")}


def start_url(kind: RequestKind) -> str | None:
    """Where a user starts this kind: the owning app's page, else the engine's generic form.

    None when neither works: a page that needs an argument (started from a record's own page), or a form
    the generic page cannot fill (a required hidden field that the owning app's page sets).
    """
    if kind.start_url_name:
        try:
            return reverse(kind.start_url_name)
        except NoReverseMatch:
            return None
    form = build_form(kind)
    if any(field.required and field.widget.is_hidden for field in form.fields.values()):
        return None
    return reverse("demarches:submit", args=[kind.code])


def json_safe(value: Any) -> Any:
    """A cleaned form value as plain JSON (records by their public id, never their database key)."""
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, date | datetime | time | Decimal | uuid.UUID):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return force_str(value)


def payload_from(cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: json_safe(value) for name, value in cleaned_data.items()}


def records_in(cleaned_data: Mapping[str, Any]) -> list[models.Model]:
    """The records the answers name, in field order (the engine takes the first of each type as subject)."""
    found = []
    for value in cleaned_data.values():
        values = value if isinstance(value, models.QuerySet | list | tuple) else [value]
        found.extend(item for item in values if isinstance(item, models.Model))
    return found


def required_attachments(kind: RequestKind, form: forms.Form) -> int:
    hook = getattr(form, "required_attachments", None)
    return max(kind.min_attachments, hook() if callable(hook) else 0)


def _display(field: forms.Field, value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, ScopedRecordField):
        return field.display(value)
    if isinstance(field, forms.DecimalField):
        try:
            return number_format(Decimal(str(value)), decimal_pos=field.decimal_places, force_grouping=True)
        except ArithmeticError:
            return str(value)
    if isinstance(field, forms.DateField) and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")  # never a raw ISO date on a page
        except ValueError:
            return value
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        keys = value if isinstance(value, list) else [value]
        rows = field.queryset.model._default_manager.filter(**{f"{key}__in": keys})
        return ", ".join(str(row) for row in rows) or str(value)
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in field.choices}
        keys = value if isinstance(value, list) else [value]
        return ", ".join(force_str(labels.get(str(key), key)) for key in keys)
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def payload_rows(kind: RequestKind | None, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of a stored payload, in the form's order; unknown keys (an old form) at the end."""
    return _rows(_unbound(kind), payload)


def answer_rows(kind: RequestKind | None, answer: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of staff's structured answer, with the kind's answer form's labels; none without one."""
    if not answer:
        return []
    form = kind.answer_form() if kind is not None and kind.answer_form is not None else None
    return _rows(form, answer)


def _rows(form: forms.Form | None, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    if form is None:
        return [(key, str(value)) for key, value in payload.items()]
    rows = [
        (force_str(field.label or name), _display(field, payload.get(name)))
        for name, field in form.fields.items()
        if name in payload
    ]
    rows.extend((key, str(value)) for key, value in payload.items() if key not in form.fields)
    return rows


def _unbound(kind: RequestKind | None) -> forms.Form | None:
    """The kind's form for its labels; None for a kind no longer registered or a form that needs more to build."""
    if kind is None:
        return None
    try:
        return build_form(kind)
    except TypeError:
        return None


def _field_type(field: forms.Field) -> str:
    if isinstance(field, ScopedRecordField):
        return f"reference:{field.model._meta.model_name}"
    if isinstance(field, forms.MultipleChoiceField):
        return "choices"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.DecimalField):  # before IntegerField: Django's DecimalField is one
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "integer"
    return "text"


def field_descriptions(kind: RequestKind) -> list[dict[str, Any]]:
    """What a program needs to fill the kind's form: names, labels, types, limits and fixed choices."""
    form = build_form(kind)
    described = []
    for name, field in form.fields.items():
        choices = None
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = [{"value": str(key), "label": force_str(label)} for key, label in field.choices if key != ""]
        described.append(
            {
                "name": name,
                "label": force_str(field.label or name),
                "type": _field_type(field),
                "required": field.required,
                "max_length": getattr(field, "max_length", None),
                "help_text": force_str(field.help_text),
                "choices": choices,
            }
        )
    return described
