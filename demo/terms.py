"""The first version of the terms of use, published with the demo insurer."""

from __future__ import annotations

from pathlib import Path

from content.models import TermsVersion
from content.services import terms_publish

DATA = Path(__file__).resolve().parent / "data"
VERSION = "2026.1"


def terms_ensure() -> int:
    """Publish the initial terms unless a version exists; returns how many were published (0 or 1)."""
    if TermsVersion.objects.exists():
        return 0
    terms_publish(
        actor=None,
        version=VERSION,
        title_fr="Conditions générales d'utilisation des services en ligne",
        title_en="General terms of use of the online services",
        body_fr=(DATA / "terms-fr.txt").read_text(encoding="utf-8"),
        body_en=(DATA / "terms-en.txt").read_text(encoding="utf-8"),
    )
    return 1
