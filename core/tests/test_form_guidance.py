"""Forms that guide (issue 14, RGAA 11.10): every form of the portal names the field a required message is about,
a failed submission shows a summary at the top linking to each field and says "Error" in the page title, and the
accessibility statement is linked from the footer of every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse

from accounts.tests import factories as f
from core.forms import GuidedForm, required_message

pytestmark = pytest.mark.django_db


def project_forms() -> list[type]:
    """Every form class the project defines (the URLconf imports every view, hence every form)."""
    get_resolver().url_patterns  # noqa: B018 - imports the views and their forms
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        source = Path(__import__(cls.__module__, fromlist=["_"]).__file__).resolve()
        if source.is_relative_to(settings.BASE_DIR) and ".venv" not in source.parts and "tests" not in source.parts:
            found.append(cls)
    return found


def test_every_form_of_the_project_guides():
    classes = project_forms()
    assert len(classes) > 60
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, GuidedForm)] == []


def test_the_required_message_names_the_field_and_the_action():
    assert required_message(forms.CharField(label="Street")) == "Fill in “Street”."
    assert required_message(forms.BooleanField(label="I agree")) == "Tick the box “I agree” to continue."
    assert required_message(forms.ChoiceField(label="Reason")) == "Choose an answer: “Reason”."
    assert required_message(forms.FileField(label="Proof")) == "Add a file: “Proof”."


class _Form(GuidedForm, forms.Form):
    name = forms.CharField(label="Name")
    city = forms.CharField(label="City", error_messages={"required": "Tell us your city."})
    terms = forms.BooleanField(label="I accept")
    required_messages = {"terms": "Tick the box to accept the terms."}


def test_a_form_keeps_its_own_words_and_names_the_others():
    form = _Form(data={})
    assert form.errors == {
        "name": ["Fill in “Name”."],
        "city": ["Tell us your city."],
        "terms": ["Tick the box to accept the terms."],
    }


def member_client() -> Client:
    user = f.user()
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


def test_a_failed_password_change_has_the_summary_the_title_and_the_field_states():
    client = member_client()
    response = client.post(reverse("accounts:password_change"), {"old_password": "", "new_password1": "x"})
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*tabindex="-1" autofocus>.*?</div>', html, re.S)
    assert summary
    links = re.findall(r'<a href="#([^"]+)">', summary.group(0))
    assert links[0] == "id_old_password" and "id_new_password2" in links
    assert "This field is required." not in html
    assert re.search(r"<title>Error: \d+ problems to correct – ", html)
    old = re.search(r'<input[^>]*name="old_password"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in old and "id_old_password_error" in old


def test_a_page_without_a_failed_form_has_no_summary():
    html = member_client().get(reverse("accounts:password_change")).content.decode()
    assert "error-summary" not in html and "<title>Error" not in html


@pytest.mark.parametrize("name", ["core:home", "accounts:login", "core:privacy"])
def test_the_accessibility_statement_is_in_the_footer(client, name):
    html = client.get(reverse(name)).content.decode()
    footer = html[html.index('<footer class="site-footer') :]
    assert f'<a href="{reverse("core:accessibility")}">Accessibility: partially compliant</a>' in footer


def test_the_statement_follows_the_rgaa_model_in_french(client):
    client.cookies["om_language"] = "fr"
    html = client.get(reverse("core:accessibility")).content.decode()
    for words in (
        "Déclaration d'accessibilité",
        "<strong>partiellement conformes</strong>",
        "RGAA), version 4.1",
        "axe-core",
        "390 pixels",
        "Non-conformités connues",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
        "Accessibilité : partiellement conforme",
    ):
        assert words.replace("'", "&#x27;") in html or words in html, words
