"""The request kinds on their own: what their forms store, and what their appliers refuse."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from stdnum.fr import nir

from demarches import kind_forms, kinds
from members import request_kinds
from members.tests.conftest import IBAN, fake_request
from people.models import BankAccount, ReferenceSalary

pytestmark = pytest.mark.django_db

CODES = ["civil_status_change", "iban_change", "reference_salary_change", "beneficiary_add", "beneficiary_remove"]


@pytest.mark.parametrize("code", [*CODES, "death_beneficiary"])
def test_each_kind_shows_a_stored_payload_with_its_labels(code):
    kind = kinds.get(code)
    rows = kind_forms.payload_rows(kind, {"last_name": "Durand", "clause_type": "standard", "iban_masked": "FR76"})
    assert isinstance(rows, list)
    assert kind_forms.field_descriptions(kind)


def test_the_iban_is_sealed_in_the_payload_and_validates_again():
    form = request_kinds.IbanChangeForm({"holder_name": "Anne Durand", "iban": "fr76 3000 6000 0112 3456 7890 189"})
    assert form.is_valid(), form.errors
    payload = kind_forms.payload_from(form.cleaned_data)
    assert IBAN not in json.dumps(payload) and payload["iban_masked"] == "FR76 •••• •••• 0189"
    again = request_kinds.IbanChangeForm(payload)
    assert again.is_valid() and request_kinds.unseal_iban(again.cleaned_data["iban"]) == IBAN


def test_the_iban_applier_refuses_a_forged_value(family, staff_user):
    forged = request_kinds.SEALED_PREFIX + "not-a-token"
    with pytest.raises(ValidationError):
        request_kinds.apply_iban_change(
            request=fake_request(person=family.holder, iban=forged, holder_name="Anne"), actor=staff_user
        )
    assert not BankAccount.objects.exists()


def test_the_salary_applier_refuses_a_person_without_welfare_cover(family, staff_user):
    with pytest.raises(ValidationError):
        request_kinds.apply_reference_salary(
            request=fake_request(person=family.holder, amount="30000.00", effective_date="2025-01-01"),
            actor=staff_user,
        )
    assert not ReferenceSalary.objects.exists()


def test_the_civil_status_applier_refuses_a_birth_date_the_nir_contradicts(family, staff_user):
    type(family.holder).objects.filter(pk=family.holder.pk).update(sex="F")
    family.holder.refresh_from_db()
    family.holder.nir = "2800575123456"
    family.holder.nir += nir.calc_check_digits(family.holder.nir)
    family.holder.save()
    payload = {"last_name": "Durand", "first_name": "Anne", "birth_date": "1981-05-17", "nationality": "FR"}
    with pytest.raises(ValidationError) as refused:
        request_kinds.apply_civil_status(request=fake_request(person=family.holder, **payload), actor=staff_user)
    assert "birth_date" in refused.value.message_dict
    family.holder.refresh_from_db()
    assert family.holder.birth_date == date(1980, 5, 17)


def test_an_applier_needs_a_subject(staff_user):
    with pytest.raises(ValidationError):
        request_kinds.apply_beneficiary_add(request=fake_request(person=None), actor=staff_user)


def test_kind_forms_without_a_profile_accept_no_record(family):
    form = request_kinds.BeneficiaryAddForm(
        {
            "contract": str(family.contract.public_id),
            "last_name": "A",
            "first_name": "B",
            "birth_date": "2020-01-01",
            "role": "child",
            "start_date": "2022-01-01",
        }
    )
    assert not form.is_valid() and "contract" in form.errors
    scoped = request_kinds.BeneficiaryAddForm(form.data, profile=family.profile)
    assert scoped.is_valid(), scoped.errors
