# OpenMutuelle — the two commands: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)

.PHONY: run test setup messages lint worker check-deploy clean

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) messages

messages: $(STAMP)
	@$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	@bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

worker: setup
	$(BIN)/python manage.py task_worker

check-deploy: setup
	DJANGO_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())') \
	ALLOWED_HOSTS=portal.example.fr DATABASE_URL=sqlite:///$(CURDIR)/var/deploycheck.sqlite3 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
