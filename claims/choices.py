"""Statuses, decisions and reasons of claims, and the one table of allowed status changes (SPEC C5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.choices import PractitionerSector


class ClaimStatus(models.TextChoices):
    """What the member sees (seed 002, art. 3): in progress, validated (wholly or partly), rejected."""

    IN_PROGRESS = "in_progress", _("In progress")
    VALIDATED = "validated", _("Validated")
    PARTIALLY_VALIDATED = "partially_validated", _("Partially validated")
    REJECTED = "rejected", _("Rejected")


class ClaimAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    REOPEN = "reopen", _("Examine again (a missing document was added)")
    REQUEST_ORIGINALS = "request_originals", _("Ask for the originals")
    DECIDE = "decide", _("Decide")
    MARK_PAID = "mark_paid", _("Record the payment")


DECIDED = (ClaimStatus.VALIDATED, ClaimStatus.PARTIALLY_VALIDATED, ClaimStatus.REJECTED)
PAYABLE = (ClaimStatus.VALIDATED, ClaimStatus.PARTIALLY_VALIDATED)

# The state machine, in one place: (status before, action) -> statuses the action may lead to.
# ``None`` is "no claim yet". Asking for the originals leaves the status as it is (SPEC C5).
TRANSITIONS: dict[tuple[str | None, str], frozenset[str]] = {
    (None, ClaimAction.SUBMIT): frozenset({ClaimStatus.IN_PROGRESS}),
    (ClaimStatus.IN_PROGRESS, ClaimAction.REQUEST_ORIGINALS): frozenset({ClaimStatus.IN_PROGRESS}),
    (ClaimStatus.VALIDATED, ClaimAction.REQUEST_ORIGINALS): frozenset({ClaimStatus.VALIDATED}),
    (ClaimStatus.PARTIALLY_VALIDATED, ClaimAction.REQUEST_ORIGINALS): frozenset({ClaimStatus.PARTIALLY_VALIDATED}),
    (ClaimStatus.REJECTED, ClaimAction.REQUEST_ORIGINALS): frozenset({ClaimStatus.REJECTED}),
    (ClaimStatus.IN_PROGRESS, ClaimAction.DECIDE): frozenset(DECIDED),
    (ClaimStatus.VALIDATED, ClaimAction.MARK_PAID): frozenset({ClaimStatus.VALIDATED}),
    (ClaimStatus.PARTIALLY_VALIDATED, ClaimAction.MARK_PAID): frozenset({ClaimStatus.PARTIALLY_VALIDATED}),
    # Issue 14: the member adds the document an item was refused for; an unpaid decided claim goes back to review.
    (ClaimStatus.PARTIALLY_VALIDATED, ClaimAction.REOPEN): frozenset({ClaimStatus.IN_PROGRESS}),
    (ClaimStatus.REJECTED, ClaimAction.REOPEN): frozenset({ClaimStatus.IN_PROGRESS}),
}


def allowed(current: str | None, action: str, target: str) -> bool:
    return target in TRANSITIONS.get((current, action), frozenset())


def actions_from(current: str | None) -> set[str]:
    return {action for (status, action) in TRANSITIONS if status == current}


class ItemDecision(models.TextChoices):
    PENDING = "pending", _("To be examined")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class RefusalReason(models.TextChoices):
    """Why a care item or a whole claim is refused (seed 002: documents lacking, illegible, inappropriate;
    expired rights), plus what the back office meets in practice."""

    MISSING_DOCUMENTS = "missing_documents", _("Supporting documents missing")
    ILLEGIBLE_DOCUMENTS = "illegible_documents", _("Supporting documents illegible")
    INAPPROPRIATE_DOCUMENTS = "inappropriate_documents", _("Supporting documents inappropriate or altered")
    EXPIRED_RIGHTS = "expired_rights", _("Rights not open on the date of care")
    NOT_COVERED = "not_covered", _("Care not covered by the contract")
    DUPLICATE = "duplicate", _("Already claimed")
    SERVICE_SUSPENDED = "service_suspended", _("Online claims service suspended")
    OTHER = "other", _("Other reason (see the comment)")


# An item refused for one of these reasons waits for a document: the member may add it from the claim's page.
AWAITING_DOCUMENT = (RefusalReason.MISSING_DOCUMENTS, RefusalReason.ILLEGIBLE_DOCUMENTS)

# The doctor's secteur staff read on the compulsory scheme's statement ("I don't know" is the member's answer in an
# estimate, not a fact staff record): a responsible contract pays a non-OPTAM secteur 2 doctor's fees at less.
STAFF_SECTORS = [(value, label) for value, label in PractitionerSector.choices if value != PractitionerSector.UNKNOWN]


class SuspensionReason(models.TextChoices):
    """Seed 002, art. 5: repeated non-compliance (legibility, integrity of documents), illicit or fraudulent use."""

    NON_COMPLIANT_DOCUMENTS = "non_compliant_documents", _("Repeatedly illegible or non-compliant documents")
    ALTERED_DOCUMENTS = "altered_documents", _("Altered or edited supporting documents")
    FRAUD = "fraud", _("Illicit or fraudulent use of the service")
    OTHER = "other", _("Other reason")


class DocumentType(models.TextChoices):
    """The real type of an upload, read from its content (never from its name)."""

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    HEIC = "heic", "HEIC"


class QualityWarning(models.TextChoices):
    """Shown to the member before submission; a warning, not a refusal (SPEC C3)."""

    TOO_SMALL = "too_small", _("The picture is small: the text may be hard to read.")
    BLURRED = "blurred", _("The picture looks blurred: the text may be hard to read.")
    NOT_CHECKED = "not_checked", _("The picture quality could not be checked.")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
