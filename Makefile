# Fieldbook: `make run` to try it, `make test` to run the whole suite (SQLite, then PostgreSQL).
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium
WEBKIT_DRIVER ?= /usr/bin/WebKitWebDriver
XVFB ?= /usr/bin/Xvfb

.PHONY: run install install-dev lock migrate demo serve test test-sqlite test-postgres chromium webkit node bench lint

## run: install, migrate the SQLite database, load demo data, serve on http://127.0.0.1:5000
run: install migrate demo serve

install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(VENV)/.installed $@

## lock: after editing requirements.in or requirements-dev.in, pin every transitive dependency
## with its hashes into requirements.txt and requirements-dev.txt
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
  --no-emit-index-url --no-emit-find-links
lock: install-dev
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

migrate: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) load-demo

serve: install
	@echo "Fieldbook is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(VENV)/bin/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - \
	  --logger-class webapp.audit.access_log.RedactingGunicornLogger wsgi:app

## chromium: the browser tests drive Debian's Chromium (Playwright's own download cannot work here)
chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## webkit: the WebKit lane (tests marked webkit) drives WebKitGTK, Safari's engine, through its own
## WebDriver; its browser has no headless mode, so it draws on a virtual display (Xvfb)
webkit:
	@test -x $(WEBKIT_DRIVER) -a -x $(XVFB) || { echo "Installing Debian's WebKitGTK driver and Xvfb for the WebKit tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null; }

## node: the phone's own checks run under Node.js (node --test), and its type check with npm's tsc
node:
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Installing Debian's Node.js and npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

## test: the checks (make lint), then the whole suite, on SQLite and then on PostgreSQL ($(TEST_DATABASE_URL))
test: lint chromium webkit
	$(VENV)/bin/pytest
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest

test-sqlite: install-dev chromium webkit node
	$(VENV)/bin/pytest

test-postgres: install-dev chromium webkit node
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest

## lint: ruff (its checks, and the code formatted as ruff format writes it), mypy (strict on db.py, core
## and sync; the settings are in pyproject.toml) and the browser code's type check
lint: install-dev node typecheck-js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## typecheck-js: the type check of the browser code (tsc --checkJs, TypeScript pinned in package-lock.json);
## tsconfig.json covers the page's modules, tsconfig.sw.json the service worker
.PHONY: typecheck-js
typecheck-js: node_modules/.package-lock.json
	npx --no-install tsc -p .
	npx --no-install tsc -p tsconfig.sw.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

bench/pouchdb/node_modules/.package-lock.json: bench/pouchdb/package.json bench/pouchdb/package-lock.json
	cd bench/pouchdb && npm ci --no-audit --no-fund
	touch $@

## bench: the performance benchmarks with their targets (see bench/README.md); the sync bench
## times PouchDB and pouchdb-server beside Fieldbook (bench/pouchdb/package.json, installed here only)
bench: install-dev chromium node_modules/.package-lock.json bench/pouchdb/node_modules/.package-lock.json
	@# Every benchmark runs and prints its figures even when one before it missed; the exit
	@# status says whether any missed.
	@status=0; \
	$(PY) bench/pull_scaling.py --database postgresql || status=1; \
	$(PY) bench/pull_scaling.py --database sqlite || status=1; \
	$(PY) bench/browser_sync.py --database sqlite || status=1; \
	$(PY) bench/browser_sync.py --database postgresql || status=1; \
	$(PY) bench/app_screens.py || status=1; \
	$(PY) bench/reports.py --database sqlite || status=1; \
	$(PY) bench/reports.py --database postgresql || status=1; \
	$(PY) bench/load.py --find-limit || status=1; \
	$(PY) bench/desk_pages.py --database sqlite || status=1; \
	$(PY) bench/desk_pages.py --database postgresql --explain || status=1; \
	$(PY) bench/phone_years.py || status=1; \
	exit $$status
