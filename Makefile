# One command surface for people and CI. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PEOPLE ?= 50000
DEMO_SEED ?= 20121
export DJANGO_SETTINGS_MODULE ?= config.settings

.PHONY: help install assets demo demo-build test test-fast lint format bench clean

help:
	@echo "make demo       - install, build the demo partnership on SQLite and serve it on http://$(HOST):$(PORT)"
	@echo "make test       - run the whole test suite (SQLite, PostgreSQL, Chromium), as CI does"
	@echo "make install    - create .venv with every dependency and build the page assets"
	@echo "make assets     - build the page assets (GOV.UK Frontend, HTMX, Vega) from node_modules"
	@echo "make demo-build - build the demo partnership without serving it (DEMO_PEOPLE, DEMO_SEED)"
	@echo "make test-fast  - the quick tests only (no browser, no slow ones), stopping at the first failure"
	@echo "make lint       - ruff (lint and format check), the layer contracts and mypy"
	@echo "make format     - format the code with ruff format"
	@echo "make bench      - run every benchmark small (SIZE=full for the documented sizes; WRITE_DOCS=1)"
	@echo "make clean      - remove .venv, node_modules and built files"

install: .venv/.installed assets

.venv/.installed: pyproject.toml
	bash scripts/bootstrap.sh
	@touch $@

assets: .venv/.installed
	bash scripts/build-assets.sh

demo-build: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py build_demo --people $(DEMO_PEOPLE) --seed $(DEMO_SEED)

demo: demo-build
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving on http://$(HOST):$(PORT) with a background task worker; Ctrl-C stops both."
	$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --insecure $(HOST):$(PORT)

test: install
	bash scripts/test.sh

test-fast: install
	$(PY) -m pytest -q -m "not browser and not slow" -x

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy

format: install
	.venv/bin/ruff format .

bench: install
	bash scripts/bench.sh

clean:
	rm -rf .venv node_modules src/desist/web/static/dist staticfiles var
