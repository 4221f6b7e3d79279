# `make serve` (set up, build, serve the site), `make test` (set up, run every check), `make lint` (style,
# types, complexity).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001

.PHONY: serve test lint build chromium nginx npm clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	touch $@

serve: $(VENV)/.installed
	$(BIN)/kz-rule-of-law serve --port $(PORT)

build: $(VENV)/.installed
	$(BIN)/kz-rule-of-law build

# Browser tests drive Debian's Chromium; it is installed from Debian's packages, never downloaded.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The replicas benchmark and its config test run Debian's nginx as a child process; its service is not started.
nginx:
	@test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

# The browser tests inject axe-core (the accessibility checker) from npm, pinned in package.json and
# package-lock.json; Node and npm come from Debian's packages when the machine has none.
npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Everything, lint first. A quick loop while editing: .venv/bin/python -m pytest -m 'not slow and not browser and not server'
# (markers in pyproject.toml); screenshots go to $KZ_TEST_OUTPUT, else a pytest temp folder it prints.
test: $(VENV)/.installed chromium nginx npm lint
	$(BIN)/kz-rule-of-law build --check
	$(BIN)/frictionless validate datapackage.json
	$(BIN)/kz-rule-of-law validate
	$(BIN)/python -m pytest

# Style, types and complexity of the package: ruff, mypy, and no function over complexity 10.
lint: $(VENV)/.installed
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy
	RADON=$(BIN)/radon .ci/complexity

clean:
	rm -rf $(VENV) build test-output .pytest_cache .hypothesis node_modules
