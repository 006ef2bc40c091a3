"""``manage.py seed_demo``: a realistic demo insurer with ready logins, listed in ``var/demo-accounts.json``."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.accounts import (
    ACCOUNTS_FILE_NAME,
    accounts_file_write,
    accounts_table,
    invitation_links_read,
    logins_ensure,
    staff_invitations_send,
)
from demo.builders import demo_build, demo_present
from openmutuelle.config import ConfigError


class Command(BaseCommand):
    help = "Build the demo insurer (once) and write the demo logins to var/demo-accounts.json."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:  # staff logins with passwords from the source
            raise ConfigError("seed_demo creates logins with known passwords: refused when DJANGO_ENV=production.")
        started = time.perf_counter()
        if demo_present():
            with transaction.atomic():
                created = logins_ensure()
            self.stdout.write(f"The demo insurer is already there; {created} missing login(s) created.")
        else:
            stats = demo_build(today=timezone.localdate())
            summary = ", ".join(f"{count} {name}" for name, count in sorted(stats.items()))
            self.stdout.write(
                self.style.SUCCESS(f"Demo insurer built in {time.perf_counter() - started:.1f} s: {summary}.")
            )
        path = settings.VAR_DIR / ACCOUNTS_FILE_NAME
        with transaction.atomic():
            invitations = staff_invitations_send(invitation_links_read(path))
        document = accounts_file_write(path, invitations)
        self.stdout.write(accounts_table(document))
        self.stdout.write(f"\nLogins and records to register with: {path}")
