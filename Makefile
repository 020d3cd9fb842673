# Desk Pemilu. `make run` starts the desk; `make test` runs every test (SQLite and a
# PostgreSQL cluster the run starts itself); `make lint` checks the style and the
# import direction between the apps. All keep the environment in .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run install install-test translations test test-sqlite test-postgres lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml constraints.txt
	$(PIP) install -c constraints.txt -e '.[test]'
	@touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@$(BIN)/deskpemilu compile_translations

# DEMO=1 (the default): on a desk with no message, incident or sheet yet, a simulated
# voting day is played into it once the server answers, marked DEMO DATA on every
# page (docs/demo.md; `deskpemilu demo --clear` removes it). DEMO=0: never.
DEMO   ?= 1

run: install
	$(BIN)/deskpemilu migrate --noinput
	$(BIN)/deskpemilu load_banten
	$(BIN)/deskpemilu ensure_admin
	$(BIN)/deskpemilu collectstatic --noinput -v0
	@# The background worker (queued replies, statuses and dashboard counts, the
	@# periodic schedule) and the demo run next to the server and stop with it
	@# (Ctrl+C).
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/deskpemilu worker > var/worker.log 2>&1 & \
	$(if $(filter 1,$(DEMO)),$(BIN)/deskpemilu demo --if-fresh --wait 120 \
	  --url http://$(HOST):$(PORT) & ,) \
	$(BIN)/deskpemilu serve --host $(HOST) --port $(PORT)

install-test: $(VENV)/.installed-test translations

test: test-sqlite test-postgres

test-sqlite: install-test
	$(BIN)/deskpemilu makemigrations --check --dry-run
	$(BIN)/pytest

# Starts a throw-away PostgreSQL cluster, runs the suite against it, removes it.
test-postgres: install-test
	$(BIN)/python -m deskpemilu.devtools.pgcluster -- $(BIN)/pytest

lint: install-test
	$(BIN)/ruff check deskpemilu
	$(BIN)/ruff format --check deskpemilu
	@# The import direction between the apps: contracts in pyproject.toml.
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy

# Speed figures (not tests): real servers, SQLite and a durable PostgreSQL cluster.
bench: install-test
	$(BIN)/deskpemilu bench ingest --repeat 3

clean:
	rm -rf $(VENV) var
