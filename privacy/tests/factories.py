"""Builders for the privacy tests: a family with a login and a bank account, requests at any step."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.choices import ProfileKind
from accounts.models import Profile
from accounts.tests import factories as f
from contracts.tests import factories as cf
from people.models import BankAccount, Person
from people.tests.factories import dependant, person
from privacy.choices import IdentityMethod, RequestStatus, RightKind
from privacy.models import PrivacyRequest, PrivacyRequestEvent, PrivacyRequestSequence
from privacy.services import due_date

IBAN = "FR7630006000011234567890189"
OTHER_IBAN = "FR1420041010050500013M02606"


def png_bytes() -> bytes:
    """A real (tiny) PNG: uploads are checked by their content, not by their first bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Family:
    holder: Person
    profile: Profile
    contract: object
    child: Person


def family(
    *,
    iban: str | None = IBAN,
    language: str = "en",
    ended: date | None = None,
    child_fields: dict | None = None,
    **person_fields,
) -> Family:
    """A holder with an individual contract, a covered child, a member login and (unless ``iban=None``) an account."""
    holder = person(**person_fields)
    contract = cf.individual_contract(holder, **({"end_date": ended} if ended else {}))
    principal = contract.affiliations.get()
    if ended:
        principal.end_date = ended
        principal.save()
    child_fields = child_fields or {"first_name": "Léa", "birth_date": date(2015, 3, 2)}
    child = cf.dependant_of(principal, dependant(**child_fields), end_date=ended)
    account = f.user(language=language, email=holder.email, first_name=holder.first_name, last_name=holder.last_name)
    profile = f.profile(ProfileKind.MEMBER, holder, account=account)
    if iban:
        BankAccount.objects.create(
            person=holder, holder_name=holder.full_name, iban=iban, iban_last4=iban[-4:], valid_from=date(2022, 1, 1)
        )
    return Family(holder=holder, profile=profile, contract=contract, child=child)


def privacy_request(
    profile: Profile,
    *,
    kind: str = RightKind.ACCESS,
    status: str = RequestStatus.IN_PROGRESS,
    received_on: date | None = None,
) -> PrivacyRequest:
    """A request written directly at a given step (services are tested on their own)."""
    received_on = received_on or timezone.localdate()
    year = received_on.year
    closed = status in (RequestStatus.ANSWERED, RequestStatus.REFUSED)
    with transaction.atomic():  # the yearly sequence is locked (select_for_update) until the request exists
        return _privacy_request_create(profile, kind, status, received_on, year, closed)


def _privacy_request_create(profile, kind, status, received_on, year, closed) -> PrivacyRequest:
    request = PrivacyRequest.objects.create(
        reference=f"DPR-{year}-{PrivacyRequestSequence.take_next(year):06d}",
        kind=kind,
        user=profile.user,
        profile=profile,
        person=profile.person,
        status=status,
        identity_method=IdentityMethod.IBAN_DIGITS,
        identity_verified_at=timezone.now(),
        received_on=received_on,
        due_on=due_date(received_on),
        closed_at=timezone.now() if closed else None,
        refusal_reason="other" if status == RequestStatus.REFUSED else "",
        idempotency_key=uuid.uuid4().hex,
    )
    PrivacyRequestEvent.objects.create(request=request, to_status=status)
    return request
