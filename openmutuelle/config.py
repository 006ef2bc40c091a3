"""Reading the configuration from the environment.

Everything the deployment decides comes from environment variables; without them the
portal runs on the embedded default (SQLite, files and generated secrets under ``var/``).
A production deployment (``DJANGO_ENV=production``) must name its secrets: a missing
one stops the program with a clear message instead of a made-up default.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A deployment setting is missing or wrong; the message tells the operator which."""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from exc


def generated_secret(path: Path, make: callable) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def secret_key(var_dir: Path, production: bool) -> str:
    value = os.environ.get("SECRET_KEY", "")
    if value:
        if production and len(value) < 50:
            raise ConfigError("SECRET_KEY must be at least 50 random characters in production.")
        return value
    if production:
        raise ConfigError("SECRET_KEY is required when DJANGO_ENV=production.")
    return generated_secret(var_dir / "secret_key", lambda: secrets.token_urlsafe(64))


def encryption_keys(var_dir: Path, production: bool) -> list[str]:
    """Fernet keys, newest first: the first encrypts, all of them decrypt (rotation)."""
    value = os.environ.get("ENCRYPTION_KEYS", "")
    if not value:
        if production:
            raise ConfigError("ENCRYPTION_KEYS is required when DJANGO_ENV=production.")
        value = generated_secret(var_dir / "encryption_keys", lambda: Fernet.generate_key().decode())
    keys = [key.strip() for key in value.split(",") if key.strip()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ConfigError("ENCRYPTION_KEYS must be comma-separated Fernet keys.") from exc
    return keys


def email_settings(url: str, var_dir: Path) -> dict[str, object]:
    """Translate ``EMAIL_URL`` (smtp://user:pass@host:587?tls=1, file:///path, console:)."""
    if not url:
        return {
            "EMAIL_BACKEND": "core.mailbackend.EmlFileBackend",
            "EMAIL_FILE_PATH": str(var_dir / "mail"),
        }
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return {
            "EMAIL_BACKEND": "core.mailbackend.EmlFileBackend",
            "EMAIL_FILE_PATH": unquote(parsed.path) or str(var_dir / "mail"),
        }
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        }
    raise ConfigError(f"EMAIL_URL scheme {parsed.scheme!r} is not supported (smtp, smtps, file, console).")


def portal_url(environ: Mapping[str, str], production: bool) -> str:
    """The portal's public address, the start of every link in emails (no trailing slash).

    ``PORTAL_URL`` when set; otherwise the address ``make run`` serves, ``http://127.0.0.1:$PORT``
    (``PORT`` defaults to 8000), so that ``PORT=8765 make run`` mails links that open.
    Production must name it, over HTTPS: a guessed address would mail dead links.
    """
    url = environ.get("PORTAL_URL", "").strip().rstrip("/")
    if not url:
        if production:
            raise ConfigError("PORTAL_URL is required when DJANGO_ENV=production (e.g. https://portal.example.fr).")
        port = environ.get("PORT", "").strip() or "8000"
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"PORT must be a port number (1-65535), not {port!r}.")
        return f"http://127.0.0.1:{int(port)}"
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.path or parsed.query:
        raise ConfigError(f"PORTAL_URL must be a site address such as https://portal.example.fr, not {url!r}.")
    if production and parsed.scheme != "https":
        raise ConfigError("PORTAL_URL must start with https:// when DJANGO_ENV=production.")
    return url


def trusted_proxies() -> list[str]:
    """``TRUSTED_PROXIES``: the reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed."""
    proxies = env_list("TRUSTED_PROXIES", [])
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as exc:
            raise ConfigError(f"TRUSTED_PROXIES must list IP addresses or CIDR ranges, not {proxy!r}.") from exc
    return proxies
