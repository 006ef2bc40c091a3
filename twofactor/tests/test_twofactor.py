"""Two-factor authentication (SPEC A13): set-up, code after the password, throttling, recovery codes, management."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from audit.models import AuditEvent
from people.tests.factories import person
from twofactor import services
from twofactor.tests.helpers import code, login_verified

pytestmark = pytest.mark.django_db

BAD_CODES = ["abcdef", "1" * 20, "", "12345", "12 34 5a", "x" * 100]


def login(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return response


def wrong(device) -> str:
    right = int(code(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def time_passes(user, seconds=3600) -> None:
    """Move the last failure back in time, as if the user had waited."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
            throttling_failure_timestamp=timezone.now() - timedelta(seconds=seconds)
        )


def enable(user) -> tuple[TOTPDevice, tuple[str, ...]]:
    device = services.setup_device(user=user)
    outcome = services.enable(user=user, device=device, code=code(device))
    assert outcome.ok
    return outcome.device, outcome.recovery_codes


def events(action):
    return AuditEvent.objects.filter(action=action)


@pytest.fixture
def staff():
    return f.staff(StaffRole.ADMINISTRATOR).user


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person()).user


@pytest.fixture
def verified_member(client, member):
    device, codes = enable(member)
    login(client, member)
    assert client.post(reverse("twofactor:verify"), {"code": code(device)}).status_code == 302
    return member, device, codes


