# Amtsweg – the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
AMTSWEG := $(BIN)/amtsweg
# Address of `make demo`, e.g. `make demo DEMO_BIND=127.0.0.1:8020` when port 8000 is taken.
DEMO_BIND ?= 127.0.0.1:8000
PYTEST_WORKERS ?= 2

.PHONY: demo test lint types unit reverse bench chaos install assets clean messages help

help:
	@echo "make demo   – installiert alles, lädt die Demodaten und startet Amtsweg auf http://127.0.0.1:8000 (anderer Port: make demo DEMO_BIND=127.0.0.1:8020)"
	@echo "make test   – Lint, Typen, Unit-, Integrations- und Browser-Tests"
	@echo "make reverse – die Tests ohne Browser in umgekehrter Reihenfolge (findet Reihenfolge-Abhängigkeiten)"
	@echo "make bench  – Lastmessungen (schreibt docs/performance.md)"
	@echo "make chaos  – kill -9 von Web- und Aufgaben-Workern unter Last: nichts Bestätigtes geht verloren (PostgreSQL)"
	@echo "make lint   – ruff format/check und Migrationsprüfung"

$(VENV)/.installed: pyproject.toml constraints.txt
	@PYTHON_BIN=$$(scripts/find-python.sh) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Lege $(VENV) mit $$PYTHON_BIN an"; $$PYTHON_BIN -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed

var:
	@mkdir -p var

demo: install assets var
	$(AMTSWEG) demo --bind $(DEMO_BIND)

lint: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	STATIC_MANIFEST=false $(AMTSWEG) makemigrations --check --dry-run
	STATIC_MANIFEST=false $(AMTSWEG) compilemessages --ignore=.venv --ignore=node_modules >/dev/null

types: install
	$(BIN)/mypy src

# --durations lists the slowest tests, so a test that got slow shows up in every CI log. --dist worksteal: a
# process that is done takes half of the other's queue (with the default one of them idled for minutes; docs/performance.md).
unit: install assets
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal -p no:cacheprovider --durations=25; rc=$$?; if [ $$rc -eq 5 ]; then echo "Keine Tests gefunden"; exit 1; fi; exit $$rc

# The tests without browser once more in reverse order: a test that only passes after another one fails here.
reverse: install assets
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal -p no:cacheprovider --reverse -m "not browser" -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "Keine Tests gefunden"; exit 1; fi; exit $$rc

test: lint types unit

bench: install assets
	$(PY) benchmarks/portal.py
	$(PY) benchmarks/intake.py
	$(PY) benchmarks/search.py
	$(PY) benchmarks/fitconnect.py
	BENCH_INBOX_DATABASE_URL=$${BENCH_INBOX_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/amtsweg_inbox_bench} $(PY) benchmarks/inbox.py
	$(PY) benchmarks/events.py

# Needs PostgreSQL; CHAOS_DATABASE_URL names the throw-away database (default amtsweg_chaos), CHAOS_ARGS=--short for CI.
chaos: install
	$(PY) benchmarks/chaos.py $(CHAOS_ARGS)

messages: install
	cd src/amtsweg && ../../$(AMTSWEG) makemessages -l en --no-obsolete --ignore='*/tests/*' \
	  --ignore='demo/catalogue.py' --ignore='demo/organisation.py' --ignore='demo/responsibilities.py' \
	  --ignore='demo/reference.py'
	$(AMTSWEG) compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
