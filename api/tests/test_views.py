"""The token management page (/space/tokens/): create, show once, revoke — in the browser client."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from api.models import ApiToken
from api.tests.conftest import bearer, log_in, token_for
from audit.models import AuditEvent
from people.tests.factories import company

pytestmark = pytest.mark.django_db

PAGE = "/space/tokens/"


@pytest.fixture
def browser(family):
    client = Client(enforce_csrf_checks=True)
    log_in(client, family["profile"].user)
    return client


def csrf(client) -> str:
    client.get(PAGE)
    return client.cookies["om_csrftoken"].value


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_dashboard_links_to_the_page(family):
    client = Client()
    log_in(client, family["profile"].user)
    assert PAGE in client.get(reverse("accounts:dashboard")).content.decode()


def test_create_shows_the_token_once_then_revoke(browser, family):
    tomorrow = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = browser.post(PAGE, {"name": "HR software", "expires_on": tomorrow, "csrfmiddlewaretoken": csrf(browser)})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("om_") and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get()
    assert token.profile == family["profile"] and token.expires_at is not None
    assert Client().get("/api/me", **bearer(secret)).status_code == 200
    again = browser.get(PAGE).content.decode()
    assert secret not in again and token.prefix in again and "HR software" in again
    revoke = browser.post(reverse("api_tokens:revoke", args=[token.public_id]), {"csrfmiddlewaretoken": csrf(browser)})
    assert revoke.status_code == 302
    assert Client().get("/api/me", **bearer(secret)).status_code == 401
    actions = list(AuditEvent.objects.filter(target_id=str(token.public_id)).values_list("action", flat=True))
    assert actions == ["api_token.created", "api_token.revoked"]


def test_bad_input_is_a_field_error(browser):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = browser.post(PAGE, {"name": "", "expires_on": past, "csrfmiddlewaretoken": csrf(browser)})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "expires_on"}
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = browser.post(PAGE, {"name": "x", "expires_on": far, "csrfmiddlewaretoken": csrf(browser)})
    assert "expires_on" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_create_needs_csrf(browser):
    assert browser.post(PAGE, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_another_logins_token_cannot_be_revoked(browser, other_family):
    token_for(other_family["profile"])
    foreign = ApiToken.objects.get()
    response = browser.post(
        reverse("api_tokens:revoke", args=[foreign.public_id]), {"csrfmiddlewaretoken": csrf(browser)}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_several_profiles_without_a_choice_cannot_create(family):
    f.profile(ProfileKind.COMPANY, company(), account=family["profile"].user)
    client = Client()
    log_in(client, family["profile"].user)
    response = client.post(PAGE, {"name": "x"})
    assert response.status_code == 200 and response.context["profile"] is None
    assert not ApiToken.objects.exists()


def test_staff_cannot_create(client):
    staff = f.staff(StaffRole.ADMINISTRATOR)
    log_in(client, staff.user)
    client.post(PAGE, {"name": "x"})
    assert not ApiToken.objects.exists()
