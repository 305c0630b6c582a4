# `make test` is the test command the README promises and CI runs.
PYTHON ?= python3
PYTEST_ARGS ?=

.PHONY: install install-test browser test lint run

install:
	$(PYTHON) -m pip install --quiet .

install-test:
	$(PYTHON) -m pip install --quiet -e ".[test]"

# Browser tests drive Debian's Chromium; install it from the distribution if it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

test: install-test browser
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint:
	ruff check .
	ruff format --check .
	lint-imports
	mypy --strict sitebook/engine sitebook/interchange

run: install
	sitebook up
