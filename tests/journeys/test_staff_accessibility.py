"""axe-core on every page of the back office, at 1280 px and 390 px, for two staff logins of the shipped demo
(issue 14): the administrator, who sees every back-office section, and the claims handler (the second factor set up
from the invitation link, as ``test_demo_accounts`` does). The same machinery as the other profiles
(``test_profiles_accessibility.check_profile``), in a module of its own so that ``pytest -n 2 --dist loadfile``
runs it beside the others: the administrator's space is the largest one.

The crawl starts from the back-office home, plus what no link leads to: a user search's results (the account pages
behind them) and the contact messages of every status (the demo's is answered, out of the default "open" filter).
A FAQ question, a library document and two registrations are added first (the demo ships none), so that the FAQ and
library edit pages, a registration to decide on and an activation letter to post are checked too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from content.choices import LibraryCategory
from content.services import faq_create, library_document_create
from content.tests.builders import pdf_upload
from people.tests.factories import person
from registration.tests.helpers import ADDRESS, member_data
from tests.journeys.demo import MEMBER
from tests.journeys.test_demo_accounts import shipped_demo  # noqa: F401
from tests.journeys.test_profiles_accessibility import browser_page, check_profile, demo  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


# label in demo-accounts.json → the routes its crawl must reach at least.
STAFF = {
    "Staff – administrator": {
        "backoffice:home",
        "backoffice:letter_queue",
        "backoffice:registration_queue",
        "backoffice:registration_detail",
        "backoffice:closure_queue",
        "backoffice:user_search",
        "backoffice:user_detail",
        "claims_backoffice:queue",
        "claims_backoffice:review",
        "claims_backoffice:suspensions",
        "demarches_backoffice:queue",
        "demarches_backoffice:detail",
        "contributions_backoffice:calls",
        "contributions_backoffice:call",
        "contributions_backoffice:unallocated",
        "payments_backoffice:list",
        "ledger_backoffice:flows",
        "ledger_backoffice:tariffs",
        "ledger_backoffice:tariff_version",
        "professionals_backoffice:queue",
        "professionals_backoffice:review",
        "professionals_backoffice:payments",
        "professionals_backoffice:payment",
        "professionals_backoffice:messages",
        "professionals_backoffice:message",
        "privacy_backoffice:queue",
        "privacy_backoffice:request",
        "privacy_backoffice:evidence",
        "privacy_backoffice:event",
        "privacy_backoffice:audience",
        "privacy_backoffice:accesses",
        "content_backoffice:faq_list",
        "content_backoffice:faq_edit",
        "content_backoffice:library_list",
        "content_backoffice:library_edit",
        "content_backoffice:zone_edit",
        "content_backoffice:terms",
        "content_backoffice:maintenance",
        "jobs:panel",
    },
    "Staff – claims": {
        "backoffice:home",
        "claims_backoffice:queue",
        "claims_backoffice:review",
        "claims_backoffice:suspensions",
        "professionals_backoffice:queue",
        "professionals_backoffice:review",
        "payments_backoffice:list",
    },
}


@pytest.fixture(scope="module")
def content_items(demo, django_db_blocker):  # noqa: F811
    """One FAQ question and one library document, committed for the live server (the demo ships neither); the
    folder its file went to (each test has its own ``MEDIA_ROOT``: the test copies it there)."""
    with django_db_blocker.unblock():
        admin = get_user_model().objects.get(username=demo.accounts["Staff – administrator"]["username"])
        library_document_create(
            actor=admin, category=LibraryCategory.FACTSHEET, title_fr="Fiche", title_en="Factsheet", file=pdf_upload()
        )
        faq_create(
            actor=admin,
            category="account",
            question_fr="Comment changer mon mot de passe ?",
            question_en="How do I change my password?",
            answer_fr="Depuis la page Sécurité de votre espace.",
            answer_en="From the Security page of your space.",
        )
        # Two registrations through the public form: one with another email than the one on file (its activation
        # code goes by post: a letter to post), one whose first name differs (a registration staff decide on).
        applicant = Client()
        by_post, differing = ("1999000001", {"email": "ailleurs@example.org"}), ("1999000002", {"first_name": "Louise"})
        for number, extra in (by_post, differing):
            record = person(membership_number=number, last_name="Fontaine", email=f"m{number}@example.fr", **ADDRESS)
            answer = applicant.post(reverse("registration:form", args=["member"]), member_data(record, **extra))
            assert answer.status_code == 302, answer.content.decode()[:2000]
    return Path(settings.MEDIA_ROOT)


@pytest.mark.parametrize("label", STAFF)
def test_every_back_office_page_passes_axe_at_both_widths(browser_page, content_items, label, settings):  # noqa: F811
    shutil.copytree(content_items, settings.MEDIA_ROOT, dirs_exist_ok=True)
    more = [
        f"{reverse('backoffice:user_search')}?q={browser_page.demo_accounts[MEMBER]['username']}",
        f"{reverse('professionals_backoffice:messages')}?status=",
    ]
    check_profile(browser_page, label, STAFF[label], more if label == "Staff – administrator" else ())
