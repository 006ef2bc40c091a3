"""Complaint deadlines (DOMAIN: acknowledged within 10 working days, answered within 2 months).

Working days are Monday to Friday except French public holidays (metropolitan calendar).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

ACKNOWLEDGE_WORKING_DAYS = 10
ANSWER_MONTHS = 2
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


def complaint_deadlines(received_on: date) -> tuple[date, date]:
    """(acknowledge by, answer by) for a complaint received on ``received_on``."""
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS), received_on + relativedelta(months=ANSWER_MONTHS)
