"""A request's stored dates read as dates, not as ISO strings (issue 14)."""

from django import forms
from django.utils import translation

from demarches.kind_forms import _display


def test_a_stored_date_is_shown_the_readers_way():
    with translation.override("en"):
        assert _display(forms.DateField(), "2026-03-01") == "01/03/2026"
    with translation.override("fr"):
        assert _display(forms.DateField(), "2026-03-01") == "01/03/2026"
    assert _display(forms.DateField(), "not a date") == "not a date"
