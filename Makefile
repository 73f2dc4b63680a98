# Sobes: the two commands are `make run` and `make test` (see README.md).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
WEB    := clients/web
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
               $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/package.json \
               $(wildcard $(WEB)/tsconfig*.json)

.PHONY: run test install install-test web collab-clients lint format bench test-tools clean

run: install web
	$(BIN)/sobes migrate
	@if [ ! -f var/.demo-data-loaded ]; then \
		$(BIN)/sobes demo-data && mkdir -p var && touch var/.demo-data-loaded; \
	fi
	SOBES_LOG_FORMAT=$${SOBES_LOG_FORMAT:-text} $(BIN)/sobes serve

test: install-test web collab-clients test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(WEB) && npm run --silent typecheck
	$(BIN)/pytest

bench: install-test collab-clients
	$(BIN)/python bench/http.py
	$(BIN)/python bench/judge.py
	$(BIN)/python bench/screening.py
	$(BIN)/python bench/collab.py

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Sobes needs Python 3.11 or newer (found: $$($(PYTHON) --version 2>&1))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

web: $(WEB)/dist/index.html

$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "the web client needs Node.js 20+ and npm"; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error

$(WEB)/dist/index.html: $(WEB)/node_modules/.package-lock.json $(WEB_SOURCES)
	cd $(WEB) && npm run --silent build

# Real Yjs clients (y-websocket 1.5 and 3.x) and y-websocket's reference server, for
# tests/test_yjs_interop.py and bench/collab.py.
COLLAB := tests/collab
collab-clients: $(COLLAB)/node_modules/.package-lock.json

$(COLLAB)/node_modules/.package-lock.json: $(COLLAB)/package-lock.json
	@command -v npm >/dev/null || { echo "the Yjs interop tests need Node.js 20+ and npm"; exit 1; }
	cd $(COLLAB) && npm ci --no-audit --no-fund --loglevel=error

# What the tests drive, as Debian packages: Chromium (browser tests), HAProxy (cluster test),
# bubblewrap and the six languages' toolchains (judge tests). Installed when missing and we may.
# (Debian's rustc, not rustup's: the sandbox's unprivileged user must be able to reach it.)
TEST_TOOLS := chromium:chromium haproxy:haproxy bwrap:bubblewrap gcc:gcc g++:g++ \
              javac:openjdk-17-jdk-headless node:nodejs rustc:rustc python3:python3
test-tools:
	@missing=""; for pair in $(TEST_TOOLS); do \
		[ -x /usr/bin/$${pair%%:*} ] || [ -x /usr/sbin/$${pair%%:*} ] || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's$$missing for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "the tests need Debian's$$missing: install them (apt-get install$$missing)"; exit 1; \
		fi; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(WEB)/node_modules $(WEB)/dist tests/artifacts