# --- Staff must set it up -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/space/",
        "/space/password/",
        "/space/security/",
        "/space/profile/",
        "/backoffice/",
        "/backoffice/claims/",
        "/2fa/",
        "/2fa/recovery-codes/new/",
        "/2fa/disable/",
        "/2fa/verify/",
        "/2fa/setup/",
    ],
)
def test_staff_without_device_cannot_set_it_up_with_the_password_alone(client, staff, path):
    login(client, staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("twofactor:invitation_needed")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.post(reverse("twofactor:setup"), {"code": "123456"}).url == reverse("twofactor:invitation_needed")


def test_staff_without_device_gets_a_json_refusal_on_the_api(client, staff):
    login(client, staff)
    response = client.get("/api/v1/anything")
    assert response.status_code == 403
    assert response.json()["code"] == "onboarding_required"


def test_setup_page_shows_a_qr_code_and_the_key_in_groups_of_four(client, member):
    login(client, member)
    page = client.get(reverse("twofactor:setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=member)
    assert not device.confirmed
    secret = page.context["secret"]
    assert all(len(group) == 4 for group in secret.split())
    assert secret in html
    assert "no-store" in page["Cache-Control"]
    client.get(reverse("twofactor:setup"))
    assert TOTPDevice.objects.filter(user=member).count() == 1, "a reload keeps the same key"


def test_setup_with_a_wrong_code_fails_then_the_right_one_confirms_and_shows_ten_recovery_codes(client, member):
    login(client, member)
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=member)
    response = client.post(reverse("twofactor:setup"), {"code": wrong(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=member).exists()

    time_passes(member)
    response = client.post(reverse("twofactor:setup"), {"code": code(device)})
    assert response.url == reverse("twofactor:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert events("twofactor.enabled").filter(actor_id=member.pk).count() == 1

    page = client.get(reverse("twofactor:recovery_codes"))
    codes = page.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert {c.replace("-", "") for c in codes} == stored
    assert all(c in page.content.decode() for c in codes)

    download = client.get(reverse("twofactor:recovery_codes_download"))
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(c in download.content.decode() for c in codes)

    assert client.get(reverse("accounts:dashboard")).status_code == 200, "the session is verified"
    client.post(reverse("twofactor:recovery_codes"))
    assert client.get(reverse("twofactor:recovery_codes")).url == reverse("twofactor:manage"), "shown once"
    assert client.get(reverse("twofactor:recovery_codes_download")).status_code == 302


def test_setup_sends_a_notification(client, member, django_capture_on_commit_callbacks):
    login(client, member)
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("twofactor:setup"), {"code": code(device)})
    assert [m.to for m in mail.outbox] == [[member.email]]


# --- Logging in with a code ---------------------------------------------------------------------


def test_next_login_requires_a_code(client, staff):
    device, _ = enable(staff)
    login(client, staff)
    for path in ("/space/", "/space/security/", "/backoffice/", "/2fa/"):
        assert client.get(path).url == reverse("twofactor:verify")
    assert client.get(reverse("twofactor:verify")).status_code == 200
    response = client.post(reverse("twofactor:verify"), {"code": wrong(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert events("twofactor.verify_failed").filter(actor_id=staff.pk).count() == 1
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:verify")

    time_passes(staff)
    session_key = client.session.session_key
    response = client.post(reverse("twofactor:verify"), {"code": code(device)})
    assert response.url == reverse("accounts:dashboard")
    assert client.session.session_key != session_key, "a new session key once verified"
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.get(reverse("twofactor:verify")).url == reverse("accounts:dashboard")
    assert events("twofactor.verified").filter(actor_id=staff.pk).count() == 1


def test_a_code_from_the_app_cannot_be_replayed(client, member):
    device, _ = enable(member)
    login(client, member)
    used = code(device)
    client.post(reverse("twofactor:verify"), {"code": used})
    client.post(reverse("accounts:logout"))
    login(client, member)
    response = client.post(reverse("twofactor:verify"), {"code": used})
    assert response.status_code == 200
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:verify")


def test_wrong_codes_are_throttled_with_a_clear_message(client, staff):
    device, _ = enable(staff)
    login(client, staff)
    client.post(reverse("twofactor:verify"), {"code": wrong(device)})
    # Straight after a failure even the right code waits (django-otp's delay).
    response = client.post(reverse("twofactor:verify"), {"code": code(device)})
    assert "Too many wrong codes" in str(response.context["form"].errors["code"])
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:verify")
    for _ in range(4):
        time_passes(staff)
        response = client.post(reverse("twofactor:verify"), {"code": wrong(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 5
    message = str(response.context["form"].errors["code"])
    assert "wait 1 minute" in message, message
    assert "wait 1 minute" in client.get(reverse("twofactor:verify")).content.decode()
    # From the 5th failure: at least a minute, even after django-otp's own delay (16 s) has passed.
    time_passes(staff, seconds=30)
    assert client.post(reverse("twofactor:verify"), {"code": code(device)}).status_code == 200
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:verify")
    time_passes(staff, seconds=61)
    assert client.post(reverse("twofactor:verify"), {"code": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_floor_doubles_after_each_further_failure(staff):
    device, _ = enable(staff)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=8, throttling_failure_timestamp=timezone.now()
    )
    device.refresh_from_db()
    wait = services.wait_until(device) - timezone.now()
    assert timedelta(minutes=7) < wait <= timedelta(minutes=8)


def test_a_recovery_code_works_once(client, staff):
    device, codes = enable(staff)
    login(client, staff)
    typed = services.recovery_code_format(codes[0]).upper()
    response = client.post(reverse("twofactor:verify"), {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert "9" in response.content.decode()  # "9 left"
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    assert events("twofactor.verified").get().data["method"] == "recovery"

    client.post(reverse("accounts:logout"))
    login(client, staff)
    response = client.post(reverse("twofactor:verify"), {"code": typed})
    assert response.status_code == 200
    assert "already been used" in str(response.context["form"].errors["code"])
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:verify")
    time_passes(staff)
    assert client.post(reverse("twofactor:verify"), {"code": codes[1]}).status_code == 302


def test_a_throttled_app_does_not_block_the_recovery_codes(client, member):
    device, codes = enable(member)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=9, throttling_failure_timestamp=timezone.now()
    )
    login(client, member)
    assert client.post(reverse("twofactor:verify"), {"code": code(device)}).status_code == 200
    assert client.post(reverse("twofactor:verify"), {"code": codes[0]}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


# --- Ordinary users: optional -----------------------------------------------------------------------


def test_member_without_two_factor_is_not_asked(client, member):
    login(client, member)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.get(reverse("twofactor:verify")).url == reverse("accounts:dashboard")
    page = client.get(reverse("twofactor:manage"))
    assert page.status_code == 200
    assert reverse("twofactor:setup") in page.content.decode()
    assert not TOTPDevice.objects.exists()


def test_dashboard_links_to_the_two_factor_page(client, member):
    login(client, member)
    assert reverse("twofactor:manage") in client.get(reverse("accounts:dashboard")).content.decode()


def test_member_can_enable_and_disable(client, member, django_capture_on_commit_callbacks):
    login(client, member)
    client.get(reverse("twofactor:setup"))
    device = TOTPDevice.objects.get(user=member)
    assert client.post(reverse("twofactor:setup"), {"code": code(device)}).status_code == 302
    client.post(reverse("twofactor:recovery_codes"))
    page = client.get(reverse("twofactor:manage")).content.decode()
    assert reverse("twofactor:disable") in page
    assert "10" in page

    client.post(reverse("accounts:logout"))
    login(client, member)
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:verify")
    client.post(reverse("twofactor:verify"), {"code": code(device)})

    response = client.post(reverse("twofactor:disable"), {"password": "Not-my-password-000", "code": code(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert TOTPDevice.objects.filter(user=member, confirmed=True).exists()

    time_passes(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("twofactor:disable"), {"password": f.PASSWORD, "code": code(device)})
    assert response.url == reverse("twofactor:manage")
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member).exists()
    assert events("twofactor.disabled").filter(actor_id=member.pk).count() == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert client.get(reverse("accounts:dashboard")).status_code == 200

    client.post(reverse("accounts:logout"))
    login(client, member)
    assert client.get(reverse("accounts:dashboard")).status_code == 200, "password only again"


def test_member_can_disable_with_a_recovery_code(client, verified_member):
    member, device, codes = verified_member
    response = client.post(reverse("twofactor:disable"), {"password": f.PASSWORD, "code": codes[3]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_staff_cannot_disable(client, staff):
    device, _ = enable(staff)
    login(client, staff)
    client.post(reverse("twofactor:verify"), {"code": code(device)})
    assert "cannot be turned off" in client.get(reverse("twofactor:manage")).content.decode()
    response = client.post(reverse("twofactor:disable"), {"password": f.PASSWORD, "code": code(device)})
    assert response.url == reverse("twofactor:manage")
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    with pytest.raises(PermissionDenied):
        services.disable(user=staff, password=f.PASSWORD, code=code(device))


def test_regenerate_recovery_codes_asks_a_code_and_cancels_the_old_ones(client, verified_member):
    member, device, old = verified_member
    response = client.post(reverse("twofactor:recovery_codes_regenerate"), {"code": wrong(device)})
    assert response.status_code == 200
    assert set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True)) == set(old)
    time_passes(member)
    response = client.post(reverse("twofactor:recovery_codes_regenerate"), {"code": code(device)})
    assert response.url == reverse("twofactor:recovery_codes")
    new = client.get(reverse("twofactor:recovery_codes")).context["codes"]
    assert len(new) == 10
    stored = set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert stored == {c.replace("-", "") for c in new}
    assert not stored & set(old)
    assert events("twofactor.recovery_codes_regenerated").count() == 1


def test_regenerating_after_a_recovery_login_keeps_the_session_verified(client, member):
    device, codes = enable(member)
    login(client, member)
    client.post(reverse("twofactor:verify"), {"code": codes[0]})
    client.post(reverse("twofactor:recovery_codes_regenerate"), {"code": code(device)})
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_management_pages_need_the_code_first(client, member):
    enable(member)
    login(client, member)
    for name in ("manage", "recovery_codes_regenerate", "disable", "recovery_codes", "recovery_codes_download"):
        assert client.get(reverse(f"twofactor:{name}")).url == reverse("twofactor:verify"), name
    assert client.get(reverse("twofactor:setup")).url == reverse("twofactor:manage")


def test_pages_need_a_login(client):
    for name in ("manage", "setup", "verify", "disable", "recovery_codes_regenerate"):
        assert client.get(reverse(f"twofactor:{name}")).url.startswith(reverse("accounts:login"))


def test_back_office_reset_removes_the_factor_and_staff_must_set_it_up_again(client, staff):
    device, _ = enable(staff)
    login(client, staff)
    client.post(reverse("twofactor:verify"), {"code": code(device)})
    admin = f.staff(StaffRole.ADMINISTRATOR).user
    services.reset(actor=admin, user=staff)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert events("twofactor.reset").get().actor_id == admin.pk
    assert events("twofactor.invitation_sent").count() == 1
    assert client.get(reverse("accounts:dashboard")).url == reverse("twofactor:invitation_needed")


# --- Bad input: a field error, nothing changes --------------------------------------------------------


def _state(user):
    return (
        list(TOTPDevice.objects.filter(user=user).values_list("confirmed", "throttling_failure_count", "last_t")),
        sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)),
        AuditEvent.objects.filter(action__startswith="twofactor.").count(),
    )


@pytest.mark.parametrize("value", BAD_CODES)
def test_bad_input_on_setup(client, member, value):
    login(client, member)
    client.get(reverse("twofactor:setup"))
    before = _state(member)
    response = client.post(reverse("twofactor:setup"), {"code": value})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert _state(member) == before


@pytest.mark.parametrize("value", BAD_CODES)
def test_bad_input_on_verify(client, member, value):
    enable(member)
    login(client, member)
    before = _state(member)
    response = client.post(reverse("twofactor:verify"), {"code": value})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert _state(member) == before


@pytest.mark.parametrize("value", BAD_CODES)
def test_bad_input_on_regenerate_and_disable(client, verified_member, value):
    member, device, codes = verified_member
    before = _state(member)
    response = client.post(reverse("twofactor:recovery_codes_regenerate"), {"code": value})
    assert response.context["form"].errors["code"]
    response = client.post(reverse("twofactor:disable"), {"password": f.PASSWORD, "code": value})
    assert response.context["form"].errors["code"]
    response = client.post(reverse("twofactor:disable"), {"password": "", "code": code(device)})
    assert response.context["form"].errors["password"]
    assert _state(member)[1:] == before[1:]
    assert TOTPDevice.objects.get(user=member).throttling_failure_count == 0


def test_a_recovery_code_is_refused_where_only_an_app_code_is_accepted(client, verified_member):
    member, device, codes = verified_member
    response = client.post(reverse("twofactor:recovery_codes_regenerate"), {"code": codes[0]})
    assert response.context["form"].errors["code"]
    assert StaticToken.objects.filter(device__user=member).count() == 10


def test_the_shared_helper_logs_staff_in_with_a_code(client, staff):
    login_verified(client, staff)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    login_verified(client, staff)
    assert TOTPDevice.objects.filter(user=staff).count() == 1
