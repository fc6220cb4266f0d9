# Two commands are the contract (see README.md):
#   make run   - install, migrate, load the demo content, serve http://127.0.0.1:8000/
#   make test  - install what the tests need (Chromium included) and run the whole suite
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install browser-deps lint format check-migrations worker bench clean

$(VENV)/.installed: pyproject.toml
	@python=$$(bin/find-python) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Création de l'environnement virtuel avec $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_content
	$(MANAGE) ensure_demo_admin
	@echo "Site : http://$(HOST):$(PORT)/   administration : http://$(HOST):$(PORT)/admin/"
	@echo "(courriels affichés ici ; tâches de fond : db_worker lancé à côté)"
	@$(MANAGE) db_worker --no-startup-delay --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

browser-deps:
	@bin/install-browser

test: install browser-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(MANAGE) makemigrations --check --dry-run

worker: install
	$(MANAGE) db_worker

bench: install
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) db.sqlite3 media/ staticfiles/
