# Shenguan 审管联动平台 — the two commands a newcomer needs: `make demo` and `make test`.
# Needs Python 3.11+ and Node.js/npm; nothing else (no GNU gettext: messages compile in Python).
# The first interpreter that runs and is 3.11+ (a pyenv shim may exist without working).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
            $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
            && { command -v $$p; break; }; done)
VENV   ?= .venv
BIN     = $(VENV)/bin
SG      = $(BIN)/shenguan
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/shenguan_test
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: demo test test-sqlite test-postgres test-browser install install-dev assets messages \
        migrate demo-data serve bench lint format clean check-python

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.11+ not found (set PYTHON=...)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "$(PYTHON) is older than 3.11; run: make PYTHON=/path/to/python3.11 ..."; exit 1; }

# Runtime dependencies (what `make demo` needs); the stamp is redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Plus the test tools (pytest, playwright, ruff, …).
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm"; exit 1; }
	npm ci --no-audit --no-fund --silent
	touch $@

## assets: copy htmx and ECharts into static/vendor (never a CDN) and collect static files.
assets: install node_modules/.installed
	$(BIN)/python scripts/vendor_assets.py
	$(SG) collectstatic --noinput --verbosity 0

## messages: compile the translations (.po -> .mo) with Python; see scripts/compile_messages.py.
messages: install
	$(BIN)/python scripts/compile_messages.py

migrate: install
	mkdir -p var
	$(SG) migrate --noinput --verbosity 0

demo-data: migrate
	$(SG) demo_load --quiet-summary

serve: install
	$(BIN)/python scripts/run_demo.py --host $(HOST) --port $(PORT)

## make demo: set everything up and run the platform on SQLite with demo data.
demo: install assets messages demo-data serve

## make test: the whole suite on SQLite, then on PostgreSQL when SHENGUAN_DATABASE_URL is set
## (or a local PostgreSQL answers), then the browser tests in Chromium.
test: install-dev assets messages
	$(BIN)/python scripts/run_tests.py

test-sqlite: install-dev messages
	$(BIN)/python -m pytest -m "not browser" -q

test-postgres: install-dev messages
	SHENGUAN_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -m "not browser" -q

test-browser: install-dev assets messages
	SHENGUAN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser -q -p no:xdist

## make bench: benchmarks on the configured database (SHENGUAN_DATABASE_URL), JSON on stdout.
bench: install
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var node_modules src/*.egg-info src/shenguan/static/vendor
	find src/shenguan/locale -name '*.mo' -delete
