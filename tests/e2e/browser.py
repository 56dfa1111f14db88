"""The browser side of the end-to-end stage: Debian's chromium driven by Playwright, and screenshots per step.

Every step saves a screenshot to ``artifacts/e2e/<run>/<test>/screenshots/`` once the page has settled (settle.py:
fonts loaded, no animation running, every filled field showing its value with its label clear of it); a step that
does not appear, or does not settle, fails the test with its screenshot's path. HA's frontend is web components with
shadow DOM: Playwright's CSS and role selectors pierce open shadow roots.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from scripts.dev_support.processes import host_path

from .settle import wait_until_settled

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from playwright.sync_api import Page

# Debian's chromium, headless, with nothing that reaches out to the internet (this machine's network is closed).
# Playwright adds --headless and --no-sandbox itself and gives every launch a new, empty user data directory.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
STEP_TIMEOUT_MS = 30_000
REST_POINT = (640, 1075)
"""Where the pointer rests for a README screenshot: the bottom of the 1280 x 1080 page, below every dialog."""


def chromium_executable() -> str:
    """Debian's chromium (scripts/setup installs it), or an installed Google Chrome; never a downloaded browser."""
    for name in ("chromium", "google-chrome"):
        if found := shutil.which(name):
            return found
    pytest.fail("no chromium on PATH: scripts/setup installs Debian's chromium (apt-get install chromium)")


class Steps:
    """Run named UI steps; screenshot each one, and fail with the screenshot's path when a step does not happen."""

    def __init__(self, page: Page, folder: Path) -> None:
        """Screenshots go to ``folder``."""
        self.page = page
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, action: Callable[[], object], *, readme: str | None = None) -> None:
        """Run ``action`` (which waits for what the step must show), wait for the page to settle, take a screenshot.

        A ``readme`` step is one of the README's screenshots: the focus and the pointer leave the form first (at rest),
        and the screenshot is also saved as ``readme/<readme>.png``.
        """
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        shot = self.folder / f"{self.count:02d}-{slug}.png"
        try:
            action()
            if readme is not None:
                # Off the form: a field under the pointer is drawn hovered (darker), as if it were being edited.
                self.page.mouse.move(*REST_POINT)
            wait_until_settled(self.page, blur=readme is not None)
        except (PlaywrightError, AssertionError) as err:
            failed = shot.with_name(f"{shot.stem}-FAILED.png")
            self.page.screenshot(path=failed, full_page=True)
            pytest.fail(f"step {self.count} ({name}) did not appear: {err}\nscreenshot: {host_path(failed)}")
        self.page.screenshot(path=shot, full_page=True)
        if readme is not None:
            (self.folder / "readme").mkdir(exist_ok=True)
            shutil.copyfile(shot, self.folder / "readme" / f"{readme}.png")


@contextmanager
def browser_page() -> Iterator[Page]:
    """A page of a new headless chromium (1280 x 1080, en-US), closed afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1080}, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            yield page
        finally:
            browser.close()
