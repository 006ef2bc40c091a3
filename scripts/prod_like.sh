#!/usr/bin/env bash
# `make prod-like`: the production topology on one machine, for people who want to try it (README, "A production-like
# run on one machine"). DJANGO_ENV=production on PostgreSQL and Redis, documents (encrypted) in an S3-compatible
# server (moto), two gunicorn instances behind a small reverse proxy, a task worker and the audit sealer.
# Each start is a fresh trial: a new database with the demo data, an empty bucket. Ctrl-C stops everything.
#
#   PROD_LIKE_PORT (8000): the proxy; the instances take PORT+1 and PORT+2, the S3 server PROD_LIKE_S3_PORT (9000).
#   PROD_LIKE_DATABASE_URL (postgres://postgres@127.0.0.1:5432/openmutuelle_prodlike): dropped and created again.
#   PROD_LIKE_REDIS_URL (redis://127.0.0.1:6379/3): flushed at each start (use a Redis database of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
export PATH="$BIN:$PATH"
VAR="$PWD/var/prod-like"
PORT="${PROD_LIKE_PORT:-8000}"
S3_PORT="${PROD_LIKE_S3_PORT:-9000}"
DB_URL="${PROD_LIKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/openmutuelle_prodlike}"
REDIS="${PROD_LIKE_REDIS_URL:-redis://127.0.0.1:6379/3}"
BUCKET=openmutuelle-documents
mkdir -p "$VAR" && chmod 700 "$VAR"

# Secrets generated once, kept in var/prod-like/ (mode 0600), as a deployment keeps them out of the code.
if [ ! -s "$VAR/secrets.env" ]; then
  umask 077
  python - > "$VAR/secrets.env" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"SECRET_KEY={secrets.token_urlsafe(64)}")
print(f"ENCRYPTION_KEYS={Fernet.generate_key().decode()}")
print(f"HEALTHZ_TOKEN={secrets.token_urlsafe(32)}")
PY
fi
cat "$VAR/secrets.env" > "$VAR/env"
cat >> "$VAR/env" <<ENV
DJANGO_ENV=production
DATABASE_URL=$DB_URL
REDIS_URL=$REDIS
TASKS_BACKEND=django_tasks_rq.RQBackend
ALLOWED_HOSTS=localhost,127.0.0.1
PORTAL_URL=https://localhost:$PORT
CSRF_TRUSTED_ORIGINS=http://localhost:$PORT,http://127.0.0.1:$PORT
TRUSTED_PROXIES=127.0.0.1
DB_CONN_MAX_AGE=60
WEB_CONCURRENCY=2
VAR_DIR=$VAR
STATIC_ROOT=$VAR/static
EMAIL_URL=file://$VAR/mail
DOCUMENTS_S3_BUCKET=$BUCKET
DOCUMENTS_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
DOCUMENTS_S3_REGION=eu-west-3
DOCUMENTS_S3_ADDRESSING_STYLE=path
AWS_ACCESS_KEY_ID=prodlike
AWS_SECRET_ACCESS_KEY=prodlike
PYTHONUNBUFFERED=1
ENV
set -a; . "$VAR/env"; set +a

# The S3 server first (the demo's documents go to it), stopped with everything else.
python scripts/prod_like_s3.py --port "$S3_PORT" --bucket "$BUCKET" &
S3_PID=$!
trap 'kill "$S3_PID" 2>/dev/null || true; wait "$S3_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null && break; sleep 0.2; done

echo "== A fresh database: $DB_URL"
python - "$DB_URL" "$REDIS" <<'PY'
import sys, dj_database_url, psycopg, redis
cfg = dj_database_url.parse(sys.argv[1])
with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"],
                     dbname="postgres", autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
redis.Redis.from_url(sys.argv[2]).flushdb()
PY
python manage.py migrate --noinput -v0
python manage.py collectstatic --noinput -v0
# seed_demo is refused in production (known passwords): the demo is written by the development settings, onto the
# same database and bucket, with the same keys.
DJANGO_ENV=development python manage.py seed_demo | tail -n 14

cat > "$VAR/Procfile" <<PROCFILE
web1: exec env GUNICORN_BIND=127.0.0.1:$((PORT + 1)) gunicorn -c gunicorn.conf.py openmutuelle.wsgi
web2: exec env GUNICORN_BIND=127.0.0.1:$((PORT + 2)) gunicorn -c gunicorn.conf.py openmutuelle.wsgi
proxy: exec python scripts/prod_like_proxy.py --listen 127.0.0.1:$PORT --backend 127.0.0.1:$((PORT + 1)) --backend 127.0.0.1:$((PORT + 2))
worker: exec python manage.py task_worker
sealer: exec python manage.py audit_seal --loop
PROCFILE
cat <<INFO

== Production-like run (local trials only)
   portal, through the proxy:  http://localhost:$PORT/   (the proxy says HTTPS; emailed links start https://localhost:$PORT)
   instances:                  http://127.0.0.1:$((PORT + 1)) and http://127.0.0.1:$((PORT + 2)) (behind the proxy only)
   S3 (moto):                  http://127.0.0.1:$S3_PORT bucket $BUCKET
   database / Redis:           $DB_URL / $REDIS
   load benchmark:             python benchmarks/load.py --target http://localhost:$PORT
   demo logins:                $VAR/demo-accounts.json; emails in $VAR/mail/
   Ctrl-C stops everything.
INFO
honcho start -f "$VAR/Procfile" -d "$PWD" -e "$VAR/env"
