# Cairkan: the two commands are `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export CAIRKAN_VAR_DIR ?= $(CURDIR)/var

.PHONY: run install test lint audit bench messages translations clean

## run: set up, migrate, load the demo data once and serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/cairkan migrate --noinput -v0
	$(BIN)/cairkan seed-demo --if-empty --day
	@echo
	@$(BIN)/cairkan backoffice-demo
	@echo
	@echo "Cairkan is at http://127.0.0.1:$(PORT)/  (health: /healthz)"
	@echo "Officers' back office: http://127.0.0.1:$(PORT)/kantor/  login: loket, verifikator,"
	@echo "  penyelia or auditor / cairkan-demo, then the TOTP code: add the key above to an"
	@echo "  authenticator app, or print the code now with: $(BIN)/cairkan backoffice-demo --code penyelia"
	@echo "Configuration (Django admin): http://127.0.0.1:$(PORT)/admin/  login: operator / cairkan-demo"
	@echo
	@# The payout sweeper pays approved claims with no broker (docs/payments.md); it
	@# stops when the server does.
	$(BIN)/cairkan payouts-sweep --loop --exit-with-parent & \
	$(BIN)/cairkan appointment-reminders --loop --exit-with-parent & \
	exec $(BIN)/gunicorn cairkan.config.wsgi --bind 127.0.0.1:$(PORT) \
		--workers 2 --threads 4 --access-logfile - --error-logfile -

## install: the virtualenv with Cairkan and its dev tools, and compiled translations
install: $(VENV)/.installed messages

$(VENV)/.installed: pyproject.toml scripts/find-python
	@scripts/ensure-system-packages msgfmt=gettext
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	@touch $@

messages: $(VENV)/.installed
	@cd src/cairkan && ../../$(BIN)/cairkan compilemessages -v0

## translations: refresh the catalogues and fill Indonesian from scripts/translations_id.py
translations: $(VENV)/.installed
	scripts/apply-translations
	@$(MAKE) --no-print-directory messages

## test: every tier (SQLite, then PostgreSQL on a throwaway server)
test: install
	@scripts/ensure-system-packages /usr/lib/postgresql/15/bin/initdb=postgresql /usr/bin/chromium=chromium /usr/bin/redis-server=redis-server
	scripts/test

## lint: ruff, mypy and the import-linter contracts
lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports

## audit: installed packages with known vulnerabilities (pip-audit asks PyPI: needs network,
## so it is a release step, not part of lint or CI; docs/operating.md)
audit: install
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

## bench: the benchmarks in bench/, printing their figures
bench: install
	@for b in bench/*.py; do echo "=== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
