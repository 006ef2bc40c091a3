"""The retention of personal data (SPEC G3): the people whose last relation ended more than
``DATA_RETENTION_MONTHS`` ago and who have nothing open are anonymised through the domains' erase hooks, and the
copies of answered exports are deleted once no longer downloadable. Run by ``manage.py retention_purge``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import record
from people.models import Person
from privacy.hooks import Subject, all_hooks
from privacy.models import PrivacyRequest
from privacy.services import _delete_files, erasure_execute


def retention_months() -> int:
    """How long personal data is kept after the last contract ends (``DATA_RETENTION_MONTHS``, SPEC G3)."""
    return int(settings.DATA_RETENTION_MONTHS)


@dataclass
class PurgeReport:
    cutoff: date
    candidates: int = 0
    anonymised: int = 0
    skipped_open: list[str] = field(default_factory=list)
    erased: dict[str, int] = field(default_factory=dict)
    would_anonymise: list[str] = field(default_factory=list)


def retention_purge(*, today: date, dry_run: bool) -> PurgeReport:
    """Anonymise the people whose last relation ended more than the retention period ago and who have nothing open.

    Already anonymised people are skipped, so a second run does nothing; each person is one transaction.
    """
    from contracts.privacy_hooks import ended_before
    from people.privacy_hooks import is_anonymised

    cutoff = today - relativedelta(months=retention_months())
    report = PurgeReport(cutoff=cutoff)
    for person in Person.objects.filter(pk__in=ended_before(cutoff)).order_by("pk"):
        if is_anonymised(person):
            continue
        report.candidates += 1
        if _open_matters(person):
            report.skipped_open.append(person.membership_number or str(person.public_id))
            continue
        if dry_run:
            report.would_anonymise.append(person.membership_number or str(person.public_id))
            continue
        for user in _logins_of(person) or [None]:
            outcome = erasure_execute(actor=None, subject=Subject(user=user, person=person), full=True)
            for code, count in outcome["erased"].items():
                report.erased[code] = report.erased.get(code, 0) + count
        report.anonymised += 1
    if not dry_run and report.anonymised:
        with transaction.atomic():
            record(
                actor=None,
                action="privacy.retention_purged",
                data={"cutoff": cutoff, "anonymised": report.anonymised, "erased": report.erased},
            )
    return report


def exports_expired_delete(*, dry_run: bool = False) -> int:
    """Delete the copies no longer downloadable: an answer's export is kept 30 days, not for ever."""
    expired = PrivacyRequest.objects.filter(export_expires_at__lt=timezone.now()).exclude(export_json_name="")
    if dry_run:
        return expired.count()
    count = 0
    for request in expired:
        with transaction.atomic():
            names = [request.export_json_name, request.export_pdf_name]
            request.export_json_name = request.export_pdf_name = ""
            request.save(update_fields=["export_json_name", "export_pdf_name", "updated_at"])
            record(actor=None, action="privacy_request.export_deleted", target=request)
            transaction.on_commit(lambda names=names: _delete_files([name for name in names if name]))
        count += 1
    return count


def _open_matters(person: Person) -> list[str]:
    matters = [m for hook in all_hooks() if hook.open_matters for m in hook.open_matters(person)]
    open_privacy = PrivacyRequest.objects.filter(person=person, closed_at__isnull=True)
    return matters + list(open_privacy.values_list("reference", flat=True))


def _logins_of(person: Person) -> list[User]:
    return list(User.objects.filter(profiles__person=person).distinct().order_by("pk"))
