"""Places and distances for the partner-network directory (SPEC M11), without any online geocoding service.

``data/communes.csv`` holds the town-centre coordinates of the demo's cities, every Paris, Lyon and some Marseille
districts, the large French towns and the prefectures of the overseas departments (approximate to ~100 m). A place
is found by postcode ("69003"), by name ("saint etienne", accents, case and hyphens do not count) or by both
("Lyon 69003"). A name shared by distant towns (Saint-Denis) takes the first in the file unless a postcode says
otherwise; a city split in districts (Paris) takes the centre of its districts.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COMMUNES_FILE = Path(__file__).resolve().parent / "data" / "communes.csv"
EARTH_RADIUS_KM = 6371.0088
POSTCODE = re.compile(r"\b(\d{5}|2[AB]\d{3})\b", re.IGNORECASE)
SAME_CITY_KM = 15  # districts of one city lie within this distance of each other


@dataclass(frozen=True)
class Place:
    name: str
    postcode: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postcode})" if self.postcode else self.name


def normalise(text: str) -> str:
    """ "Saint-Étienne" = "saint etienne" = "ST ETIENNE": what a person types to name a town."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(word, word) for word in words)


@lru_cache(maxsize=1)
def communes() -> tuple[Place, ...]:
    with COMMUNES_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Place(row["name"], row["postcode"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for place in communes():
        index.setdefault(normalise(place.name), []).append(place)
    return index


def place_names() -> list[str]:
    """The town names the directory knows, for the form's suggestions."""
    return sorted({place.name for place in communes()}, key=normalise)


def _city(places: list[Place]) -> Place:
    first = places[0]
    nearby = [place for place in places if distance_km(first.latitude, first.longitude, *_at(place)) <= SAME_CITY_KM]
    if len(nearby) == 1:
        return first
    latitude = sum(place.latitude for place in nearby) / len(nearby)
    longitude = sum(place.longitude for place in nearby) / len(nearby)
    return Place(first.name, "", round(latitude, 5), round(longitude, 5))


def _at(place: Place) -> tuple[float, float]:
    return place.latitude, place.longitude


def locate(text: str) -> Place | None:
    """The place a commune name and/or postcode names; None when the directory does not know it."""
    text = (text or "").strip()[:120]
    code = POSTCODE.search(text)
    name = normalise(POSTCODE.sub(" ", text))
    if code:
        matches = [place for place in communes() if place.postcode == code.group(1).upper()]
        if name:
            matches = [place for place in matches if normalise(place.name) == name] or matches
        if matches:
            return matches[0]
        return None
    places = _by_name().get(name)
    return _city(places) if places else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine) between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east): a box holding every point within ``radius_km``, for an indexed prefilter."""
    angle = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    ratio = math.sin(angle) / max(math.cos(math.radians(latitude)), 1e-6)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))  # the widest point of the circle, not its parallel
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon
