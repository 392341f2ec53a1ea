# Trygg — two commands on a fresh machine:
#   make run    set up, migrate the embedded SQLite database, load the Karlstad/Örebro demo, serve on 127.0.0.1:8000
#   make test   set up and run the whole test suite (SQLite, then PostgreSQL when DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Tests run on a file-less SQLite database and their own data folder, never the demo's.
TEST_ENV := TRYGG_VAR_DIR=$(CURDIR)/var/test

.PHONY: run test install install-dev messages browser office lint check-deploy bench bench-matching fuzz mailbox clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run messages
install-dev: $(VENV)/.installed-dev messages

# Compiled translations (.mo) are built from the .po files; gettext's msgfmt is installed if missing.
messages: $(VENV)/.installed-run
	@command -v msgfmt >/dev/null || (apt-get install -y -qq gettext >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq gettext))
	@cd src/trygg && ../../$(BIN)/trygg compilemessages --verbosity 0

# Debian's Chromium drives the browser tests (installed if missing; needs root, as on the CI machine).
browser:
	@command -v chromium >/dev/null || (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium))

# LibreOffice (Writer, no GUI) converts the Word exports to PDF in one test, proving they open (installed if missing).
office:
	@command -v soffice >/dev/null || (apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui))

run: install
	$(BIN)/trygg migrate --noinput
	$(BIN)/trygg collectstatic --noinput --verbosity 0
	$(BIN)/trygg load_demo
	@echo ""
	@echo "Trygg is serving on http://$(HOST):$(PORT)/ — log in with one of the demo accounts above. Ctrl-C stops."
	$(BIN)/trygg serve --host $(HOST) --port $(PORT)

test: install-dev browser office
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	@mkdir -p var/test
	@echo "== tests on SQLite"
	$(TEST_ENV) DATABASE_URL= $(BIN)/pytest -n 2 --junitxml=var/test/junit-sqlite.xml $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== tests on PostgreSQL ($$DATABASE_URL): those that use the database (the others ran above)"; \
		$(TEST_ENV) $(BIN)/pytest -n 2 --database-only --junitxml=var/test/junit-postgresql.xml $(PYTEST_ARGS); \
	fi

# The long property-based run over every importer and free-text form (CI runs the short profile in `make test`).
fuzz: install-dev
	@mkdir -p var/test
	HYPOTHESIS_PROFILE=long $(TEST_ENV) DATABASE_URL= $(BIN)/pytest -n 2 -q tests/fuzz

# A local SMTP server on 127.0.0.1:8025 that prints every message; serve with
#   TRYGG_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend TRYGG_EMAIL_PORT=8025
mailbox: install
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests benchmarks

check-deploy: install
	TRYGG_PRODUCTION=1 TRYGG_SECRET_KEY=$${TRYGG_SECRET_KEY:-$$(openssl rand -base64 48)} TRYGG_ALLOWED_HOSTS=trygg.example.se \
		$(BIN)/trygg check --deploy --fail-level WARNING

bench: .venv-bench/.installed
	.venv-bench/bin/python benchmarks/police_import.py
	.venv-bench/bin/python benchmarks/hotspots.py
	.venv-bench/bin/python benchmarks/calibration.py

# The peers the benchmarks compare with live only in the benchmark environment: OpenSanctions' nomenklatura
# (name matching) and PySAL esda with numba, as esda is meant to run for permutation inference (hot spots).
BENCH_PEERS := nomenklatura==4.17.4 esda==2.9.0 libpysal==4.14.1 numba==0.68.1
.venv-bench/.installed: requirements.lock Makefile
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --require-hashes -r requirements.lock
	.venv-bench/bin/pip install --quiet $(BENCH_PEERS)
	touch $@

bench-matching: .venv-bench/.installed
	.venv-bench/bin/python benchmarks/matching.py

clean:
	rm -rf $(VENV) .venv-bench var/static var/test
