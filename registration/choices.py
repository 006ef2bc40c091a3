from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    """pending → validated | refused; a decided request never changes again."""

    PENDING = "pending", _("Pending")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")


class MatchState(models.TextChoices):
    """How a registration compared with the insurer's records (shown to staff only, never to the applicant)."""

    MATCHED = "matched", _("Every detail matches a record")
    MISMATCH = "mismatch", _("Number known, other details differ")
    REVIEW = "review", _("Details match; the record needs a manual check")
    BY_POST = "by_post", _("Details match; the email is not the one on file: activation code sent by post")
    HAS_ACCOUNT = "has_account", _("The record already has an account")
    UNKNOWN = "unknown", _("Number unknown")


class ProfessionalIdType(models.TextChoices):
    RPPS = "rpps", _("RPPS (11 digits)")
    ADELI = "adeli", _("ADELI (9 digits)")
    FINESS = "finess", _("FINESS (9 digits)")


class ClosureKind(models.TextChoices):
    SUSPEND = "suspend", _("Suspend my account")
    DELETE = "delete", _("Delete my account")


class ClosureStatus(models.TextChoices):
    """pending → approved | refused."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class LetterStatus(models.TextChoices):
    """to_post → posted → used; an open letter (to post or posted) may also be used or cancelled."""

    TO_POST = "to_post", _("To post")
    POSTED = "posted", _("Posted")
    USED = "used", _("Used")
    CANCELLED = "cancelled", _("Cancelled")
