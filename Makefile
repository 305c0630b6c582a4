# `make test` is the test command the README promises and CI runs.
PYTHON ?= python3
PYTEST_ARGS ?=

.PHONY: install install-test browser test lint run

install:
	$(PYTHON) -m pip install --quiet .

install-test:
	$(PYTHON) -m pip install --quiet -e ".[test]"

# Browser tests drive Debian's Chromium (and screenshots need a Chinese font), and the
# translation check needs GNU gettext; install them from the distribution if they are missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 && \
	   fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; } || { \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei gettext >/dev/null; }

test: install-test browser
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint:
	ruff check .
	ruff format --check .
	lint-imports
	mypy --strict sitebook/engine sitebook/interchange
	scripts/i18n.sh --check

run: install
	sitebook up
