"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server.

Chromium comes from the distribution (`apt-get install chromium`), never from
`playwright install`. Without it the browser tests fail and say so; set
SITEBOOK_SKIP_BROWSER=1 to skip them on purpose instead.

Screenshots go to test-artifacts/browser/ at the top of the repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; without this, Django
# refuses ORM calls from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
TIMEOUT_MS = 15_000

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# Browser locale and Accept-Language header for each language the site offers.
LOCALES = {
    "en": ("en-US", "en"),
    "zh-hans": ("zh-CN", "zh-Hans,zh;q=0.9"),
}


def _skip_requested() -> bool:
    return os.environ.get("SITEBOOK_SKIP_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def require_chromium() -> None:
    """Skip when asked to; otherwise fail (not skip) when the browser is missing."""
    if _skip_requested():
        pytest.skip("SITEBOOK_SKIP_BROWSER=1: browser tests skipped on request")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}. The browser tests drive Debian's Chromium: "
            "run `apt-get install chromium` (never `playwright install`), or set "
            "SITEBOOK_SKIP_BROWSER=1 to skip these tests on purpose.",
            pytrace=False,
        )


class _Browser:
    """One Chromium for the whole session, started by the first test that needs it.

    Starting it lazily, from inside the test, makes a missing browser a test failure
    rather than a fixture error.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def get(self) -> Any:
        if self._browser is None:
            require_chromium()
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


@pytest.fixture(scope="session")
def _chromium() -> Iterator[_Browser]:
    holder = _Browser()
    yield holder
    holder.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(_chromium: _Browser) -> Iterator[Callable[[str], Any]]:
    """open_page(lang) -> a fresh Playwright page (own cookies) speaking `lang`.

    The browser's locale and its Accept-Language header are both set for the language.
    JavaScript errors on any page opened this way fail the test.
    """
    from playwright.sync_api import expect

    contexts: list[Any] = []
    errors: list[str] = []

    def open_(lang: str) -> Any:
        locale, accept_language = LOCALES[lang]
        context = _chromium.get().new_context(
            locale=locale,
            extra_http_headers={"Accept-Language": accept_language},
            viewport=DESKTOP,
        )
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
