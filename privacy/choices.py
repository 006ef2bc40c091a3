"""Kinds and statuses of rights requests (SPEC G2), with the one table of allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RightKind(models.TextChoices):
    """The rights of GDPR articles 15 to 22, and the French "directives post mortem" (loi Informatique et Libertés,
    art. 85)."""

    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Erasure")
    PORTABILITY = "portability", _("Portability (machine-readable copy)")
    RESTRICTION = "restriction", _("Restriction of processing")
    OPPOSITION = "opposition", _("Objection to processing")
    POST_MORTEM = "post_mortem", _("Instructions for after my death")


EXPORT_KINDS = frozenset({RightKind.ACCESS, RightKind.PORTABILITY})


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_TO_CHECK = "identity_to_check", _("Identity to check")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")


# Every allowed move and only those; answered and refused are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.RECEIVED: frozenset({RequestStatus.IDENTITY_TO_CHECK, RequestStatus.IN_PROGRESS}),
    RequestStatus.IDENTITY_TO_CHECK: frozenset({RequestStatus.IN_PROGRESS, RequestStatus.REFUSED}),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.EXTENDED, RequestStatus.ANSWERED, RequestStatus.REFUSED}),
    RequestStatus.EXTENDED: frozenset({RequestStatus.ANSWERED, RequestStatus.REFUSED}),
    RequestStatus.ANSWERED: frozenset(),
    RequestStatus.REFUSED: frozenset(),
}
OPEN_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if targets)
FINAL_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


class IdentityMethod(models.TextChoices):
    IBAN_DIGITS = "iban_digits", _("Membership number and last 4 characters of my IBAN")
    DOCUMENT = "document", _("Identity document")


class RefusalReason(models.TextChoices):
    IDENTITY_NOT_CONFIRMED = "identity", _("Identity could not be confirmed")
    UNFOUNDED = "unfounded", _("Manifestly unfounded or excessive request (GDPR art. 12(5))")
    LEGAL_OBLIGATION = "legal_obligation", _("The law requires us to keep or process these data")
    OTHER = "other", _("Other reason, explained in the answer")
