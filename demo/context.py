"""What the demo builders share: seeded randomness, the reference date, the catalogue and numbering."""

from __future__ import annotations

import calendar
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from faker import Faker

from contracts.models import ExpatriationZone, Product, ZoneCountry
from demo.data import EMAIL_DOMAINS, FRENCH_CITIES, Destination
from people.services import Address

SEED = 2026


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


def ascii_slug(text: str) -> str:
    """``Éloïse Le Gall`` → ``eloise-le-gall``: e-mail local parts stay plain ASCII."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


@dataclass
class DemoContext:
    """The state every builder reads: it makes the whole demo a pure function of the seed and today."""

    today: date
    rng: Random = field(default_factory=lambda: Random(SEED))  # noqa: S311 - reproducible, not secret
    products: dict[str, Product] = field(default_factory=dict)
    zones: dict[str, ExpatriationZone] = field(default_factory=dict)
    zone_of_country: dict[str, str] = field(default_factory=dict)
    stats: Counter = field(default_factory=Counter)
    _fakers: dict[str, Faker] = field(default_factory=dict)
    _contract_seq: Counter = field(default_factory=Counter)

    def load_catalogue(self) -> None:
        self.products = {product.code: product for product in Product.objects.all()}
        self.zones = {zone.code: zone for zone in ExpatriationZone.objects.all()}
        self.zone_of_country = {
            entry.country.code: entry.zone.code for entry in ZoneCountry.objects.select_related("zone")
        }

    def fake(self, locale: str = "fr_FR") -> Faker:
        """One Faker per locale, each seeded, so names and streets are the same on every machine."""
        if locale not in self._fakers:
            self._fakers[locale] = Faker(locale)
            self._fakers[locale].seed_instance(SEED)
        return self._fakers[locale]

    def contract_number(self, prefix: str, effective_date: date) -> str:
        """``IND-2023-004512``: the insurer's format; demo sequences stay below 100000 (seed_scale's floor)."""
        self._contract_seq[prefix] += 1
        start = 4500 if prefix == "IND" else 80
        return f"{prefix}-{effective_date.year}-{start + self._contract_seq[prefix]:06d}"

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def birth_date(self, min_age: int, max_age: int) -> date:
        return self.days_ago(min_age * 365 + 1, max_age * 365 + 300)

    def french_address(self) -> tuple[Address, str]:
        """A French address and the department it is in (used as a plausible birthplace)."""
        city, postcode, department = self.rng.choice(FRENCH_CITIES)
        return Address(line1=self.fake().street_address(), postal_code=postcode, city=city), department

    def address_abroad(self, destination: Destination) -> Address:
        street = self.fake(destination.locale).street_address().replace("\n", ", ")
        return Address(
            line1=street[:120], postal_code=destination.postcode, city=destination.city, country=destination.country
        )

    def email(self, first_name: str, last_name: str) -> str:
        domain = self.rng.choice(EMAIL_DOMAINS)
        return f"{ascii_slug(first_name)}.{ascii_slug(last_name)}{self.rng.randint(1, 99)}@{domain}"

    def destination(self, destinations: tuple[Destination, ...]) -> Destination:
        return self.rng.choices(destinations, weights=[d.weight for d in destinations])[0]
