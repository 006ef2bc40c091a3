"""Authentication by username or membership number, with progressive delays between failures."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts import throttling
from accounts.identifiers import user_for_identifier
from accounts.models import User


class ThrottleBackend:
    """First in the chain: while an identifier must wait, or its address is over its limit, no password is checked."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if throttling.login_refused(request, username):
            raise PermissionDenied  # stops the chain; the login page answers as for a wrong password
        return None

    def get_user(self, user_id):
        return None


class IdentifierBackend(ModelBackend):
    """Log in with the username or with a membership number (SPEC A5)."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if not username or password is None:
            return None
        user = user_for_identifier(username)
        if user is None:
            User().set_password(password)  # same time spent for an unknown identifier
            return None
        if user.check_password(password) and self.user_can_authenticate(user) and not user.temporary_password_expired:
            return user
        return None
