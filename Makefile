# sigprojects: `make run` for the demo, `make test` for the whole test suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: setup css run test chromium java bench bench-inprocess bench-100k-seed lighthouse lint check-migrations check-deploy translations messages audit clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=78.1.1"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Bootstrap's style sheet cut down to what the app renders (purgecss.config.cjs), minified into
# build/static/css/bootstrap.min.css. Rebuilt whenever a template, the Python that writes
# classes, a script or an installed package changes; every target that serves pages needs it.
BUILT_CSS := build/static/css/bootstrap.min.css
CSS_CONTENT := $(shell find templates projects/templates static/js projects/templatetags projects/views \
	\( -name '*.html' -o -name '*.js' -o -name '*.py' \) 2>/dev/null) projects/forms.py projects/filters.py

$(BUILT_CSS): $(CSS_CONTENT) purgecss.config.cjs node_modules/.installed $(VENV)/.installed
	PYTHON=$(PY) npm run --silent build:css

css: $(BUILT_CSS)

setup: $(VENV)/.installed node_modules/.installed translations css

translations: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py compile_translations

# Extract new strings into locale/da/LC_MESSAGES/django.po (needs GNU gettext).
messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages --locale da --no-obsolete --ignore ".venv/*" --ignore "node_modules/*" --ignore "staticfiles/*"

run: setup
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	DEBUG=1 $(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "Open http://$(HOST)/ and log in with one of the demo logins above."
	@[ -n "$$EMAIL_HOST" ] || echo "No EMAIL_HOST set: e-mail notifications are printed here (manage.py send_notifications)."
	DEBUG=1 $(PY) manage.py runserver $(HOST)

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
	  echo "Chromium is missing: install Debian's chromium package to run the browser tests."

# The markup test runs the Nu HTML Checker (node_modules/vnu-jar) with Java; install Debian's
# Java runtime when missing and we are allowed to. Without it tests/test_markup.py fails.
java:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; } || \
	  echo "Java is missing: install Debian's default-jre-headless package to run the markup test."

# The tests run in one process per core (pytest-xdist), each file's tests in one process so
# that rows made once for a file are made once; TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: setup chromium java
	SECRET_KEY=test-only-not-secret SECURE_SSL_REDIRECT=0 $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Django's deployment checks with settings as in production (the key here is a stand-in).
check-deploy: $(VENV)/.installed css
	DEBUG=0 SECURE_SSL=1 ALLOWED_HOSTS=sig.example.dk CSRF_TRUSTED_ORIGINS=https://sig.example.dk \
	SECRET_KEY=ci-deploy-check-4f8e2a7c9b1d3e5f7a9c2e4b6d8f0a1c3e5b7d9f \
	$(PY) manage.py check --deploy --fail-level WARNING

# Performance as users load it: per page kind a mixed load of distinct URLs (filters, sorts,
# pages, projects) with wrk against gunicorn with production settings, a coordinator saving a
# status update every second, the Django admin's list as the reference in the same run.
# 10,000 projects (the headline) and 1,000 are seeded when missing, each in its own database
# (sigprojects_bench, sigprojects_bench_1k), and reused later (BENCH_ARGS=--reseed to redo);
# 100,000 are measured too once `make bench-100k-seed` has seeded sigprojects_bench_100k.
# Writes bench-results/benchmark.json; fails when a budget is missed (tests/benchmark/).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sigprojects_bench
BENCH_ENV := DEBUG=0 SECRET_KEY=benchmark-only-key-5b1e9f3c7a2d4e6f8a0c1e3b5d7f9a2c4e6b \
	SECURE_PROXY_SSL_HEADER=1 ALLOWED_HOSTS=127.0.0.1,localhost DATABASE_URL=$(BENCH_DATABASE_URL)
bench: setup
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BENCH_ENV) $(PY) -m tests.benchmark $(BENCH_ARGS)

# Where a request's time goes: each page kind requested one at a time in this process, with
# its queries' time, and the dashboard's figures computed afresh (tests/benchmark/inprocess.py).
bench-inprocess: setup
	$(BENCH_ENV) ALLOWED_HOSTS=testserver $(PY) -m tests.benchmark.inprocess $(BENCH_ARGS)

# Seeds 100,000 synthetic projects into sigprojects_bench_100k (long), for `make bench`.
bench-100k-seed: $(VENV)/.installed
	$(BENCH_ENV) $(PY) -m tests.benchmark --seed-only 100k $(BENCH_ARGS)

# Lighthouse in Debian's Chromium (mobile emulation) on the login page, the project list, the
# dashboard, a project page and the status update form, served by gunicorn with production
# settings and the demo data in a scratch SQLite database (tests/lighthouse.py). Fails when
# accessibility or best practices score below 100 or performance below 95. Not part of CI.
# Each page is audited three times and the median counts (LIGHTHOUSE_ARGS=--runs=1 for one).
lighthouse: setup chromium
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) -m tests.lighthouse $(LIGHTHOUSE_ARGS)

# Known vulnerabilities in the installed Python packages and the front-end packages. Needs the
# vulnerability services (PyPI's JSON API or OSV, and the npm registry's advisories); where they
# cannot be reached it fails and says so rather than passing.
audit: $(VENV)/.installed node_modules/.installed
	$(PY) -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off
	npm audit --omit=dev --audit-level=low

clean:
	rm -rf $(VENV) node_modules staticfiles build db.sqlite3
