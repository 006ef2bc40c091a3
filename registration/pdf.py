"""The activation-code letter, printed by staff and posted to the address on file (SECURITY.md, identity proofs)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from documents.pdf import render_pdf
from registration.models import ActivationLetter


def letter_pdf(letter: ActivationLetter) -> bytes:
    """The letter in the language of the registration, with the code, the number it works with and its end date."""
    context = {
        "letter": letter,
        "number": letter.registration.number,
        "activate_url": settings.PORTAL_URL + reverse("registration:activate"),
        "reference": str(letter.public_id)[:8].upper(),
    }
    return render_pdf("registration/pdf/activation_letter.html", context, language=letter.language)
