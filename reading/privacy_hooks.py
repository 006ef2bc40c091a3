"""What the reading app holds about a login (SPEC G2, G3): the bills uploaded first to pre-fill a claim and what
was read from them. Readings of supporting documents go with their document (the claims hook deletes those)."""

from __future__ import annotations

from privacy.hooks import ErasureOutcome, PrivacyHook, Subject, register
from reading.models import Reading


def _uploaded(subject: Subject):
    return Reading.objects.filter(profile__user=subject.user, document__isnull=True)


def export(subject: Subject) -> list | None:
    if subject.user is None:
        return None
    return [
        {"file": r.original_name, "uploaded_at": r.created_at, "status": r.status, "fields_read": r.fields}
        for r in _uploaded(subject).order_by("pk")
    ]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.user is None:
        return outcome
    readings = _uploaded(subject)
    outcome.files_to_delete += [name for name in readings.values_list("stored_name", flat=True) if name]
    outcome.add("bills_read", readings.delete()[0])
    return outcome


register(PrivacyHook(name="reading", export=export, erase=erase, order=31))
