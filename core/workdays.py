"""Working days: Monday to Friday except French public holidays (metropolitan calendar).

Shared by the deadlines the site announces (complaints, claims): an app counts in working days through here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))


@cache
def public_holidays(year: int) -> frozenset[date]:
    """New Year, Easter Monday, Labour Day, Victory Day, Ascension, Whit Monday, Bastille Day, Assumption,
    All Saints, Armistice, Christmas."""
    easter_sunday = easter(year)
    movable = {easter_sunday + timedelta(days=offset) for offset in (1, 39, 50)}
    return frozenset({date(year, month, day) for month, day in _FIXED_HOLIDAYS} | movable)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
