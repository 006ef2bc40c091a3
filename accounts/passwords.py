"""Password rules after the CNIL's 2022 recommendation: long, not common, strong enough, throttled."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn


class ZxcvbnValidator:
    """Refuses passwords an attacker would guess quickly (zxcvbn score below ``min_score``)."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        inputs = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")]
        result = zxcvbn(password[:72], user_inputs=[value for value in inputs if value])
        if result["score"] < self.min_score:
            raise ValidationError(
                _("This password is too easy to guess. Add words or characters that are not obvious."),
                code="password_too_weak",
            )

    def get_help_text(self) -> str:
        return _("Your password must be hard to guess: a few unrelated words work well.")


class MaximumLengthValidator:
    """Long passphrases are welcome (64+ characters); only absurd lengths are refused."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("Your password may have at most %(max)d characters."),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password may have up to %(max)d characters.") % {"max": self.max_length}


def strength(password: str) -> int:
    """0–4, shown by the strength meter."""
    return zxcvbn(password[:72])["score"] if password else 0
