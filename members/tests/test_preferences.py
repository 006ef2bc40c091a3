"""M12 preferences and G1 consent: defaults never presume consent, every change is kept with its date, and the
one-click link of a marketing email works without logging in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from members import selectors
from members.choices import PreferenceCode, PreferenceSource
from members.models import PreferenceChange
from members.tokens import unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db

PAGE = reverse("members:preferences")
ALL_OFF = {}


def test_commercial_information_is_unchecked_by_default(family):
    response = family.client.get(PAGE)
    field = next(line for line in response.content.decode().splitlines() if 'name="commercial"' in line)
    assert "checked" not in field
    user = family.profile.user
    assert not selectors.wants(user, PreferenceCode.COMMERCIAL)
    assert not selectors.wants(user, PreferenceCode.PAPERLESS)
    assert selectors.wants(user, PreferenceCode.ALERT_CLAIM_STATUS)
    assert not selectors.wants(None, PreferenceCode.COMMERCIAL) and not selectors.wants(user, "unknown")


def test_the_choice_made_at_registration_counts_until_changed(family):
    from registration.choices import MatchState, RegistrationStatus
    from registration.models import RegistrationRequest

    RegistrationRequest.objects.create(
        kind="member",
        match=MatchState.MATCHED,
        status=RegistrationStatus.VALIDATED,
        number=family.holder.membership_number,
        email=family.holder.email,
        commercial_opt_in=True,
        commercial_choice_at=timezone.now(),
        decided_at=timezone.now(),
        user=family.profile.user,
    )
    assert selectors.wants(family.profile.user, PreferenceCode.COMMERCIAL)
    state = next(s for s in selectors.preference_states(family.profile.user) if s.code == "commercial")
    assert state.enabled and state.source == PreferenceSource.REGISTRATION


def test_each_change_is_recorded_with_its_date_and_audited(family):
    user = family.profile.user
    family.client.post(PAGE, {"commercial": "on", "paperless": "on", "alert_new_document": "on"})
    assert selectors.wants(user, PreferenceCode.COMMERCIAL) and selectors.wants(user, PreferenceCode.PAPERLESS)
    assert not selectors.wants(user, PreferenceCode.ALERT_PAYMENT)  # left unchecked: turned off
    family.client.post(PAGE, {"paperless": "on", "alert_new_document": "on"})  # consent withdrawn
    assert not selectors.wants(user, PreferenceCode.COMMERCIAL)
    history = list(PreferenceChange.objects.filter(user=user, code="commercial").order_by("created_at", "pk"))
    assert [change.enabled for change in history] == [True, False]
    assert all(change.created_at and change.source == PreferenceSource.WEB for change in history)
    assert AuditEvent.objects.filter(action="preference.changed", data__code="commercial").count() == 2
    page = family.client.get(PAGE).content.decode()
    assert "History of my choices" in page and page.count("Commercial information from the insurer") >= 3


def test_saving_unchanged_preferences_records_nothing(family):
    defaults = {"alert_new_document": "on", "alert_payment": "on", "alert_claim_status": "on"}
    family.client.post(PAGE, defaults)
    family.client.post(PAGE, defaults)
    assert not PreferenceChange.objects.exists()


def test_the_one_click_link_unsubscribes_without_login(family):
    user = family.profile.user
    family.client.post(PAGE, {"commercial": "on"})
    url = unsubscribe_url(user, PreferenceCode.COMMERCIAL)
    assert url.startswith("http") and "/space/me/unsubscribe/" in url
    anonymous = Client()
    path = reverse("members:unsubscribe", args=[unsubscribe_token(user, PreferenceCode.COMMERCIAL)])
    response = anonymous.get(path)
    assert response.status_code == 200
    assert not selectors.wants(user, PreferenceCode.COMMERCIAL)
    change = PreferenceChange.objects.filter(user=user, code="commercial").first()
    assert (change.enabled, change.source) == (False, PreferenceSource.UNSUBSCRIBE_LINK)
    assert anonymous.post(path).status_code == 200  # RFC 8058 one-click POST, no CSRF token
    assert PreferenceChange.objects.filter(user=user, code="commercial", enabled=False).count() == 1


@pytest.mark.parametrize("token", ["nonsense", "x" * 10_000, "<script>"])
def test_a_bad_unsubscribe_link_is_refused(family, token):
    response = Client().get(reverse("members:unsubscribe", args=[token]))
    assert response.status_code in (400, 404) and not PreferenceChange.objects.exists()


def test_a_link_cannot_turn_off_what_it_was_not_made_for(family):
    token = unsubscribe_token(family.profile.user, PreferenceCode.PAPERLESS)
    assert Client().get(reverse("members:unsubscribe", args=[token])).status_code == 400
    tampered = unsubscribe_token(family.profile.user, PreferenceCode.COMMERCIAL)[:-2] + "xx"
    assert Client().get(reverse("members:unsubscribe", args=[tampered])).status_code == 400
    assert not PreferenceChange.objects.exists()
