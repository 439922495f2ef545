# Debrief: `make run` opens the app, `make test` runs the whole suite headless.
# Both create .venv on first use and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test fuzz lint bench clean

run: $(STAMP)
	@$(VENV)/bin/debrief

test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache --no-logo
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# The property and fault-injection tests with 20x the examples and kills of CI.
fuzz: $(STAMP)
	DEBRIEF_FUZZ=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m fuzz

lint: $(STAMP)
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[lint]' > $(VENV)/lint-install.log 2>&1 \
		|| { tail -n 30 $(VENV)/lint-install.log; exit 1; }
	$(VENV)/bin/ruff check app models exports views tests bench
	$(VENV)/bin/mypy

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	@echo "Installing Debrief and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(PY) -m pip install --disable-pip-version-check -e '.[test,postgres]' > $(VENV)/install.log 2>&1 \
		|| { tail -n 30 $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
