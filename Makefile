# The two quick-start commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The suite runs on PostgreSQL (the trigram search and the concurrency tests need it).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/servicedesk

.PHONY: run test lint check-deploy-files messages venv dev-venv clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

messages: venv
	@scripts/system-deps.sh gettext
	$(BIN)/python manage.py compilemessages --ignore '.venv*' --ignore 'staticfiles' -v 0

## Run the service on its embedded defaults: SQLite, ./uploads, e-mail to the console.
run: venv messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole test suite against PostgreSQL (started if it is down).
test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: dev-venv messages
	@scripts/system-deps.sh chromium dovecot-imapd
	@scripts/ensure-postgres.sh
	$(BIN)/python manage.py collectstatic --noinput -v 0 --settings=servicedesk.settings.test
	$(BIN)/pytest $(PYTEST_ARGS)

## Static checks: ruff (lint, format), missing migrations, compose file, Dockerfile.
lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=servicedesk.settings.local
	@scripts/check-deploy-files.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
