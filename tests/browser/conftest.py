"""Headless Chromium for the browser tests: Debian's chromium driven by playwright.

Pages open from file:// with every other request aborted and recorded. Under
``CI=true`` a missing browser fails the run instead of skipping the tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--allow-file-access-from-files",
]  # fmt: skip


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}: the browser tests cannot run")
    pytest.skip(reason)


@dataclass
class Visit:
    """One page opened in Chromium, with what it tried and logged."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    executable = os.environ.get("CHROMIUM") or next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None
    )
    if executable is None:
        _missing("no Chromium on PATH (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Any]:
    """Return a function opening a local file; every non-file request is aborted.

    ``wait_for`` is a CSS selector to wait for after the page has loaded (a map's
    ``.leaflet-container``, drawn by script).
    """
    contexts = []

    def visit(
        path: Path, *, width: int = 1280, height: int = 800, wait_for: str | None = None
    ) -> Visit:
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url.startswith(("file://", "data:", "blob:")):
                request_route.continue_()
            else:
                seen.blocked.append(url)
                request_route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and seen.errors.append(m.text))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))

        def dialog(d: Any) -> None:
            seen.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.resolve().as_uri(), wait_until="load")
        if wait_for is not None:
            page.wait_for_selector(wait_for, timeout=15_000)
        return seen

    yield visit
    for context in contexts:
        context.close()
