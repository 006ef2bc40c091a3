"""Signed links the member space emails: confirm a new address, leave a mailing in one click.

Nothing is stored: the link carries what it proves, signed with the secret key under a
salt of its own, so a token made for one purpose is worthless for the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User

EMAIL_CHANGE_SALT = "members.email-change"
UNSUBSCRIBE_SALT = "members.unsubscribe"
EMAIL_CHANGE_MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class PendingEmailChange:
    """A change of address waiting for its confirmation link: who, from which address, to which."""

    user_id: str
    person_id: str
    old_email: str
    new_email: str

    def dumps(self) -> str:
        payload = {"u": self.user_id, "p": self.person_id, "o": self.old_email, "n": self.new_email}
        return signing.dumps(payload, salt=EMAIL_CHANGE_SALT)

    @classmethod
    def loads(cls, token: str) -> PendingEmailChange | None:
        """The change the token stands for, or None when it was tampered with or is older than 24 hours."""
        try:
            payload = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
        except signing.BadSignature:
            return None
        if not isinstance(payload, dict) or not all(isinstance(payload.get(key), str) for key in "upon"):
            return None
        return cls(user_id=payload["u"], person_id=payload["p"], old_email=payload["o"], new_email=payload["n"])

    @property
    def link(self) -> str:
        return settings.PORTAL_URL + reverse("members:email_confirm", args=[self.dumps()])


def unsubscribe_token(user: User, code: str) -> str:
    """A token that turns ``code`` off for ``user``; it does not expire, as emails are read late."""
    return signing.dumps({"u": str(user.public_id), "c": code}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_payload(token: str) -> tuple[str, str] | None:
    """(user public id, preference code), or None for a token not signed by us."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), str) or not isinstance(payload.get("c"), str):
        return None
    return payload["u"], payload["c"]


def unsubscribe_url(user: User, code: str) -> str:
    """The absolute one-click link every marketing email carries (SPEC M12), also for ``List-Unsubscribe``."""
    return settings.PORTAL_URL + reverse("members:unsubscribe", args=[unsubscribe_token(user, code)])
