# Zhifa 执法一体化平台 — set-up, demo, tests.   `make help` lists the targets.
#
# Everything a machine needs is installed from here (Debian packages as root, the virtualenv, the
# front-end packages), so `make demo` and `make test` work on a fresh Debian 12 machine.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# The demo accounts' password (must pass Django's password validators; `zhifa demo`'s own default).
DEMO_PASSWORD ?= Wujin-Demo-2026
DEMO_ARGS ?=
# pytest-xdist workers (0 runs the suite in this process); extra arguments for pytest.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
# API fuzzing (make fuzz): examples per operation in schemathesis' fuzzing phase, and the fixed seed.
FUZZ_EXAMPLES ?= 20
FUZZ_SEED ?= 20261206
# Debian packages: Chromium and CJK fonts for the browser tests, PostgreSQL for `make test-pg`
# (CI), gettext for the translations.
APT_PACKAGES ?= chromium fonts-noto-cjk postgresql gettext
APT_OPTIONAL ?= fonts-noto-cjk-extra

VENDOR := zhifa/static/vendor
DEPS_STAMP := $(VENV)/.zhifa-deps
NODE_STAMP := node_modules/.zhifa-npm-ci

PIP_OPTS := --disable-pip-version-check --no-input -q
# Drop pip's notes about package locations configured on the machine but absent (one per package).
PIP_FILTER := { grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory" || true; }

step = @printf '\n==> %s\n' "$(1)"

# pytest, where "no tests ran" (exit 5) is said loudly but is not a failure.
define run_pytest
	rc=0; $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(if $(filter-out 0,$(PYTEST_WORKERS)),--dist loadgroup) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected (exit 5), treated as success"; rc=0; fi; \
	exit $$rc
endef

.PHONY: help install system-packages python-packages node-packages static-vendor database static \
	demo test test-pg fuzz lint bench clean distclean

help:
	@echo "Zhifa 执法一体化平台"
	@echo ""
	@echo "  make demo       install, build demo data and serve it on http://127.0.0.1:8000"
	@echo "                  (DEMO_PASSWORD=$(DEMO_PASSWORD) is every demo account's password)"
	@echo "  make test       install and run the whole suite (browser tests included) on SQLite"
	@echo "  make test-pg    the same suite on PostgreSQL given ZHIFA_DATABASE_URL, or with a"
	@echo "                  throwaway cluster: scripts/with-postgres.sh make test-pg"
	@echo "  make fuzz       install and fuzz every API operation with schemathesis (no server error,"
	@echo "                  answers as the schema says); FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) per operation, FUZZ_SEED=$(FUZZ_SEED)"
	@echo "  make install    Debian packages (as root), .venv, front-end packages, migrate, collectstatic"
	@echo "  make lint       ruff check, ruff format --check, mypy"
	@echo "  make bench      run benchmarks/*.py"
	@echo "  make clean      remove caches, node_modules, vendored and collected static files"
	@echo "  make distclean  clean, and remove .venv too (var/, the data, is kept)"

# ---------------------------------------------------------------------------------------------
# install

install: system-packages python-packages static-vendor database static
	$(call step,installed: $(BIN)/zhifa is ready)

system-packages:
	$(call step,Debian packages)
	@scripts/apt-install.sh $(APT_PACKAGES) --optional $(APT_OPTIONAL)

$(BIN)/python:
	$(call step,virtualenv $(VENV) with $(PYTHON))
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: Zhifa needs Python 3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(DEPS_STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(call step,Python packages (requirements.lock) and zhifa itself)
	$(BIN)/python -m pip install $(PIP_OPTS) -r requirements.lock 2>&1 | $(PIP_FILTER)
	$(BIN)/python -m pip install $(PIP_OPTS) --no-deps -e . 2>&1 | $(PIP_FILTER)
	$(BIN)/python -m pip check --disable-pip-version-check
	@touch $@

python-packages: $(DEPS_STAMP)

# Made only when missing; package-lock.json is committed.
package-lock.json:
	$(call step,package-lock.json)
	npm install --package-lock-only --no-audit --no-fund

$(NODE_STAMP): package.json package-lock.json
	$(call step,front-end packages (npm ci))
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-packages: $(NODE_STAMP)

$(VENDOR)/htmx.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(VENDOR)/pico.min.css: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/@picocss/pico/css/pico.min.css $@

# Chart.js draws the bulletins' interactive charts (the pages show server-drawn SVG without it).
$(VENDOR)/chart.umd.min.js: $(NODE_STAMP)
	@mkdir -p $(VENDOR)
	cp node_modules/chart.js/dist/chart.umd.min.js $@

static-vendor: $(VENDOR)/htmx.min.js $(VENDOR)/pico.min.css $(VENDOR)/chart.umd.min.js

database: python-packages
	$(call step,database migrations)
	$(BIN)/zhifa migrate --noinput

static: python-packages static-vendor
	$(call step,collectstatic)
	$(BIN)/zhifa collectstatic --noinput -v 1

# ---------------------------------------------------------------------------------------------
# demo and tests

demo: install
	$(call step,demo: build the demo data and serve it (default http://127.0.0.1:8000; Ctrl-C stops))
	$(BIN)/zhifa demo --password "$(DEMO_PASSWORD)" $(DEMO_ARGS)

test: install
	$(call step,test suite on $(if $(ZHIFA_DATABASE_URL),ZHIFA_DATABASE_URL,SQLite))
	@$(run_pytest)

test-pg: _need-postgres-url install
	$(call step,test suite on PostgreSQL)
	@$(run_pytest)

# fuzz/ is outside the suite's testpaths: one test per persona, on PYTEST_WORKERS processes.
fuzz: install
	$(call step,API fuzzing (schemathesis): $(FUZZ_EXAMPLES) examples per operation and seed $(FUZZ_SEED))
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest fuzz -n $(PYTEST_WORKERS) \
		--hypothesis-seed=$(FUZZ_SEED) $(PYTEST_ARGS)

.PHONY: _need-postgres-url
_need-postgres-url:
	@case "$${ZHIFA_DATABASE_URL:-}" in \
	  postgres://*|postgresql://*|pgsql://*) ;; \
	  *) echo "make test-pg needs ZHIFA_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DB" >&2; \
	     echo "(a role that may create the test databases), or a throwaway cluster:" >&2; \
	     echo "  scripts/with-postgres.sh make test-pg" >&2; exit 2 ;; \
	esac

lint: python-packages
	$(call step,ruff check)
	$(BIN)/ruff check .
	$(call step,ruff format --check)
	$(BIN)/ruff format --check .
	$(call step,mypy zhifa)
	$(BIN)/mypy zhifa

bench: install
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks in benchmarks/"; exit 0; fi; \
	failed=(); for f in "$${files[@]}"; do printf '\n==> benchmark %s\n' "$$f"; \
		$(BIN)/python "$$f" || failed+=("$$f"); done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "benchmarks failed: $${failed[*]}" >&2; exit 1; fi

clean:
	$(call step,clean)
	rm -rf node_modules $(VENDOR) var/static .mypy_cache .ruff_cache .hypothesis test-results \
		benchmarks/out build *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f $(DEPS_STAMP)

distclean: clean
	rm -rf $(VENV)
