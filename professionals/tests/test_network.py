"""The partner-network directory (SPEC M11): places, distance, specialty, pagination, rate limit."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from professionals import geo, selectors
from providers.choices import Specialty
from providers.models import TPAgreement
from registration.tests.helpers import professional

URL = reverse("network:search")


def test_places_are_found_by_name_or_postcode_whatever_the_spelling():
    assert geo.locate("69003").name == "Lyon"
    assert geo.locate("saint etienne").postcode == "42000"
    assert geo.locate("ST-ETIENNE").name == "Saint-Étienne"
    assert geo.locate("Lyon 69003").postcode == "69003"
    paris = geo.locate("PARIS")
    assert paris.postcode == "" and 48.85 < paris.latitude < 48.87 and 2.33 < paris.longitude < 2.36
    assert geo.locate("Saint-Denis").postcode == "93200"
    assert geo.locate("Saint-Denis 97400").latitude < 0
    assert geo.locate("Atlantis") is None and geo.locate("99999") is None and geo.locate("") is None


def test_the_haversine_distance_is_right():
    assert geo.distance_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(391.5, abs=0.5)  # Paris - Lyon
    south, north, west, east = geo.bounding_box(48.85, 2.35, 10)
    assert geo.distance_km(48.85, 2.35, north, 2.35) == pytest.approx(10, rel=1e-3)
    assert geo.distance_km(48.85, 2.35, 48.85, east) >= 10 and west < 2.35 < east and south < 48.85


def _pro(name, specialty, latitude, longitude, partner=True):
    return professional(
        name=name,
        specialty=specialty,
        latitude=latitude,
        longitude=longitude,
        is_partner_network=partner,
        address_line1="1 rue de la Paix",
        postal_code="69003",
        city="Lyon",
    )


@pytest.fixture
def lyon(db):
    return {
        "near": _pro("Dr Près", Specialty.DENTISTRY, 45.7600, 4.8530),  # ~0.1 km from Lyon 3e
        "mid": _pro("Dr Milieu", Specialty.DENTISTRY, 45.7719, 4.8902),  # Villeurbanne, ~3 km
        "far": _pro("Dr Loin", Specialty.DENTISTRY, 45.4397, 4.3872),  # Saint-Étienne, ~50 km
        "gp": _pro("Dr Généraliste", Specialty.GENERAL_PRACTICE, 45.7610, 4.8540),
        "outside": _pro("Dr Hors réseau", Specialty.DENTISTRY, 45.7601, 4.8531, partner=False),
    }


@pytest.mark.django_db
def test_results_are_the_partners_of_the_specialty_nearest_first_within_the_radius(lyon):
    origin = geo.locate("69003")
    rows = list(
        selectors.network_search(
            latitude=origin.latitude, longitude=origin.longitude, radius_km=10, specialty=Specialty.DENTISTRY
        )
    )
    assert [row.name for row in rows] == ["Dr Près", "Dr Milieu"]
    assert rows[0].distance < 0.5 and 2 < rows[1].distance < 4
    wide = selectors.network_search(latitude=origin.latitude, longitude=origin.longitude, radius_km=100, specialty="")
    assert [row.name for row in wide][-1] == "Dr Loin" and wide.count() == 4


@pytest.mark.django_db
def test_a_professional_whose_agreement_ended_is_not_listed(lyon):
    TPAgreement.objects.filter(professional=lyon["near"]).update(end_date=date(2021, 1, 1))
    origin = geo.locate("69003")
    rows = selectors.network_search(latitude=origin.latitude, longitude=origin.longitude, radius_km=10, specialty="")
    assert "Dr Près" not in [row.name for row in rows]


@pytest.mark.django_db
def test_the_page_searches_by_place_or_position_with_km_shown(lyon):
    client = Client()
    page = client.get(URL, {"specialty": "dentistry", "place": "Lyon 69003", "radius": "10"})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Dr Près") < text.index("Dr Milieu") and "Dr Loin" not in text and "Dr Hors réseau" not in text
    assert "0.1 km" in text and "2 professionals within 10 km of Lyon (69003)" in text
    here = client.get(URL, {"specialty": "dentistry", "latitude": "45.4397", "longitude": "4.3872", "radius": "5"})
    assert "Dr Loin" in here.content.decode() and "Dr Près" not in here.content.decode()


@pytest.mark.django_db
def test_bad_input_is_a_form_error(lyon):
    client = Client()
    unknown = client.get(URL, {"place": "Atlantis"})
    assert unknown.status_code == 400 and "We do not know this place" in unknown.content.decode()
    for params in ({"place": "Lyon", "radius": "7"}, {"latitude": "95", "longitude": "2"}, {"specialty": "magic"}):
        assert client.get(URL, params).status_code == 400
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_the_search_is_paginated_with_bounded_queries(db):
    for n in range(25):
        _pro(f"Dr Numéro {n:02d}", Specialty.DENTISTRY, 45.76 + n / 1000, 4.853)
    client = Client()
    params = {"specialty": "dentistry", "place": "69003", "radius": "25"}
    with CaptureQueriesContext(connection) as first:
        page1 = client.get(URL, params).content.decode()
    with CaptureQueriesContext(connection) as third:
        page3 = client.get(URL, {**params, "page": 3}).content.decode()
    assert "Dr Numéro 00" in page1 and "Dr Numéro 10" not in page1 and "Dr Numéro 24" in page3
    assert len(first) == len(third) <= 4
    assert "page=2" in page1 and "specialty=dentistry" in page1


@pytest.mark.django_db
def test_searches_are_rate_limited_per_address(lyon, settings):
    settings.PROFESSIONALS_LIMITS = {"network_address": (2, 600)}
    client = Client()
    for _ in range(2):
        assert client.get(URL, {"place": "Lyon"}).status_code == 200
    throttled = client.get(URL, {"place": "Lyon"})
    assert throttled.status_code == 429 and "Too many searches" in throttled.content.decode()
    assert "Dr Près" not in throttled.content.decode()
