"""Services of health professionals and their third-party-payment agreements."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum import luhn

from audit.models import AuditEvent
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional, TPAgreement
from providers.services import agreement_create, professional_create

pytestmark = pytest.mark.django_db

RPPS = "1000234567" + luhn.calc_check_digit("1000234567")
FINESS = "75010020" + luhn.calc_check_digit("75010020")


@contextmanager
def nothing_written():
    models = (HealthProfessional, TPAgreement, AuditEvent)
    before = [model.objects.count() for model in models]
    yield
    assert [model.objects.count() for model in models] == before


def a_practitioner(**fields) -> HealthProfessional:
    values = {
        "kind": ProfessionalKind.PRACTITIONER,
        "name": "Dr Claire Morel",
        "specialty": Specialty.GENERAL_PRACTICE,
        "rpps": RPPS,
    }
    return professional_create(actor=None, **{**values, **fields})


def test_professional_create_practitioner_with_coordinates():
    professional = a_practitioner(latitude=48.859123456, longitude=2.38, is_partner_network=True)
    professional.refresh_from_db()
    assert professional.identifier == RPPS
    assert professional.latitude == Decimal("48.85912")
    assert (professional.adeli, professional.finess) == (None, None)
    assert AuditEvent.objects.get(action="professional.created").data["identifier"] == RPPS


def test_professional_create_facility_and_adeli_practitioner():
    facility = professional_create(
        actor=None, kind=ProfessionalKind.FACILITY, name="Pharmacie", specialty=Specialty.PHARMACY, finess=FINESS
    )
    osteopath = a_practitioner(rpps="", adeli="759612345", specialty=Specialty.OSTEOPATHY)
    assert (facility.identifier, osteopath.identifier) == (FINESS, "759612345")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rpps": RPPS[:-1] + str((int(RPPS[-1]) + 1) % 10)}, "rpps"),
        ({"rpps": "123"}, "rpps"),
        ({"rpps": "", "finess": FINESS}, "finess"),
        ({"kind": ProfessionalKind.FACILITY, "specialty": Specialty.PHARMACY}, "rpps"),
        ({"specialty": "astrology"}, "specialty"),
        ({"phone": "12"}, "phone"),
    ],
)
def test_professional_create_refuses_bad_input(fields, field):
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        a_practitioner(**fields)
    assert field in excinfo.value.message_dict


def test_a_practitioner_needs_an_identifier():
    with nothing_written(), pytest.raises(ValidationError) as excinfo, translation.override("en"):
        a_practitioner(rpps="")
    assert excinfo.value.messages == ["A practitioner needs an RPPS or ADELI number; a facility a FINESS number."]


def test_a_facility_needs_a_valid_finess():
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        professional_create(
            actor=None, kind=ProfessionalKind.FACILITY, name="Labo", specialty=Specialty.LABORATORY, finess="750100201"
        )
    assert "finess" in excinfo.value.message_dict


def test_rpps_is_unique():
    a_practitioner()
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        a_practitioner(name="Dr Other")
    assert "rpps" in excinfo.value.message_dict


def test_agreement_create():
    professional = a_practitioner()
    agreement = agreement_create(
        actor=None, professional=professional, number="TP75010000", start_date=date(2022, 1, 1)
    )
    assert agreement.professional == professional
    assert AuditEvent.objects.get(action="agreement.created").data["number"] == "TP75010000"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": "75010000"}, "number"),
        ({"number": "TP7501000"}, "number"),
        ({"end_date": date(2021, 12, 31)}, "__all__"),
    ],
)
def test_agreement_create_refuses_bad_input(fields, field):
    professional = a_practitioner()
    values = {"number": "TP75010000", "start_date": date(2022, 1, 1)}
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        agreement_create(actor=None, professional=professional, **{**values, **fields})
    assert field in excinfo.value.message_dict


def test_one_agreement_in_force_at_a_time_and_numbers_are_unique():
    professional = a_practitioner()
    agreement_create(
        actor=None,
        professional=professional,
        number="TP75010000",
        start_date=date(2020, 1, 1),
        end_date=date(2022, 12, 31),
    )
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        agreement_create(actor=None, professional=professional, number="TP75010001", start_date=date(2022, 6, 1))
    assert "start_date" in excinfo.value.message_dict
    agreement_create(actor=None, professional=professional, number="TP75010001", start_date=date(2023, 1, 1))
    other = a_practitioner(rpps="", adeli="759612345")
    with nothing_written(), pytest.raises(ValidationError) as excinfo:
        agreement_create(actor=None, professional=other, number="TP75010001", start_date=date(2023, 1, 1))
    assert "number" in excinfo.value.message_dict
