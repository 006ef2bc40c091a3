"""``{% form_errors as errors %}``: the errors of the page's submitted forms, for the summary at the top of the page
and the "Error:" prefix of its title (RGAA 11.10, WCAG 3.3.1). Every form the view validated and put in the
context is read, so no view or template has to pass it."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class FieldError:
    message: str
    href: str  # "#<id of the field>", or "" for an error of the whole form


def _target(bound: forms.BoundField) -> str:
    """The id a link to the field lands on: the input itself, or the first choice of a group of radios or boxes."""
    if bound.id_for_label:
        return bound.id_for_label
    return f"{bound.auto_id}_0" if bound.auto_id else ""


def errors_of(form: forms.BaseForm) -> list[FieldError]:
    found = [FieldError(str(message), "") for message in form.non_field_errors()]
    for bound in form:
        if bound.errors:
            target = "" if bound.is_hidden else _target(bound)
            found += [FieldError(str(message), f"#{target}" if target else "") for message in bound.errors]
    return found


@register.simple_tag(takes_context=True)
def form_errors(context) -> list[FieldError]:
    forms_seen: list[forms.BaseForm] = []
    for value in context.flatten().values():
        validated = isinstance(value, forms.BaseForm) and value.is_bound and value._errors is not None
        if validated and value not in forms_seen:
            forms_seen.append(value)
    return [error for form in forms_seen for error in errors_of(form)]
