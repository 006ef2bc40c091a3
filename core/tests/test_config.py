"""Bad configuration stops with one clear line, never a traceback (issue: foundation)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ENV", "SECRET_KEY"}}
    base.update({"VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "Zx8-" + "q7Wm" * 16,
    "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "portal.example.fr",
    "DATABASE_URL": "sqlite:////tmp/openmutuelle-deploy-check.sqlite3",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ENCRYPTION_KEYS", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_setting(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error:")
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unreachable_database_is_one_clear_line(tmp_path):
    env = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = manage("migrate", env=env, tmp_path=tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith("Database unreachable")
    assert "Traceback" not in result.stderr


def test_development_generates_secrets_once_with_private_permissions(tmp_path):
    assert manage("check", env={}, tmp_path=tmp_path).returncode == 0
    for name in ("secret_key", "encryption_keys"):
        path = tmp_path / "var" / name
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    first = (tmp_path / "var" / "secret_key").read_text()
    manage("check", env={}, tmp_path=tmp_path)
    assert (tmp_path / "var" / "secret_key").read_text() == first
