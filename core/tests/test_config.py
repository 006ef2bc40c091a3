"""Bad configuration stops with one clear line, never a traceback (issue: foundation)."""

from pathlib import Path

import pytest

from core.tests import processes
from core.tests.processes import PRODUCTION
from openmutuelle.config import ConfigError, portal_url


def manage(*args: str, env: dict[str, str], tmp_path: Path):
    return processes.manage(*args, env=env, var_dir=tmp_path / "var")


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ENCRYPTION_KEYS", "ALLOWED_HOSTS", "DATABASE_URL", "PORTAL_URL", "REDIS_URL", "ANTIVIRUS"],
)
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
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/deploy-check.sqlite3"}  # not shared by other runs
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
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


PRINT_PORTAL_URL = "from django.conf import settings; print(settings.PORTAL_URL)"


def test_links_follow_the_served_port_unless_portal_url_is_set(tmp_path):
    """``PORT=8765 make run`` mails links to :8765 (issue 9, item 2); an explicit PORTAL_URL wins."""
    served = manage("shell", "--no-imports", "-c", PRINT_PORTAL_URL, env={"PORT": "8765"}, tmp_path=tmp_path)
    assert served.stdout.strip() == "http://127.0.0.1:8765", served.stderr
    named = {"PORT": "8765", "PORTAL_URL": "https://portail.example.fr/"}
    assert manage("shell", "--no-imports", "-c", PRINT_PORTAL_URL, env=named, tmp_path=tmp_path).stdout.strip() == (
        "https://portail.example.fr"
    )


@pytest.mark.parametrize(
    ("environ", "production", "expected"),
    [
        ({}, False, "http://127.0.0.1:8000"),
        ({"PORT": "18765"}, False, "http://127.0.0.1:18765"),
        ({"PORT": "8765", "PORTAL_URL": "http://localhost:9000/"}, False, "http://localhost:9000"),
        ({"PORTAL_URL": "https://portal.example.fr"}, True, "https://portal.example.fr"),
    ],
)
def test_portal_url(environ, production, expected):
    assert portal_url(environ, production) == expected


@pytest.mark.parametrize(
    ("environ", "production", "named"),
    [
        ({"PORT": "eighty"}, False, "PORT"),
        ({"PORT": "70000"}, False, "PORT"),
        ({"PORTAL_URL": "portal.example.fr"}, False, "PORTAL_URL"),
        ({"PORTAL_URL": "https://portal.example.fr/space/"}, False, "PORTAL_URL"),
        ({"PORT": "8000"}, True, "PORTAL_URL"),
        ({"PORTAL_URL": "http://portal.example.fr"}, True, "https://"),
    ],
)
def test_portal_url_refuses_what_would_mail_dead_links(environ, production, named):
    with pytest.raises(ConfigError, match=named):
        portal_url(environ, production)
