# The two commands: `make demo` runs the system, `make test` runs the whole suite.
# Both create their own virtualenv and install everything they need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.installed

.PHONY: demo test lint install clean

demo: $(INSTALLED) $(ASSETS)
	$(VENV)/bin/callcenter demo

test: $(INSTALLED) $(ASSETS)
	$(MAKE) lint
	$(PY) -m pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

install: $(INSTALLED) $(ASSETS)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Thai web font and htmx, served by the console itself (never from a CDN).
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
