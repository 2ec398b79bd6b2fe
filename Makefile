# Maillage — developer commands. `make help` lists them. Needs only Python 3.11 (`python3`) and GNU make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --progress-bar off
# Runtime and development dependencies are installed again only when their requirements file changes.
REQUIREMENTS_STAMP := $(VENV)/.requirements.stamp
DEV_REQUIREMENTS_STAMP := $(VENV)/.requirements-dev.stamp
PYTEST_ARGS ?=
# make run: the web server's port (127.0.0.1:$(PORT)); honcho runs the Procfile with the environment that
# `manage.py run_env` writes (the broker it chose, the site's address).
PORT ?= $(or $(MAILLAGE_PORT),8000)
RUN_ENV := var/run.env
HONCHO := PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --env $(RUN_ENV) --procfile Procfile
# The suite runs in one process per core (pytest-xdist), a whole test file per process at a time (see
# tests/conftest.py), so module-scoped fixtures are built once. Locally each process keeps its test database
# between runs (`--reuse-db`; `make test PYTEST_ARGS=--create-db` rebuilds it); CI (CI=true) creates them afresh.
PYTEST_WORKERS ?= auto
ifeq ($(CI),true)
PYTEST_DATABASE := --create-db
else
PYTEST_DATABASE := --reuse-db
endif

.PHONY: help install install-dev run start test lint format messages check migrate demo admin shell clean

help: ## Liste les commandes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

$(REQUIREMENTS_STAMP): requirements.txt | $(PY)
	@echo "Installation de requirements.txt dans $(VENV)…"
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(DEV_REQUIREMENTS_STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "Installation de requirements-dev.txt dans $(VENV)…"
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@ $(REQUIREMENTS_STAMP)

install: $(REQUIREMENTS_STAMP) ## Crée .venv et installe requirements.txt (si besoin)

install-dev: $(DEV_REQUIREMENTS_STAMP) ## Crée .venv et installe requirements-dev.txt (si besoin)

run: $(REQUIREMENTS_STAMP) ## Prépare la base puis lance web (127.0.0.1:8000, PORT=…), les workers (défaut, feeds) et beat ; Ctrl-C arrête tout
	$(MANAGE) run_env --addr 127.0.0.1:$(PORT) --output $(RUN_ENV)
	$(HONCHO) run python manage.py prepare_run
	$(HONCHO) start --port $(PORT)

start: $(REQUIREMENTS_STAMP) ## Comme run, sans préparer la base (ni migrations, ni démo, ni administrateur)
	$(MANAGE) run_env --addr 127.0.0.1:$(PORT) --output $(RUN_ENV)
	$(HONCHO) start --port $(PORT)

test: $(DEV_REQUIREMENTS_STAMP) ## Lance toute la suite pytest sur tous les cœurs, navigateur compris (PYTEST_ARGS=… pour filtrer)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest \
		-n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_DATABASE) $(PYTEST_ARGS)

lint: $(DEV_REQUIREMENTS_STAMP) ## ruff check + ruff format --check + lint-imports (couches des apps)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(DEV_REQUIREMENTS_STAMP) ## Reformate le code (ruff format, tri des imports)
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

messages: $(REQUIREMENTS_STAMP) ## Met à jour les pluriels français (locale/fr) ; demande GNU gettext
	$(MANAGE) french_plurals

check: $(REQUIREMENTS_STAMP) ## manage.py check + migrations manquantes
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

migrate: $(REQUIREMENTS_STAMP) ## Applique les migrations
	$(MANAGE) migrate --noinput

demo: $(REQUIREMENTS_STAMP) ## Charge le territoire de démonstration (idempotent)
	$(MANAGE) load_demo

admin: $(REQUIREMENTS_STAMP) ## Crée le compte administrateur s'il manque (MAILLAGE_ADMIN_EMAIL / _PASSWORD)
	$(MANAGE) ensure_admin

shell: $(REQUIREMENTS_STAMP) ## Shell Django
	$(MANAGE) shell

clean: ## Supprime var/ (base SQLite, médias, file Celery) et .venv
	rm -rf var $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
