"""The claims service's rules, each a setting with the default of seed 002 (SPEC: where documents disagree,
the rule is a setting). Read at call time so tests and deployments can change them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    "CLAIM_MAX_TOTAL_EUR": Decimal("500"),  # bills of less than 500 euros (seed 002, art. 3)
    "CLAIM_MAX_ITEMS": 10,  # up to 10 care items per claim
    "CLAIM_MAX_DOCUMENTS_PER_ITEM": 5,  # 1 to 5 supporting documents per item
    "CLAIM_MAX_AGE_DAYS": 730,  # care older than 2 years cannot be claimed
    "CLAIM_ORIGINALS_YEARS": 2,  # originals kept and demandable for 2 years
    "CLAIM_MAX_FILE_BYTES": 10 * 1024 * 1024,
    "CLAIM_MAX_PDF_PAGES": 10,
    "CLAIM_MAX_IMAGE_SIDE": 2000,  # images are downscaled so their longest side fits
    "CLAIM_MIN_IMAGE_SHORT_SIDE": 800,  # below: "too small" warning
    "CLAIM_BLUR_THRESHOLD": 100.0,  # edge-variance score below which a picture is "blurred" (see tests)
    "CLAIM_RATE_MAX_GAP_DAYS": 10,  # the last published rate may be this old (weekends, holidays)
    # The delays announced on a claim's timeline (issue 14), in working days (core.workdays: French public holidays
    # are not working days): decided within N working days of a complete claim (its submission or its last document
    # added), paid within M working days of the decision.
    "CLAIM_DECISION_WORKING_DAYS": 10,
    "CLAIM_PAYMENT_WORKING_DAYS": 3,
}


def get(name: str):
    value = getattr(settings, name, DEFAULTS[name])
    return Decimal(str(value)) if isinstance(DEFAULTS[name], Decimal) else value
