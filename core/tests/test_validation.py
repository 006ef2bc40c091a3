"""Rows validated in Python without a query; the database's refusals told in full_clean's words (issue 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum import luhn

from accounts.tests import factories as f
from claims.choices import SuspensionReason
from claims.models import ClaimsSuspension
from core.validation import constraint_errors, validate_row
from people.tests.factories import person
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional, TPAgreement
from providers.services import professional_create

pytestmark = pytest.mark.django_db
RPPS = "1000234567" + luhn.calc_check_digit("1000234567")


def practitioner(**fields) -> HealthProfessional:
    values = {"kind": ProfessionalKind.PRACTITIONER, "name": "Dr Morel", "specialty": Specialty.GENERAL_PRACTICE}
    return HealthProfessional(**{**values, "rpps": RPPS, **fields})


def create(name: str = "Dr Morel") -> HealthProfessional:
    kind, specialty = ProfessionalKind.PRACTITIONER, Specialty.GENERAL_PRACTICE
    return professional_create(actor=None, kind=kind, name=name, specialty=specialty, rpps=RPPS)


def suspension(who, by, **fields) -> ClaimsSuspension:
    values = {"reason": SuspensionReason.FRAUD, "explanation": "Checks.", "starts_at": timezone.now()}
    return ClaimsSuspension(person=who, suspended_by=by, **{**values, **fields})


def test_a_row_with_unique_fields_and_constraints_is_validated_without_a_query(django_assert_num_queries):
    saved = create()
    agreement = TPAgreement(professional=saved, number="TP12345678", start_date=timezone.localdate())
    who, by = person(), f.user()
    with django_assert_num_queries(0):
        validate_row(practitioner(rpps=RPPS))  # a duplicate: the database will say so
        validate_row(agreement)
        validate_row(suspension(who, by))


def test_field_and_check_rules_are_still_checked_in_python(django_assert_num_queries):
    who, by = person(), f.user()
    now = timezone.now()
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        validate_row(suspension(who, by, reason="nonsense", explanation="", lifted_at=now - timedelta(days=1)))
    assert {"reason", "explanation", NON_FIELD_ERRORS} <= set(error.value.message_dict)


def test_a_duplicate_refused_by_the_database_gets_full_clean_s_message():
    kept = create("Dr A")
    twin = practitioner(name="Dr B")
    with pytest.raises(ValidationError) as expected:
        twin.full_clean()
    with pytest.raises(ValidationError) as error, transaction.atomic():
        create("Dr B")
    assert error.value.message_dict == {"rpps": expected.value.message_dict["rpps"]}
    assert list(HealthProfessional.objects.all()) == [kept]


def test_a_conditional_unique_constraint_and_a_check_keep_their_own_messages():
    who, by = person(), f.user()
    suspension(who, by).save()
    with pytest.raises(ValidationError) as duplicate, transaction.atomic(), constraint_errors(ClaimsSuspension):
        suspension(who, by).save()
    assert duplicate.value.messages == ["This member's claims service is already suspended."]
    ended_before = suspension(person(), by, lifted_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError) as broken, transaction.atomic(), constraint_errors(ended_before):
        ended_before.save()
    assert broken.value.messages == [ClaimsSuspension._meta.constraints[1].get_violation_error_message()]


def test_a_refusal_on_another_table_stays_an_integrity_error():
    create("Dr A")
    with pytest.raises(IntegrityError), transaction.atomic(), constraint_errors(ClaimsSuspension):
        practitioner().save()
