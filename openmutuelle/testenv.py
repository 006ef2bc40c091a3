"""Loaded by pytest before Django (``-p openmutuelle.testenv``): tests always run with the test settings."""

import os

os.environ.setdefault("DJANGO_ENV", "test")
