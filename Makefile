# The two commands: `make demo` runs the system, `make test` runs the whole suite.
# Both create their own virtualenv and install everything they need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ASSETS := node_modules/.installed

.PHONY: demo test lint install clean system-packages

demo: $(INSTALLED) $(ASSETS)
	$(VENV)/bin/callcenter demo

test: $(INSTALLED) $(ASSETS) system-packages
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

# Debian packages the tests drive: chromium for the browser tests (with Thai fonts),
# espeak-ng and sox for the placeholder IVR prompts. Installed only when missing.
SYSTEM_PACKAGES := chromium fonts-thai-tlwg espeak-ng sox
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
