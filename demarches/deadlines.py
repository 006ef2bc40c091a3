"""Complaint deadlines (DOMAIN: acknowledged within 10 working days, answered within 2 months).

Working days are Monday to Friday except French public holidays (metropolitan calendar, ``core.workdays``).
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from core.workdays import add_working_days, is_working_day, public_holidays

ACKNOWLEDGE_WORKING_DAYS = 10
ANSWER_MONTHS = 2
__all__ = ["add_working_days", "complaint_deadlines", "is_working_day", "public_holidays"]


def complaint_deadlines(received_on: date) -> tuple[date, date]:
    """(acknowledge by, answer by) for a complaint received on ``received_on``."""
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS), received_on + relativedelta(months=ANSWER_MONTHS)
