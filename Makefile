# Shenguan 审管联动平台 — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SG      = $(BIN)/shenguan
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/shenguan_test

.PHONY: demo test test-sqlite test-postgres test-browser install assets messages migrate \
        demo-data serve bench lint format clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

install: $(BIN)/activate

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

assets: install node_modules/.installed
	$(BIN)/python scripts/vendor_assets.py
	$(SG) collectstatic --noinput --verbosity 0

messages: install
	cd src/shenguan && ../../$(SG) compilemessages --verbosity 0

migrate: install
	mkdir -p var
	$(SG) migrate --noinput --verbosity 0

demo-data: migrate
	$(SG) demo_load

serve:
	$(BIN)/python scripts/run_demo.py --host $(HOST) --port $(PORT)

## make demo: set everything up and run the platform on SQLite with demo data.
demo: install assets messages demo-data serve

## make test: the whole suite on SQLite, then on PostgreSQL when SHENGUAN_DATABASE_URL is set
## or a local PostgreSQL answers.
test: install assets messages
	$(BIN)/python scripts/run_tests.py

test-sqlite: install
	$(BIN)/pytest -m "not browser" -q

test-postgres: install
	SHENGUAN_DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -q

test-browser: install assets messages
	SHENGUAN_REQUIRE_BROWSER=1 $(BIN)/pytest -m browser -q

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var node_modules src/*.egg-info
