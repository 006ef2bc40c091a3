"""M1 personal information: what is applied at once (address, phone, IBAN for individual holders), what needs the
confirmation link (email) and what goes through a request (civil status, collective IBAN, reference salary)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD
from audit.models import AuditEvent
from demarches.models import Request
from demarches.services import request_validate
from members import selectors, services
from members.tests.conftest import IBAN, OTHER_IBAN, links_in, member_of, pdf
from members.tokens import PendingEmailChange
from people import selectors as people_selectors
from people.models import BankAccount, Person
from people.services import bank_account_add
from people.tests.factories import person

pytestmark = pytest.mark.django_db

PAGE = reverse("members:personal")
BANK = reverse("members:bank_account")


def contact(**changes):
    data = {
        "action": "contact",
        "address_line1": "12 avenue Foch",
        "address_line2": "",
        "postal_code": "75016",
        "city": "Paris",
        "country": "FR",
        "phone": "+44 20 7946 0958",
    }
    return {**data, **changes}


# --- Address and phone ------------------------------------------------------------------------------------


def test_address_and_phone_are_applied_at_once_audited_and_shown(family):
    response = family.client.post(PAGE, contact())
    assert response.status_code == 302
    family.holder.refresh_from_db()
    assert (family.holder.address_line1, family.holder.city) == ("12 avenue Foch", "Paris")
    assert family.holder.phone.as_e164 == "+442079460958"
    event = AuditEvent.objects.get(action="person.contact_updated")
    assert event.actor_id == family.profile.user.pk and set(event.data["fields"]) >= {"city", "phone"}
    assert "12 avenue Foch" not in str(event.data)
    page = family.client.get(PAGE).content.decode()
    assert "12 avenue Foch" in page and "+44" in page


def test_a_french_national_number_is_accepted_and_stored_internationally(family):
    family.client.post(PAGE, contact(phone="06 11 22 33 44"))
    family.holder.refresh_from_db()
    assert family.holder.phone.as_e164 == "+33611223344"


def test_an_unchanged_form_writes_nothing(family):
    family.client.post(PAGE, contact())
    family.client.post(PAGE, contact())
    assert AuditEvent.objects.filter(action="person.contact_updated").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("city", ""),
        ("city", "x" * 10_000),
        ("address_line1", "<script>alert(1)</script>"),
        ("phone", "12345"),
        ("phone", "not a phone"),
        ("postal_code", "ABCDE"),
        ("country", "XX"),
    ],
)
def test_bad_contact_input_gets_a_field_error_and_changes_nothing(family, field, value):
    response = family.client.post(PAGE, contact(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["contact_form"].errors
    family.holder.refresh_from_db()
    assert family.holder.city == "Lyon" and not AuditEvent.objects.filter(action="person.contact_updated").exists()


def test_an_unknown_action_is_a_bad_request(family):
    assert family.client.post(PAGE, {"action": "nir"}).status_code == 400


# --- Email ------------------------------------------------------------------------------------------------


def ask_email(family, capture, email="anne.new@example.org", password=None):
    with capture(execute=True):
        return family.client.post(PAGE, {"action": "email", "email": email, "password": password or PASSWORD})


def test_email_change_needs_the_link_sent_to_the_new_address(family, django_capture_on_commit_callbacks):
    old = family.holder.email
    response = ask_email(family, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    family.holder.refresh_from_db()
    assert family.holder.email == old  # nothing changes before the link is opened
    to_new = next(m for m in mail.outbox if m.to == ["anne.new@example.org"])
    to_old = next(m for m in mail.outbox if m.to == [old])
    assert "anne.new@example.org" in to_old.body and not links_in(to_old)
    link = links_in(to_new)[0]
    opened = client_for_anonymous().get(link[link.index("/space/") :])
    assert opened.status_code == 200
    family.holder.refresh_from_db()
    family.profile.user.refresh_from_db()
    assert family.holder.email == family.profile.user.email == "anne.new@example.org"
    assert AuditEvent.objects.filter(action="person.email_changed", data__login_updated=True).count() == 1
    assert client_for_anonymous().get(link[link.index("/space/") :]).status_code == 400  # used once


def client_for_anonymous():
    return Client()


def test_a_login_email_that_differs_from_the_record_is_left_alone(django_capture_on_commit_callbacks):
    holder = person()
    profile = member_of(holder, email="login@example.fr")
    pending = services.email_change_request(
        actor=profile.user, person=holder, new_email="new@example.fr", password=PASSWORD
    )
    assert services.email_change_confirm(token=pending.dumps()) is not None
    profile.user.refresh_from_db()
    holder.refresh_from_db()
    assert holder.email == "new@example.fr" and profile.user.email == "login@example.fr"


def test_a_tampered_link_is_refused(family, django_capture_on_commit_callbacks):
    ask_email(family, django_capture_on_commit_callbacks)
    link = links_in(next(m for m in mail.outbox if m.to == ["anne.new@example.org"]))[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = PendingEmailChange(
        str(family.profile.user.public_id), str(family.holder.public_id), family.holder.email, "thief@example.org"
    ).dumps()
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (tampered, forged.replace(":", ".", 1), "nonsense"):
        assert client_for_anonymous().get(reverse("members:email_confirm", args=[bad])).status_code == 400
    family.holder.refresh_from_db()
    assert family.holder.email != "thief@example.org" and not AuditEvent.objects.filter(action="person.email_changed")


def test_an_expired_link_is_refused(family):
    pending = PendingEmailChange(
        str(family.profile.user.public_id), str(family.holder.public_id), family.holder.email, "late@example.org"
    )
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 25 * 3600):
        token = pending.dumps()
    assert client_for_anonymous().get(reverse("members:email_confirm", args=[token])).status_code == 400
    family.holder.refresh_from_db()
    assert family.holder.email != "late@example.org"


@pytest.mark.parametrize("email", ["", "not-an-email", "<script>@example.org", "a" * 10_000 + "@example.org"])
def test_a_bad_email_gets_a_field_error(family, django_capture_on_commit_callbacks, email):
    response = ask_email(family, django_capture_on_commit_callbacks, email=email)
    assert response.status_code == 200 and "email" in response.context["email_form"].errors
    assert mail.outbox == []


def test_email_change_asks_the_password_again(family, django_capture_on_commit_callbacks):
    response = ask_email(family, django_capture_on_commit_callbacks, password="Wrong-password-123")
    assert "password" in response.context["email_form"].errors and mail.outbox == []


# --- Bank account -----------------------------------------------------------------------------------------


def change_iban(client, password=None, **fields):
    data = {"holder_name": "Anne Durand", "iban": IBAN, "bic": "", "password": password or PASSWORD, **fields}
    return client.post(BANK, data)


@pytest.fixture
def with_account(family):
    bank_account_add(
        actor=None, owner=family.holder, iban=OTHER_IBAN, holder_name="Anne Durand", valid_from=date(2022, 1, 1)
    )
    return family


def test_the_iban_is_shown_masked(with_account):
    page = with_account.client.get(PAGE).content.decode()
    assert "FR14 •••• •••• 2606" in page and OTHER_IBAN not in page and "20041010050500013" not in page


def test_iban_change_is_refused_without_the_right_password(with_account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = change_iban(with_account.client, password="Wrong-password-123")
    assert "password" in response.context["form"].errors
    assert BankAccount.objects.count() == 1 and mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("iban", "FR76 3000 6000 0112 3456 7890 188"),
        ("iban", ""),
        ("iban", "x" * 10_000),
        ("holder_name", "<script>alert(1)</script>"),
        ("holder_name", ""),
        ("bic", "NOTABIC!!"),
    ],
)
def test_a_bad_bank_account_gets_a_field_error_and_nothing_is_written(with_account, field, value):
    response = change_iban(with_account.client, **{field: value})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert BankAccount.objects.count() == 1


def test_iban_change_applies_at_once_and_tells_the_old_address(with_account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = change_iban(with_account.client)
    assert response.status_code == 302
    current = people_selectors.current_bank_account(with_account.holder)
    assert current.iban == IBAN and current.valid_from == timezone.localdate()
    assert BankAccount.objects.get(iban_last4="2606").valid_to == timezone.localdate() - timedelta(days=1)
    notice = mail.outbox[-1]
    assert notice.to == [with_account.holder.email] and "FR76 •••• •••• 0189" in notice.body and IBAN not in notice.body
    assert AuditEvent.objects.filter(action="bank_account.added").count() == 2
    assert "FR76 •••• •••• 0189" in with_account.client.get(PAGE).content.decode()


def test_a_second_change_the_same_day_takes_effect_the_next_day(with_account, django_capture_on_commit_callbacks):
    change_iban(with_account.client)
    response = change_iban(with_account.client, iban="DE89370400440532013000")
    assert response.status_code == 302
    assert people_selectors.current_bank_account(with_account.holder).iban == "DE89370400440532013000"


def test_wrong_passwords_are_throttled(with_account):
    for _ in range(5):
        change_iban(with_account.client, password="Wrong-password-123")
    response = change_iban(with_account.client)
    assert "password" in response.context["form"].errors and BankAccount.objects.count() == 1


def test_a_collective_only_member_changes_the_iban_through_a_request(
    welfare_member, staff_user, django_capture_on_commit_callbacks
):

    client = welfare_member.client
    assert "bank account statement" in client.get(BANK).content.decode()
    response = client.post(BANK, {"holder_name": "Jules Petit", "iban": IBAN, "password": PASSWORD})
    assert "attachments" in response.context["form"].errors and not Request.objects.exists()
    response = client.post(
        BANK,
        {"holder_name": "Jules Petit", "iban": IBAN, "password": PASSWORD, "attachments": [pdf()]},
    )
    assert response.status_code == 302
    request = Request.objects.get(kind="iban_change")
    assert request.subject_person == welfare_member.person and request.attachments.count() == 1
    assert IBAN not in str(request.payload) and request.payload["iban_masked"] == "FR76 •••• •••• 0189"
    assert not BankAccount.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        request_validate(actor=staff_user, request=request)
    assert people_selectors.current_bank_account(welfare_member.person).iban == IBAN
    notice = next(message for message in mail.outbox if "FR76 •••• •••• 0189" in message.body)
    assert notice.to == [welfare_member.person.email, welfare_member.profile.user.email]


# --- Confidential records ---------------------------------------------------------------------------------


def test_a_confidential_person_sees_no_data_and_changes_nothing(family):
    Person.objects.filter(pk=family.holder.pk).update(is_confidential=True)
    page = family.client.get(PAGE)
    assert page.status_code == 200 and "management centre" in page.content.decode()
    assert family.holder.last_name not in page.content.decode()
    assert family.client.post(PAGE, contact()).status_code == 404
    assert family.client.get(BANK).status_code == 404
    assert family.client.get(reverse("members:civil_status_request")).status_code == 404


# --- Civil status and reference salary (requests) ----------------------------------------------------------


def civil_status(**changes):
    data = {
        "civility": "MME",
        "last_name": "Durand-Roux",
        "birth_name": "Durand",
        "first_name": "Anne",
        "birth_date": "1980-05-17",
        "nationality": "FR",
    }
    return {**data, **changes}


def test_civil_status_is_read_only_and_changed_through_a_request(family, staff_user):

    url = reverse("members:civil_status_request")
    assert family.client.get(url).status_code == 200
    response = family.client.post(url, {**civil_status(), "attachments": [pdf()]})
    assert response.status_code == 302
    request = Request.objects.get(kind="civil_status_change")
    assert request.subject_person == family.holder and request.attachments.count() == 1
    family.holder.refresh_from_db()
    assert family.holder.last_name == "Durand"  # not before the insurer validates
    request_validate(actor=staff_user, request=request)
    family.holder.refresh_from_db()
    assert (family.holder.last_name, family.holder.birth_name) == ("Durand-Roux", "Durand")
    assert AuditEvent.objects.filter(action="person.civil_status_updated").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", (timezone.localdate() + timedelta(days=2)).isoformat()),
        ("last_name", ""),
        ("last_name", "x" * 10_000),
        ("first_name", "<script>alert(1)</script>"),
        ("nationality", "XX"),
    ],
)
def test_bad_civil_status_input_sends_nothing(family, field, value):

    response = family.client.post(
        reverse("members:civil_status_request"), {**civil_status(**{field: value}), "attachments": [pdf()]}
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Request.objects.exists()


def test_a_civil_status_request_needs_a_document_and_a_change(family):
    url = reverse("members:civil_status_request")
    response = family.client.post(url, civil_status())
    assert "attachments" in response.context["form"].errors
    unchanged = civil_status(civility="", last_name=family.holder.last_name, birth_name="", birth_date="1980-05-17")

    response = family.client.post(url, {**unchanged, "attachments": [pdf()]})
    assert response.context["form"].non_field_errors() and not Request.objects.exists()


def test_reference_salary_changes_through_a_request(welfare_member, staff_user):

    page = welfare_member.client.get(PAGE).content.decode()
    assert "Reference salary" in page
    url = reverse("members:reference_salary_request")
    response = welfare_member.client.post(
        url, {"amount": "42000.00", "effective_date": "2025-01-01", "attachments": [pdf()]}
    )
    assert response.status_code == 302
    request = Request.objects.get(kind="reference_salary_change")
    assert request.subject_contract == welfare_member.welfare
    request_validate(actor=staff_user, request=request)
    salary = selectors.current_reference_salary(welfare_member.person)
    assert (salary.amount, salary.effective_date) == (Decimal("42000.00"), date(2025, 1, 1))


@pytest.mark.parametrize("amount", ["", "-5", "0", "abc", "1" * 10_000])
def test_a_bad_reference_salary_sends_nothing(welfare_member, amount):

    response = welfare_member.client.post(
        reverse("members:reference_salary_request"),
        {"amount": amount, "effective_date": "2025-01-01", "attachments": [pdf()]},
    )
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert not Request.objects.exists()


def test_reference_salary_is_only_for_welfare_members(family):
    assert "Reference salary" not in family.client.get(PAGE).content.decode()
    assert family.client.get(reverse("members:reference_salary_request")).status_code == 404


def test_the_address_form_lands_at_the_top_where_the_message_is_and_a_failure_is_summed_up(family):
    """Issue 14: no post to a #fragment that scrolls the success message out of view; a failure heads the page."""
    page = family.client.get(PAGE).content.decode()
    assert f'action="{PAGE}"' in page and f'action="{PAGE}#' not in page
    saved = family.client.post(PAGE, contact(), follow=True)
    html = saved.content.decode()
    assert saved.redirect_chain[-1][0] == PAGE
    assert html.index('class="message message-success"') < html.index("<h1>")
    failed = family.client.post(PAGE, contact(city="")).content.decode()
    assert '<div class="error-summary" role="alert"' in failed
    assert '<a href="#id_city">Enter your town or city.</a>' in failed
