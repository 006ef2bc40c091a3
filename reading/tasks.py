"""Background reading of bills (run by the task worker; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from jobs.policy import timeout
from reading.services import reading_run


@task()
def read_bill(reading_id: str) -> None:
    """Extract and understand one bill; idempotent (a reading already done is not redone)."""
    reading_run(reading_id=reading_id)


@timeout(900)
@task()
def read_bills(reading_ids: list[str]) -> None:
    """The supporting documents of one submission, read one after the other (each time-boxed by the OCR)."""
    for reading_id in reading_ids:
        reading_run(reading_id=reading_id)
