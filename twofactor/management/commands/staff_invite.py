"""``manage.py staff_invite USERNAME``: mail a staff login the link that sets up its second factor (issue 16).

For the first administrator of a new deployment, made with ``createsuperuser`` or the shell: no one can log in
to the back office yet to send it. A login whose app is on is reset first with ``--reset``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from twofactor import selectors, services


class Command(BaseCommand):
    help = "Mail a staff login the single-use link that sets up its two-factor authentication."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="remove the login's current second factor first")

    def handle(self, *args, username: str, reset: bool, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active login named {username}.")
        try:
            if reset and selectors.is_enabled(user=user):
                services.reset(actor=None, user=user)
            else:
                services.invitation_send(actor=None, user=user)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Invitation mailed to the address of {username}.")
