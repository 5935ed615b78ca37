# The portal's two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Front-end packages (package-lock.json), installed again when the lock file changes.
NODE_STAMP := node_modules/.installed
# The Indonesian catalogue is compiled here from the committed .po, never committed.
CATALOGUE := locale/id/LC_MESSAGES/django.mo
# The browser tests (tests/browser/) drive Debian's Chromium through Playwright.
CHROMIUM := /usr/bin/chromium

# Test services; override from the environment to point elsewhere.
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/blkk_portal
export CACHE_URL ?= rediscache://127.0.0.1:6379/1
export REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test bench test-faults test-browser venv lint architecture types system-check check-services \
	smoke-embedded migrations-check messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@bash scripts/need_command.sh npm npm
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

$(CATALOGUE): locale/id/LC_MESSAGES/django.po | $(STAMP)
	@bash scripts/need_command.sh msgfmt gettext
	SECRET_KEY=x $(BIN)/python manage.py compilemessages -l id --ignore=.venv --ignore=node_modules
	touch $(CATALOGUE)

$(CHROMIUM):
	@bash scripts/need_command.sh $(CHROMIUM) chromium

## venv: the setup that `make run` and `make test` share: Python packages, front-end
## packages (npm ci) and the compiled catalogue, each redone only when its source changed
venv: $(STAMP) $(NODE_STAMP) $(CATALOGUE)

## run: the portal on the embedded SQLite file, seeded, at http://127.0.0.1:8000
run: venv
	mkdir -p var
	env -u DATABASE_URL -u CACHE_URL DEBUG=true SECRET_KEY=dev-only-insecure-key \
	  bash -c '$(BIN)/python manage.py migrate --noinput && \
	           $(BIN)/python manage.py seed_demo && \
	           $(BIN)/python manage.py runserver 127.0.0.1:8000'

## bench: the national-scale benchmark (docs/PERFORMANCE.md): seeds the databases
## blkk_bench_f0_1 and blkk_bench_f1 the first time (kept; BENCH_ARGS=--reseed), then
## measures and prints the table of targets; about 25 minutes with the seeds
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

## test: lint, the architecture, types and system checks, then the whole suite on
## PostgreSQL and Redis, then the embedded smoke test
test: venv $(CHROMIUM) lint architecture types system-check check-services migrations-check
	$(BIN)/pytest -n auto --dist loadscope
	$(MAKE) --no-print-directory smoke-embedded

## test-faults: fault and load tests that start their own Redis, workers and gunicorn
## (tests/faults/; a few minutes; CI runs it after `make test`)
test-faults: venv check-services
	$(BIN)/pytest tests/faults -m faults -p no:xdist

## test-browser: only the browser tests (tests/browser/), listing the screenshots they
## saved in var/screenshots/ (pytest's -rP: the output of passed tests, logs quieted)
test-browser: venv $(CHROMIUM) check-services
	LOG_LEVEL=WARNING $(BIN)/pytest tests/browser -p no:xdist -rP --show-capture=stdout

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## architecture: dependencies point one way (import-linter, pyproject.toml)
architecture: venv
	$(BIN)/lint-imports --no-cache

## types: mypy with django-stubs and djangorestframework-stubs (pyproject.toml)
types: venv
	SECRET_KEY=x DATABASE_URL=sqlite://:memory: $(BIN)/mypy

## system-check: Django's checks and the portal's scoping checks, as in production
system-check: venv
	SECRET_KEY=x DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py check --fail-level WARNING

check-services: venv
	@$(BIN)/python scripts/check_services.py

## migrations-check: models and committed migrations agree (no server needed)
migrations-check: venv
	SECRET_KEY=x DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

## smoke-embedded: migrate and seed a throwaway SQLite file, then ask for the login page
smoke-embedded: venv
	@bash scripts/smoke_embedded.sh $(BIN)/python

## messages: refresh and compile the Indonesian catalogue after changing strings
messages: venv
	SECRET_KEY=x $(BIN)/python manage.py makemessages -l id --ignore=.venv --ignore=node_modules --no-obsolete
	@bash scripts/need_command.sh msgfmt gettext
	SECRET_KEY=x $(BIN)/python manage.py compilemessages -l id --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules $(CATALOGUE) var/db.sqlite3 var/media
