"""ASGI entry point."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

from openmutuelle.startup import run_guarded  # noqa: E402

application = run_guarded(get_asgi_application)
