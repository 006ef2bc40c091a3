"""Start-up guard: a bad configuration or an unreachable database stops the program with
one clear line for the operator instead of a Python traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import OperationalError

T = TypeVar("T")


def database_label() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db.get("HOST") or ""
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {host} {db.get('NAME', '')}".strip()


def run_guarded(start: Callable[[], T]) -> T:
    try:
        return start()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        raise SystemExit(2) from None
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        sys.stderr.write(f"Database unreachable ({database_label()}): {first_line}\n")
        raise SystemExit(3) from None
