"""WSGI entry point (gunicorn openmutuelle.wsgi)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from openmutuelle.startup import run_guarded  # noqa: E402

application = run_guarded(get_wsgi_application)
