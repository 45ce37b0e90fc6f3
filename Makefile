# OpenPrecinct: `make run` serves the demo, `make test` runs every check.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export OPENPRECINCT_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test setup browser assets lint typecheck test-python test-postgres check-deploy demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# System packages from Debian: Chromium and its driver for the browser tests (nothing is
# downloaded at test time), ffmpeg for evidence redaction.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v ffmpeg >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver ffmpeg >/dev/null) || \
	  (echo "Install Chromium, its driver and ffmpeg (Debian: apt-get install chromium chromium-driver ffmpeg)" && false)

setup: $(VENV)/.installed node_modules/.package-lock.json browser

## run: install, migrate the embedded SQLite database, load the demo, serve on 127.0.0.1:8000
run: setup
	$(BIN)/openprecinct migrate --no-input
	$(BIN)/openprecinct demo
	$(BIN)/openprecinct serve 127.0.0.1:8000

## test: lint, types, migrations, the whole suite (SQLite), deploy check
test: setup lint typecheck
	$(BIN)/openprecinct makemigrations --check --dry-run --settings=openprecinct.config.settings.test
	$(MAKE) check-deploy
	$(BIN)/pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --exclude "*.md" .

typecheck:
	$(BIN)/mypy openprecinct/analytics openprecinct/cli

check-deploy:
	OPENPRECINCT_SECRET_KEY=check-deploy-$$(printf 'x%.0s' $$(seq 1 60)) \
	OPENPRECINCT_ALLOWED_HOSTS=precinct.example.org \
	$(BIN)/openprecinct check --deploy --fail-level WARNING --settings=openprecinct.config.settings.prod

## test-postgres: the same suite against PostgreSQL (OPENPRECINCT_TEST_POSTGRES_URL)
test-postgres: setup
	OPENPRECINCT_DATABASE_URL=$${OPENPRECINCT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test} \
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var staticfiles
