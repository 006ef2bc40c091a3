# OpenMutuelle — the two commands: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HONCHO := $(BIN)/honcho start
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)

.PHONY: run demo test setup messages lint worker check-deploy clean prod-like bench-two-instances

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) messages

messages: $(STAMP)
	@$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

# The processes `make run` and `make worker` start (Procfile) find the virtualenv's python first, and the
# address in email links follows the served port. PORTAL_URL is named here because honcho gives each Procfile
# process its own PORT (web: PORT, worker: PORT+100): the worker's emails must link to the web server's.
run worker: export PATH := $(CURDIR)/$(BIN):$(PATH)
run worker: export PORT := $(PORT)
run worker: export PORTAL_URL ?= http://127.0.0.1:$(PORT)
run worker: export PYTHONUNBUFFERED := 1

# The web server, a task worker and the audit sealer together (Procfile): one Ctrl-C stops all three.
run: setup demo
	@$(BIN)/python manage.py run_info
	@$(HONCHO)

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

test: setup
	@bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

worker: setup
	@$(HONCHO) worker

check-deploy: setup
	DJANGO_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())') \
	ALLOWED_HOSTS=portal.example.fr PORTAL_URL=https://portal.example.fr REDIS_URL=redis://127.0.0.1:6379/0 ANTIVIRUS=none \
	DATABASE_URL=sqlite:///$(CURDIR)/var/deploycheck.sqlite3 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The production topology on one machine (PostgreSQL, Redis, S3 via moto, two gunicorn instances behind a proxy,
# a task worker, the sealer): scripts/prod_like.sh, README "A production-like run on one machine". Ctrl-C stops it.
prod-like: setup
	@bash scripts/prod_like.sh

# The load benchmark on that topology: one instance, then two, behind the proxy, sharing PostgreSQL and Redis,
# documents on moto's S3 (benchmarks/load.py --instances; README "Benchmarks"). BENCH_ARGS adds or overrides options
# (--database, --port, --redis-db, --duration…); a database of 3,000 members is built once and reused.
BENCH_ARGS ?=
bench-two-instances: setup
	$(BIN)/python benchmarks/load.py --members 3000 --claims 30000 --database om_load_small --instances 1,2 \
	  --clients 1,8 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
