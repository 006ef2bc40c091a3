"""Benchmark: the 'password forgotten' answer time for a known and an unknown identifier (issue 16, item 5).

Run: ``.venv/bin/python benchmarks/reset_timing.py [--rounds 30]``.
Sets Django up on a temporary SQLite database with the production task backend (a database table), creates one
member, then posts the form ``rounds`` times for each identifier, interleaved, and prints both medians and their
difference. The lookup of the account and the email happen in the queued task, after the answer.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["VAR_DIR"] = str(Path(tmp) / "var")
        os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
        from accounts.tests.test_reset_timing import NO_LIMIT

        settings.PASSWORD_RESET_LIMITS = NO_LIMIT
        call_command("migrate", verbosity=0)
        from django.test import Client

        from accounts.choices import ProfileKind
        from accounts.tests import factories as f
        from accounts.tests.test_reset_timing import reset_medians
        from people.tests.factories import person

        member = f.profile(ProfileKind.MEMBER, person())
        known, unknown = reset_medians(Client(), member.person.membership_number, "1999999999", args.rounds)
        print(f"rounds per identifier: {args.rounds}")
        print(f"known identifier:   median {known:7.2f} ms")
        print(f"unknown identifier: median {unknown:7.2f} ms")
        print(f"difference:                {known - unknown:+7.2f} ms")


if __name__ == "__main__":
    main()
