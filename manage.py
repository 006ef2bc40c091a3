#!/usr/bin/env python
"""Django's command-line utility for OpenMutuelle."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    from django.core.management import execute_from_command_line

    from openmutuelle.startup import run_guarded

    run_guarded(lambda: execute_from_command_line(sys.argv))


if __name__ == "__main__":
    main()
