# Jiaotong — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format serve loadtest bench assets clean-db url-matrix fuzz

.venv/bin/python:
	python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip

.venv/.installed: requirements.lock | .venv/bin/python
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

setup: .venv/.installed assets  ## a .venv at the repo root, locked dependencies, front-end assets

assets:  ## pinned front-end libraries under static/vendor (fetched from npm only if missing)
	@bash scripts/fetch_static.sh

# Embedded default: SQLite file + in-process tasks, unless DATABASE_URL /
# CELERY_BROKER_URL are set. DEBUG is on for the local development server.
run: setup
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo --if-empty
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: on DATABASE_URL when set, else on the local PostgreSQL at
# 127.0.0.1:5432 when it answers, else on SQLite (with a note).
test: setup
	@export DATABASE_URL="$$($(PY) scripts/pick_test_db.py)"; \
	 echo "make test: database $${DATABASE_URL:-SQLite (embedded default)}"; \
	 $(PY) -m pytest $(PYTEST_ARGS)

# The role x URL matrix (tests/security/url_matrix.json): after a reviewed change
# of routes or permissions, regenerate the table and commit its diff.
url-matrix: setup
	@export DATABASE_URL="$$($(PY) scripts/pick_test_db.py)"; \
	 UPDATE_URL_MATRIX=1 $(PY) -m pytest tests/security/test_url_matrix.py -q -p no:cacheprovider

# The fuzz suite with many more examples (default 10,000 per form or filter).
FUZZ_EXAMPLES ?= 10000
fuzz: setup
	@export DATABASE_URL="$$($(PY) scripts/pick_test_db.py)"; \
	 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/fuzz -q -p no:cacheprovider

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	JIAOTONG_TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	.venv/bin/lint-imports  # architecture contracts in pyproject.toml

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# Production-like, several processes behaving as one: two gunicorn workers (sync,
# one persistent database connection each: CONN_MAX_AGE=60), two Celery worker
# processes (w1, w2) and beat, against one PostgreSQL and one Redis (broker, and
# the shared cache beside it: login limits, dashboard figures). Defaults for a
# local run: the database jiaotong on 127.0.0.1 and Redis 127.0.0.1:6379/0.
# SECRET_KEY and AUDIT_HMAC_KEYS have no default (production settings). Ctrl-C
# (or SIGTERM to any of them) stops all five processes.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/jiaotong
SERVE_BROKER_URL ?= redis://127.0.0.1:6379/0
serve: setup
	@test -n "$$SECRET_KEY" || (echo "make serve needs SECRET_KEY"; exit 1)
	@test -n "$$AUDIT_HMAC_KEYS" || (echo "make serve needs AUDIT_HMAC_KEYS"; exit 1)
	@export DATABASE_URL="$${DATABASE_URL:-$(SERVE_DATABASE_URL)}" \
	  CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(SERVE_BROKER_URL)}" \
	  CONN_MAX_AGE="$${CONN_MAX_AGE:-60}"; \
	 echo "make serve: $$DATABASE_URL, broker $$CELERY_BROKER_URL, http://$(HOST):$(PORT)/"; \
	 $(PY) manage.py migrate --noinput && \
	 $(PY) manage.py collectstatic --noinput -v0 || exit 1; \
	 trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; trap 'exit 143' TERM INT; \
	 .venv/bin/celery -A jiaotong worker -l info --concurrency 1 -n w1@%h & \
	 .venv/bin/celery -A jiaotong worker -l info --concurrency 1 -n w2@%h & \
	 .venv/bin/celery -A jiaotong beat -l info --schedule /tmp/jiaotong-celerybeat-$(PORT) & \
	 .venv/bin/gunicorn jiaotong.wsgi -b $(HOST):$(PORT) -w 2 --access-logfile - & \
	 wait -n

# The load test: its own make serve on a spare port (database
# jiaotong_bench_loadtest with the demo, created when missing), locust headless
# with 50 staff signing in two a second, then browsing for 60 s; requests/s, p95
# and errors beside the goals.
# Options: make loadtest LOADTEST_ARGS="--db NAME --time 120s" (bench/loadtest.py --help).
LOADTEST_ARGS ?=
loadtest: setup
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

# make bench BENCH_ARGS="--scale 50 --reuse-db" (bench/README.md)
BENCH_ARGS ?=
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean-db:
	rm -f db.sqlite3
