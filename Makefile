# Two commands matter: `make run` (the app with demo data) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: install run test prod-check backup restore lint format browser system-deps run-deps messages migrations-check deploy-check diagram screenshots clean bench-search bench-seed bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install run-deps
	DEBUG=1 bin/run-dev

# System packages: Pango for WeasyPrint's PDFs (the app), plus chromium for the browser
# tests and poppler-utils for the tests that open the PDFs. Installed when missing and we may.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils
define apt_install_missing
	@missing=""; for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages:$$missing (install them with apt-get)"; exit 1; fi; fi
endef

run-deps:
	$(call apt_install_missing,$(RUN_PACKAGES))

browser system-deps:
	$(call apt_install_missing,$(TEST_PACKAGES))

test: install system-deps
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || { echo "Models changed without a migration: run manage.py makemigrations"; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure"; fi; exit $$status

# The production layer alone: static files built by the Dockerfile's command, gunicorn with
# DEBUG=0, a worker and beat as docker-compose.yml starts them, and real outages (its own
# Redis killed, database connections dropped, SMTP stopped). Needs PostgreSQL and redis-server.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
prod-check: install system-deps
	DATABASE_URL=$${DATABASE_URL:-$(PROD_DATABASE_URL)} DEBUG=1 $(BIN)/pytest tests/production -p no:cacheprovider $(PYTEST_ARGS)

# The manager's search box at 1,000,000 orders on PostgreSQL, with and without its trigram
# indexes: seeds a database of its own (dropped after), writes bench/results/search-<date>.json.
BENCH_SEARCH_URL ?= postgres://postgres@127.0.0.1:5432/bench_search
bench-search: install
	BENCH_SEARCH_URL=$(BENCH_SEARCH_URL) DEBUG=1 $(BIN)/python bench/search.py

# Issue 19's benchmark: `make bench-seed` (re)creates bench_10k and bench_1m (or SCALE=10k|1m)
# in bulk SQL; `make bench` measures every page at both scales against gunicorn with DEBUG=0
# and writes bench/results/<date>.json and .md. BENCH_SECONDS, BENCH_ROUNDS, BENCH_SCALES and
# BENCH_CONNECTIONS shorten or widen a run; BENCH_DATABASE_SERVER names the PostgreSQL server,
# BENCH_DATABASE_PREFIX the databases' names (bench: bench_10k, bench_1m).
bench-seed: install
	$(BIN)/python bench/seed.py $(SCALE)

bench: install
	$(BIN)/python bench/run.py

# The database (pg_dump, or SQLite's online backup) and the private and media files, into
# backups/<date-time> or BACKUP=folder; `make restore BACKUP=folder` puts them back into an
# empty database and checks that every table's rows and every file came back.
backup: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py backup $(if $(BACKUP),--output $(BACKUP))

restore: install
	@test -n "$(BACKUP)" || { echo "Name the backup folder: make restore BACKUP=backups/..."; exit 1; }
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py restore $(BACKUP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd $(CURDIR) && DEBUG=1 $(BIN)/python manage.py makemessages -l ru -l en --ignore=.venv --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

deploy-check: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=example.com \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/*.sqlite3 var/static var/celerybeat-schedule*

# The lifecycle diagram in docs/, generated from the FSM; SVG too where Graphviz is installed.
# The README's pictures, from the demo data in Debian's Chromium.
screenshots: install system-deps
	$(BIN)/python bin/screenshots

diagram: install
	DEBUG=1 $(BIN)/python manage.py lifecycle_diagram
	@if command -v dot >/dev/null 2>&1; then dot -Tsvg docs/lifecycle.dot -o docs/lifecycle.svg && echo "Wrote docs/lifecycle.svg"; \
	  else echo "Graphviz 'dot' not installed: docs/lifecycle.svg not refreshed (apt-get install graphviz)"; fi
