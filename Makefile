# Two commands are the contract (see README.md):
#   make run   - install, migrate, load the demo content, serve http://127.0.0.1:8000/
#   make test  - install what the tests need (Chromium included) and run the whole suite
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
STRIPE_DOUBLE_PORT ?= 12111

# Installs come from the lock files (exact versions and hashes), never a fresh resolution:
# requirements/base.lock is the runtime (make run, production); requirements/dev.lock adds
# the test and lint tools (make test, make lint, CI). `make lock` rewrites both.
BASE_LOCK := requirements/base.lock
DEV_LOCK := requirements/dev.lock
UV_VERSION := 0.13.8
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 \
	--generate-hashes --custom-compile-command "make lock" --quiet

.PHONY: run test install install-dev browser-deps services lint format check-migrations worker bench lighthouse lock clean stripe-double

$(VENV)/.created:
	@python=$$(bin/find-python) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Création de l'environnement virtuel avec $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(BASE_LOCK) pyproject.toml | $(VENV)/.created
	$(PY) -m pip install --quiet --require-hashes -r $(BASE_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

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

# Redis and PostgreSQL for the scale-out and outage tests (tests/home/test_scale_out.py,
# tests/home/test_faults.py), whatever database the suite itself runs on.
services:
	@bin/start-services

test: install-dev browser-deps services
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(MANAGE) makemigrations --check --dry-run

worker: install
	$(MANAGE) db_worker

# PostgreSQL, Redis, gunicorn and wrk: README, "Mesures".
bench: install
	$(PY) bench/serve.py $(BENCH_ARGS)

# Lighthouse's four scores on the home page, a project page, the open call and the donation
# page, served as in production on 127.0.0.1 (bench/lighthouse.py; README, "Lighthouse").
# Needs Debian's nodejs, npm and chromium; Lighthouse itself is pinned in bench/lighthouse/.
lighthouse: install
	$(PY) bench/lighthouse.py $(LIGHTHOUSE_ARGS)

# Try gifts without Stripe (README, "Essayer les dons sans Stripe"): the tests' local Stripe
# double, whose "Payer" posts signed events to the site's webhook. Needs only `stripe`
# (installed by `make run`), not the test dependencies.
stripe-double: install
	$(PY) -m tests.donations.stripe_double --port $(STRIPE_DOUBLE_PORT) \
	  --webhook-url http://$(HOST):$(PORT)/dons/stripe/webhook/ --webhook-secret whsec_demo

# After editing the dependencies in pyproject.toml, or to take newer releases within
# their bounds: `make lock` (add UPGRADE=1 to move every pin), then commit both files.
lock: | $(VENV)/.created
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV_COMPILE) $(if $(UPGRADE),--upgrade) -o $(BASE_LOCK)
	$(UV_COMPILE) $(if $(UPGRADE),--upgrade) --extra test --extra lint -c $(BASE_LOCK) -o $(DEV_LOCK)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media/ staticfiles/
