#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when one is reachable (starting the
# local server if it is down). Fails if either run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_ENV=test

# Real Chromium for the browser journeys (Debian's package; never a browser download).
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "chromium could not be installed: browser journeys will fail"
  else
    echo "not root: install chromium yourself (apt-get install chromium)"
  fi
fi

# Tesseract with its French and English data for the reading of bills (Debian's packages).
if ! command -v tesseract >/dev/null 2>&1; then
  echo "Installing Debian's tesseract-ocr (fra, eng) for the reading of bills…"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng >/dev/null) \
      || echo "tesseract could not be installed: the OCR tests will fail"
  else
    echo "not root: install tesseract yourself (apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng)"
  fi
fi
# ClamAV's daemon for the upload tests (Debian's package; no signature download: the tests write a one-signature
# EICAR database). One daemon for the whole run on a unix socket under var/, stopped when the script ends.
if ! command -v clamd >/dev/null 2>&1 && [ ! -x /usr/sbin/clamd ]; then
  echo "Installing Debian's clamav-daemon for the antivirus tests…"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon >/dev/null) \
      || echo "clamav-daemon could not be installed: the antivirus tests will fail"
  else
    echo "not root: install clamav-daemon yourself (apt-get install clamav-daemon)"
  fi
fi
CLAMD_DIR="$PWD/var/test-clamd"
if CLAMD_ADDRESS=$($BIN/python -m tests.security.clamd start "$CLAMD_DIR"); then
  export ANTIVIRUS=clamd CLAMD_ADDRESS
  trap '$BIN/python -m tests.security.clamd stop "$CLAMD_DIR"' EXIT
  echo "== clamd for the tests at $CLAMD_ADDRESS"
else
  echo "clamd could not start: the tests start their own or fail"
fi

$BIN/ruff check --quiet .

PYTEST_ARGS=(-q -n 2 --dist loadfile "$@")
start=$(date +%s)
PG_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/openmutuelle}"
pg_up() { $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"],
                    dbname="postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}
if ! pg_up && [ -z "${DATABASE_URL:-}" ] && ls /etc/postgresql >/dev/null 2>&1; then
  echo "Starting the local PostgreSQL server…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 20); do pg_up && break; sleep 1; done
fi
# The browser journeys run once: against PostgreSQL, as in production, when it is reachable (they test the pages,
# not the engine); on SQLite only when there is no PostgreSQL run to follow, or when tests are named.
# Likewise RQ's worker killed mid-task (a minute waiting for the dead worker's scheduler lock to expire in Redis):
# what it tests is Redis's and the worker's, not the database's.
SQLITE_ARGS=("${PYTEST_ARGS[@]}")
if [ $# -eq 0 ] && pg_up; then
  SQLITE_ARGS+=(-m "not browser" --deselect "tests/faults/test_tasks.py::test_a_worker_killed_mid_task_loses_nothing[rq]")
  echo "== Test suite on SQLite (browser journeys and RQ's killed worker in the PostgreSQL run)"
else
  echo "== Test suite on SQLite"
fi
env -u DATABASE_URL $BIN/python -m pytest "${SQLITE_ARGS[@]}"

if pg_up; then
  echo "== Test suite on PostgreSQL"
  DATABASE_URL="$PG_URL" $BIN/python -m pytest "${PYTEST_ARGS[@]}"
  # The portal's least-privileged role (manage.py db_roles): the audit, accounts, claims, payments, documents, ledger,
  # contracts and privacy tests again, connected as the application role (conftest.py, TEST_AS_APP_ROLE); tampering
  # tests skip (they need the owner).
  if [ $# -eq 0 ]; then
    echo "== PostgreSQL, connected as the application role"
    TEST_AS_APP_ROLE=1 DATABASE_URL="$PG_URL" $BIN/python -m pytest -q -n 2 --dist loadfile \
      audit accounts/tests claims/tests payments/tests documents/tests ledger/tests contracts/tests privacy/tests
  fi
else
  echo "== PostgreSQL not reachable: the PostgreSQL run is skipped"
fi
echo "make test: done in $(( $(date +%s) - start )) s"
