"""The config flow as a user does it: Debian's chromium, driven by Playwright, in a real Home Assistant's web UI.

Log in → Settings → Devices & services → Add integration → Quectel IoT → the account form (region Custom URL, the
simulator's demo account) → the custom endpoint form (the simulator's URL) → the entry on the integration's page →
Settings → Tools → Actions: ``quectel_iot.bind_by_dk`` in YAML mode, and its response.
Every step saves a screenshot to ``artifacts/e2e/<run>/<test>/screenshots/`` once the page has settled (settle.py:
fonts loaded, no animation running, every filled field showing its value with its label clear of it); a step that
does not appear, or does not settle, fails the test with its screenshot's path. The README's screenshots are three of
them, also saved as ``screenshots/readme/<name>.png`` (copy those to ``docs/screenshots/``). HA's frontend is web
components with shadow DOM: Playwright's CSS and role selectors pierce open shadow roots.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from tests.common import CELL_DK_FREE, CELL_PK, DEMO_DOMAIN, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SECRET

from .real_ha import DEV_USER, host_path
from .settle import wait_until_settled

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import Stack

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

        A ``readme`` step is one of the README's screenshots: the focus leaves the last field first (a resting form),
        and the screenshot is also saved as ``readme/<readme>.png``.
        """
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        shot = self.folder / f"{self.count:02d}-{slug}.png"
        try:
            action()
            wait_until_settled(self.page, blur=readme is not None)
        except (PlaywrightError, AssertionError) as err:
            failed = shot.with_name(f"{shot.stem}-FAILED.png")
            self.page.screenshot(path=failed, full_page=True)
            pytest.fail(f"step {self.count} ({name}) did not appear: {err}\nscreenshot: {host_path(failed)}")
        self.page.screenshot(path=shot, full_page=True)
        if readme is not None:
            (self.folder / "readme").mkdir(exist_ok=True)
            shutil.copyfile(shot, self.folder / "readme" / f"{readme}.png")


def test_add_the_integration_and_call_an_action_in_the_browser(stack: Stack) -> None:
    base = stack.base_url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1080}, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            steps = Steps(page, stack.artifacts / "screenshots")
            _add_the_integration(page, steps, base, stack)
            _call_bind_by_dk_in_developer_tools(page, steps, base, stack)
        finally:
            browser.close()

    # What the browser created is a loaded entry of the demo account, and the device it bound is registered.
    entries = stack.api.get("/api/config/config_entries/entry?domain=quectel_iot")
    assert [(e["title"], e["state"]) for e in entries] == [(DEMO_EMAIL, "loaded")]
    devices = stack.api.ws({"type": "config/device_registry/list"})
    assert any(["quectel_iot", f"{CELL_PK}_{CELL_DK_FREE}"] in d["identifiers"] for d in devices)
    stack.stop_and_check_logs()


def _add_the_integration(page: Page, step: Steps, base: str, stack: Stack) -> None:
    """Log in, then Settings → Devices & services → Add integration → Quectel IoT, both steps, and the entry."""
    username = page.get_by_role("textbox", name="Username")
    step("login page", lambda: (page.goto(base + "/"), expect(username).to_be_visible()))

    def log_in() -> None:
        username.fill(DEV_USER.username)
        page.get_by_role("textbox", name="Password").fill(DEV_USER.password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Settings", exact=True)).to_be_visible()

    step("logged in", log_in)
    step(
        "settings",
        lambda: (
            page.get_by_text("Settings", exact=True).click(),
            expect(page.get_by_text("Devices & services", exact=True)).to_be_visible(),
        ),
    )
    add_integration = page.get_by_role("button", name="Add integration")
    step(
        "devices and services",
        lambda: (
            page.get_by_text("Devices & services", exact=True).click(),
            expect(add_integration).to_be_visible(),
        ),
    )
    brand = page.get_by_text("Quectel IoT", exact=True)

    def search_brand() -> None:
        add_integration.click()
        expect(page.get_by_text("Select brand")).to_be_visible()
        page.keyboard.type("Quectel")
        expect(brand).to_be_visible()

    step("add integration: search Quectel", search_brand)
    step(
        "user step",
        lambda: (brand.click(), expect(page.get_by_text("Sign in to the Quectel IoT cloud")).to_be_visible()),
    )

    def fill_user_step() -> None:
        page.locator('ha-picker-field[aria-label="Region (data center)"]').click()
        page.get_by_role("menuitem", name="Custom URL").click()
        typed = {"user_domain": DEMO_DOMAIN, "user_domain_secret": DEMO_SECRET, "account": DEMO_EMAIL}
        typed["password"] = DEMO_PASSWORD
        for name, value in typed.items():
            page.locator(f"input[name={name}]").fill(value)
        expect(page.locator('ha-picker-field[aria-label="Region (data center)"]')).to_contain_text("Custom URL")
        for name, value in typed.items():
            expect(page.locator(f"input[name={name}]")).to_have_value(value)

    step("user step filled in", fill_user_step, readme="config-flow-user-step")
    base_url = page.locator("input[name=base_url]")
    step(
        "custom endpoint step",
        lambda: (page.get_by_role("button", name="Submit").click(), expect(base_url).to_be_visible()),
    )
    step(
        "custom endpoint filled in",
        lambda: (base_url.fill(stack.simulator_url), expect(base_url).to_have_value(stack.simulator_url)),
        readme="config-flow-custom-endpoint",
    )

    def submit_endpoint() -> None:
        page.get_by_role("button", name="Submit").click()
        # HA's last dialog: "Success" (no devices), or "Name and assign" for the account's devices.
        expect(page.get_by_role("button", name=re.compile(r"^(Finish|Skip and finish)$"))).to_be_visible()

    step("entry created", submit_endpoint, readme="config-flow-devices-created")
    step(
        "dialog closed",
        lambda: (
            page.get_by_role("button", name=re.compile(r"^(Finish|Skip and finish)$")).click(),
            expect(page.get_by_text("Sign in to the Quectel IoT cloud")).to_have_count(0),
        ),
    )
    step(
        "entry on the integration page",
        lambda: (
            page.goto(base + "/config/integrations/integration/quectel_iot"),
            expect(page.get_by_text(DEMO_EMAIL, exact=True)).to_be_visible(),
        ),
    )


def _call_bind_by_dk_in_developer_tools(page: Page, step: Steps, base: str, stack: Stack) -> None:
    """Settings → Tools → Actions: ``quectel_iot.bind_by_dk`` in YAML mode, and its response."""
    editor = page.locator(".cm-content").first

    def open_actions_in_yaml_mode() -> None:
        page.goto(base + "/developer-tools/action")
        page.get_by_text("YAML mode", exact=True).click()
        expect(editor).to_be_visible()

    step("developer tools: actions", open_actions_in_yaml_mode)
    entry_id = stack.api.get("/api/config/config_entries/entry?domain=quectel_iot")[0]["entry_id"]

    def perform_bind_by_dk() -> None:
        editor.fill(
            "action: quectel_iot.bind_by_dk\n"
            "data:\n"
            f"  config_entry_id: {entry_id}\n"
            f"  product_key: {CELL_PK}\n"
            f"  device_key: {CELL_DK_FREE}\n"
        )
        expect(page.get_by_text("Bind device by device key")).to_be_visible()
        page.get_by_role("button", name="Perform action").click()
        expect(page.get_by_text("Response", exact=True)).to_be_visible()
        expect(page.get_by_text("auth_key", exact=True)).to_be_visible()

    step("bind_by_dk performed", perform_bind_by_dk)
