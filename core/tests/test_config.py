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
    "REDIS_URL": "redis://127.0.0.1:6379/5",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ENCRYPTION_KEYS", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_setting(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error:")
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_production_runs_on_a_local_cache_only_when_told_explicitly(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    assert manage("check", env={**env, "ALLOW_LOCAL_CACHE": "1"}, tmp_path=tmp_path).returncode == 0


def test_seed_demo_is_refused_in_production(tmp_path):
    result = manage("seed_demo", env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: seed_demo")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "var" / "demo-accounts.json").exists()


@pytest.mark.parametrize("bad", [{"TRUSTED_PROXIES": "10.0.0.1,proxy.local"}, {"HEALTHZ_TOKEN": "short"}])
def test_a_bad_proxy_list_or_health_token_is_one_clear_line(tmp_path, bad):
    result = manage("check", env={**PRODUCTION, **bad}, tmp_path=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("Configuration error:")
    assert next(iter(bad)) in result.stderr and "Traceback" not in result.stderr


def test_kept_database_connections_are_health_checked(tmp_path):
    code = "from django.conf import settings as s; d = s.DATABASES['default']; "
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    for env, expected in (({}, "0 True"), ({"DB_CONN_MAX_AGE": "60"}, "60 True")):
        result = manage("shell", "-c", code, env={**PRODUCTION, **env}, tmp_path=tmp_path)
        assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


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
