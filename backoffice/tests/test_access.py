"""Back-office access (SPEC B1, G4): only staff with an account role; everyone else gets the same 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from backoffice.urls import urlpatterns
from people.tests.factories import person
from registration.models import AccountClosureRequest, ActivationLetter, RegistrationRequest
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def objects():
    member = f.profile(ProfileKind.MEMBER, person(last_name="Petit", first_name="Lea"))
    registration = RegistrationRequest.objects.create(
        kind="member",
        match="unknown",
        number="1999999999",
        email="x@example.fr",
        commercial_choice_at="2026-01-01T00:00:00Z",
    )
    closure = AccountClosureRequest.objects.create(user=member.user, kind="suspend")
    letter = ActivationLetter.objects.create(
        registration=registration,
        code="ABCD-EFGH-JKLM",
        addressee="Lea Petit",
        address_lines=["1 rue Haute", "75001 Paris"],
        expires_at=timezone.now() + timedelta(days=30),
    )
    return {"user": member.user, "registration": registration, "closure": closure, "letter": letter}


def every_url(objects) -> list[tuple[str, str]]:
    """Every back-office URL, with the object each one names: a new URL joins the matrix by itself."""
    ids = {
        "registration": objects["registration"].public_id,
        "user": objects["user"].public_id,
        "closure": objects["closure"].public_id,
        "letter": objects["letter"].public_id,
    }
    urls = []
    for pattern in urlpatterns:
        name = pattern.name
        args = []
        if "public_id" in pattern.pattern.converters:
            args = [ids[next(key for key in ids if name.startswith(key))]]
        method = "get" if pattern.callback.__name__ in POST_FREE else "post"
        urls.append((method, reverse(f"backoffice:{name}", args=args)))
    return urls


POST_FREE = {
    "home",
    "registration_queue",
    "registration_detail",
    "user_search",
    "user_detail",
    "closure_queue",
    "letter_queue",
    "letter_pdf",
}


def state(objects):
    user = objects["user"]
    user.refresh_from_db()
    return (
        user.is_active,
        user.username,
        RegistrationRequest.objects.get().status,
        AccountClosureRequest.objects.get().status,
        ActivationLetter.objects.get().status,
        AuditEvent.objects.exclude(action__in=["account.logged_in", "profile.switched"]).count(),
    )


def _member_client():
    member = f.profile(ProfileKind.MEMBER, person(last_name="Morel", first_name="Jean"))
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": member.user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def test_a_member_gets_404_everywhere_and_changes_nothing(objects):
    client = _member_client()
    before = state(objects)
    for method, url in every_url(objects):
        assert getattr(client, method)(url).status_code == 404, url
    assert state(objects) == before


@pytest.mark.parametrize("role", [StaffRole.CLAIMS, StaffRole.CONTENT, StaffRole.DPO])
def test_staff_without_an_account_role_gets_404_and_changes_nothing(objects, role):
    client, _staff = logged_in_staff(role)
    before = state(objects)
    for method, url in every_url(objects):
        expected = 200 if url == reverse("backoffice:home") else 404
        assert getattr(client, method)(url).status_code == expected, url
    assert state(objects) == before
    home = client.get(reverse("backoffice:home")).content.decode()
    assert reverse("backoffice:registration_queue") not in home


def test_staff_without_any_role_gets_404_even_on_home(objects):
    client, _staff = logged_in_staff()
    assert client.get(reverse("backoffice:home")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(objects):
    client = Client()
    for method, url in every_url(objects):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("role", [StaffRole.ACCOUNT_VALIDATION, StaffRole.ADMINISTRATOR])
def test_account_roles_open_every_page(objects, role):
    client, _staff = logged_in_staff(role)
    for method, url in every_url(objects):
        if method == "get":
            assert client.get(url).status_code == 200, url
    home = client.get(reverse("backoffice:home")).content.decode()
    for name in ("registration_queue", "letter_queue", "closure_queue", "user_search"):
        assert reverse(f"backoffice:{name}") in home


def test_staff_logins_are_for_administrators_only(objects):
    validator, _ = logged_in_staff(StaffRole.ACCOUNT_VALIDATION)
    administrator, _ = logged_in_staff(StaffRole.ADMINISTRATOR)
    colleague = f.staff(StaffRole.CLAIMS).user
    url = reverse("backoffice:user_detail", args=[colleague.public_id])
    assert validator.get(url).status_code == 404
    assert (
        validator.post(
            reverse("backoffice:user_deactivate", args=[colleague.public_id]), {"reason": "fraud"}
        ).status_code
        == 404
    )
    assert administrator.get(url).status_code == 200
    colleague.refresh_from_db()
    assert colleague.is_active


def test_unknown_ids_answer_404(objects):
    client, _staff = logged_in_staff(StaffRole.ACCOUNT_VALIDATION)
    missing = "00000000-0000-4000-8000-000000000000"
    for name in ("registration_detail", "user_detail"):
        assert client.get(reverse(f"backoffice:{name}", args=[missing])).status_code == 404


def test_pages_showing_personal_data_are_logged(objects):
    client, staff = logged_in_staff(StaffRole.ACCOUNT_VALIDATION)
    client.get(reverse("backoffice:user_detail", args=[objects["user"].public_id]))
    event = AuditEvent.objects.get(action="personal_data.viewed", target_id=str(objects["user"].public_id))
    assert event.actor_id == staff.user.pk and event.profile == "staff"
    client.get(reverse("backoffice:registration_queue"))
    listed = AuditEvent.objects.filter(action="personal_data.viewed", target_id="").last()
    assert listed.data["shown"] == [str(objects["registration"].public_id)]
