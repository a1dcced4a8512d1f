# Two commands for a fresh machine with Python 3.11+ and make:
#   make run    set up, load demo data, serve http://127.0.0.1:8000 with a Celery worker and beat
#   make test   set up the same way and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test setup lint bench-check bench bench-import

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0

run: setup
	$(PY) manage.py seed_demo
	@scripts/run.sh

test: setup
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/lint_doors.py

# The benchmark at dealer-group scale (README, "Performance"): PostgreSQL at BENCH_DATABASE_URL,
# a million work orders generated on the first run, gunicorn with 2 workers, wrk on loopback.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
BENCH_ORDERS ?= 1000000
# The database the URL names, created on its own server when it is missing (issue 22: a URL naming
# another database than "bench" failed at once, the database created was always "bench").
BENCH_DB_PLAIN = $(firstword $(subst ?, ,$(BENCH_DATABASE_URL)))
BENCH_DB_NAME = $(lastword $(subst /, ,$(BENCH_DB_PLAIN)))
BENCH_SERVER_URL = $(patsubst %/$(BENCH_DB_NAME),%/postgres,$(BENCH_DB_PLAIN))
BENCH_CREATEDB = psql "$(BENCH_DATABASE_URL)" -tAc 'SELECT 1' >/dev/null 2>&1 || \
	psql "$(BENCH_SERVER_URL)" -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE "$(BENCH_DB_NAME)"'

bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	@$(BENCH_CREATEDB)
	$(PY) manage.py compile_translations
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py collectstatic --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --orders $(BENCH_ORDERS)

# The import benchmark (issue 18): 100,000 customers with a car each, from an .xlsx, on PostgreSQL at
# BENCH_DATABASE_URL; prints the seconds of the dry run and of the import (read, check, write).
BENCH_CUSTOMERS ?= 100000
bench-import: $(STAMP)
	@$(BENCH_CREATEDB)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_import --customers $(BENCH_CUSTOMERS) --twice
