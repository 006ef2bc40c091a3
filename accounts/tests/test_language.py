"""SPEC A12: the language chosen in the header, or on the language/preferences page, is the account's; at login the
pages take the account's language; every email and PDF of that person is in that one language, whatever the page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import services
from accounts.choices import ProfileKind
from accounts.tests import factories as f
from audit.models import AuditEvent
from benefits.tests import factories as bf
from benefits.tests.helpers import pdf_text
from demarches.models import Request
from demarches.tests.helpers import INFORMATION
from people.tests.factories import person

pytestmark = pytest.mark.django_db

OTHER = {"fr": "en", "en": "fr"}
# Words the card PDF prints, from the template, the card's data (roles, coverage) and the documents' frame. The
# French name under the English title ("Carte de tiers payant") is left out on purpose: it is there for
# professionals in France, marked lang="fr".
CARD_LABELS = [
    "Covered persons",
    "Name",
    "Date of birth",
    "Role",
    "Domains of third-party payment",
    "Coverage",
    "Member no.",
    "Organisation no.",
    "Contract",
    "Subscriber",
    "Child",
    "Flat rate",
    "Cut along the dotted line.",
    "Phone",
    "Reference",
    "Issued on",
    "The information shown is indicative: your contract documents prevail.",
]
EMAIL_LABELS = ["This is an automatic message: please do not reply to it.", "Follow it in your online space:"]


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def foreign_words(text: str, language: str, labels: list[str]) -> list[str]:
    """The labels ``text`` shows in the other language (those worded the same in both are no clue)."""
    found = []
    for label in labels:
        own, other = in_language(language, label), in_language(OTHER[language], label)
        if own != other and re.search(rf"(?<!\w){re.escape(other)}(?!\w)", text):
            found.append(other)
    return found


def logged_in(user, page_language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = page_language
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


def switch_in_header(client: Client, language: str, next_url: str = "/space/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


# --- The header's switch ----------------------------------------------------------------------------------


def test_the_headers_switch_sets_the_accounts_language_once_audited(django_assert_max_num_queries):
    user = f.user(language="fr")
    client = logged_in(user, "fr")
    client.get("/space/")  # session and profile warmed up: the budget below is the switch's own

    with django_assert_max_num_queries(15):
        response = switch_in_header(client, "en")

    assert response.status_code == 302 and response.url == "/space/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    event = AuditEvent.objects.get(action="account.language_changed")
    assert event.data == {"from": "fr", "to": "en"}
    switch_in_header(client, "en")
    assert AuditEvent.objects.filter(action="account.language_changed").count() == 1, "no change, no event"


def test_the_headers_switch_refuses_an_unknown_language_and_leaves_anonymous_visitors_alone(client):
    user = f.user(language="fr")
    logged = logged_in(user, "fr")
    switch_in_header(logged, "de")
    user.refresh_from_db()
    assert user.language == "fr" and not AuditEvent.objects.filter(action="account.language_changed").exists()

    response = switch_in_header(client, "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en", "visitors still switch their pages"


def test_language_set_refuses_an_unknown_code_and_writes_nothing():
    user = f.user(language="fr")
    with pytest.raises(ValidationError) as refused:
        services.language_set(actor=user, user=user, language="de")
    assert refused.value.error_dict["language"][0].code == "invalid_language"
    user.refresh_from_db()
    assert user.language == "fr" and not AuditEvent.objects.exists()


# --- Login and the language page ------------------------------------------------------------------------


def test_login_sets_the_pages_language_from_the_account():
    user = f.user(language="fr")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the browser was reading the English pages

    response = client.post(reverse("accounts:login"), {"username": user.username, "password": f.PASSWORD})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("accounts:dashboard"))
    assert page.headers["Content-Language"] == "fr" and '<html lang="fr"' in page.content.decode()


def test_the_language_page_shows_and_saves_the_accounts_language():
    user = f.user(language="en")
    client = logged_in(user, "en")
    page = client.get(reverse("accounts:language")).content.decode()
    assert 'value="en"' in page and re.search(r'value="en"[^>]*checked', page)

    bad = client.post(reverse("accounts:language"), {"language": "de"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    user.refresh_from_db()
    assert user.language == "en"

    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("accounts:language"), "no open redirect"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    user.refresh_from_db()
    assert user.language == "fr"
    assert "Votre langue est enregistrée" in client.get(response.url).content.decode()


def test_the_members_preferences_page_has_the_language_setting():
    profile = f.profile(ProfileKind.MEMBER, person(), account=f.user(language="en"))
    client = logged_in(profile.user, "en")
    page = client.get(reverse("members:preferences")).content.decode()
    assert f'action="{reverse("accounts:language")}"' in page
    assert re.search(r'value="en"[^>]*checked', page) and "Save my language" in page

    response = client.post(reverse("accounts:language"), {"language": "fr", "next": reverse("members:preferences")})
    assert response.url == reverse("members:preferences")
    profile.user.refresh_from_db()
    assert profile.user.language == "fr"


# --- One language for every email and PDF of the person -----------------------------------------------------


@pytest.mark.parametrize("start, chosen", [("fr", "en"), ("en", "fr")])
def test_a_choice_in_the_header_gives_emails_and_pdfs_in_that_language_only(
    start, chosen, django_capture_on_commit_callbacks
):
    family = bf.family(language=start)
    client = logged_in(family["profile"].user, start)

    switch_in_header(client, chosen)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("demarches:submit", args=["information"]),
            {**INFORMATION, "submission-idempotency_key": "retry-key-0001"},
        )
    assert sent.status_code == 302
    message = mail.outbox[-1]
    reference = Request.objects.get().reference
    expected = {"en": f"Your request {reference} is received", "fr": f"Votre demande {reference} est bien reçue"}
    assert message.subject == expected[chosen]
    body = message.body + message.alternatives[0][0]
    assert in_language(chosen, EMAIL_LABELS[0]) in body
    assert foreign_words(body, chosen, EMAIL_LABELS) == []

    for page_language in (chosen, start):  # the page's language (another tab, another device) changes nothing
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = page_language
        response = client.get(reverse("benefits:card_pdf"))
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert in_language(chosen, "Covered persons") in text
        assert foreign_words(text, chosen, CARD_LABELS) == [], f"card PDF with the page in {page_language}"
