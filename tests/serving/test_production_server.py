"""The production command of the README runs from the lock: gunicorn with the repository's config (issue 9, item 7)."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import pytest

from core.tests.processes import BIN, PRODUCTION, ROOT, environment, free_port, manage
from tests.serving.support import Output, http_get, wait_for

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND = "gunicorn -c gunicorn.conf.py openmutuelle.wsgi"


def test_the_readme_runs_gunicorn_with_the_config_in_the_repository():
    production = README.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    assert f"`{COMMAND}`" in production
    assert (ROOT / "gunicorn.conf.py").exists()


def test_gunicorn_serves_the_portal_with_production_settings(database_url, tmp_path):
    port, var = free_port(), tmp_path / "var"
    production = {**PRODUCTION, "DATABASE_URL": database_url}
    collected = manage("collectstatic", "--noinput", "-v0", env=production, var_dir=var)  # as the README says
    assert collected.returncode == 0, collected.stderr
    env = environment(var, {**production, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"})
    executable, *arguments = COMMAND.split()
    server = subprocess.Popen(
        [str(Path(BIN) / executable), *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(server.stdout)
    try:
        proxied = {"Host": "portal.example.fr", "X-Forwarded-Proto": "https"}  # what the reverse proxy sends
        url = f"http://127.0.0.1:{port}/healthz"
        status, body = wait_for(lambda: (answer := http_get(url, proxied))[0] and answer, 90, "gunicorn", output)
        assert status == 200, body
        assert body.strip() == b"ok"
        assert http_get(url, {"Host": "portal.example.fr"})[0] == 301  # production: plain HTTP goes to HTTPS
        login, page = http_get(f"http://127.0.0.1:{port}/login/", proxied)
        assert login == 200
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', page).group(1).decode()
        assert http_get(f"http://127.0.0.1:{port}{stylesheet}", proxied)[0] == 200  # collected, hashed, served
        assert http_get(url, {"Host": "elsewhere.example", "X-Forwarded-Proto": "https"})[0] == 400  # ALLOWED_HOSTS
        wait_for(lambda: re.search(r'"GET /healthz HTTP/1.1" 200 \d+ \d+ms', output.text), 5, "the access log", output)
        assert "Booting worker" in output.text and output.text.count("Booting worker with pid") == 2
    finally:
        server.send_signal(signal.SIGTERM)  # graceful stop
        code = server.wait(timeout=40)
    assert code == 0, output.text
