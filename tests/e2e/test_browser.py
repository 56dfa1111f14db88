"""The integration as a user meets it: Debian's chromium, driven by Playwright, in a real Home Assistant's web UI.

Log in → Settings → Devices & services → Add integration → Quectel IoT → the account form (region Custom URL, the
simulator's demo account) → the custom endpoint form (the simulator's URL) → the entry on the integration's page →
Settings → Tools → Actions: ``quectel_iot.bind_by_dk`` in YAML mode, and its response → the factory-new Wi-Fi device
under *Discovered*: confirm, the Wi-Fi form, both progress steps, done, the device under the account
(``browser_wifi.py``) → a second account with the region left at *Automatic*, found at the simulator's second
listener, the success dialog naming the data center and the host.
Each step is a screenshot once the page has settled (``browser.py``). The README's screenshots are some of them,
also saved as ``screenshots/readme/<name>.png`` (copy those to ``docs/screenshots/``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from yarl import URL

from scripts.dev_support.ha_client import DEV_USER
from tests.common import (
    CELL_DK_FREE,
    CELL_PK,
    DEMO_DOMAIN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SECRET,
    OTHER_DOMAIN,
    OTHER_EMAIL,
    OTHER_PASSWORD,
    OTHER_SECRET,
)

from .browser import Steps, browser_page
from .browser_wifi import DEVICE_NAME, JOIN_DELAY, REPLY_DELAY, WIFI_NETWORKS, set_up_the_new_wifi_device

if TYPE_CHECKING:
    from .conftest import Stack

REGION_PICKER = 'ha-picker-field[aria-label="Region (data center)"]'
FINISH = re.compile(r"^(Finish|Skip and finish)$")


@pytest.mark.wifi_device(wifi_networks=WIFI_NETWORKS, reply_delay=REPLY_DELAY, join_delay=JOIN_DELAY)
def test_accounts_an_action_and_a_new_wifi_device_in_the_browser(stack: Stack) -> None:
    base = stack.base_url
    with browser_page() as page:
        steps = Steps(page, stack.artifacts / "screenshots")
        _log_in(page, steps, base)
        _add_the_integration(page, steps, base, stack)
        _call_bind_by_dk_in_developer_tools(page, steps, base, stack)
        set_up_the_new_wifi_device(page, steps, base)
        _add_an_account_with_region_automatic(page, steps, base, stack)

    # What the browser created: the demo account (custom URL) and the other one (found by Automatic), both loaded; the
    # device bound by the action and the Wi-Fi device under the demo account.
    entries = stack.api.get("/api/config/config_entries/entry?domain=quectel_iot")
    assert sorted((e["title"], e["state"]) for e in entries) == [(DEMO_EMAIL, "loaded"), (OTHER_EMAIL, "loaded")]
    demo_entry = next(e["entry_id"] for e in entries if e["title"] == DEMO_EMAIL)
    devices = stack.api.ws({"type": "config/device_registry/list"})
    for key in (f"{CELL_PK}_{CELL_DK_FREE}", "p11wifi_a0b1c2d3e4f7"):
        assert [d["config_entries"] for d in devices if ["quectel_iot", key] in d["identifiers"]] == [[demo_entry]]
    online = [
        s["state"]
        for s in stack.api.get("/api/states")
        if s["attributes"].get("friendly_name") == f"{DEVICE_NAME} Online"
    ]
    assert online == ["on"]  # the set-up device reached the cloud
    stack.stop_and_check_logs()


def _log_in(page: Page, step: Steps, base: str) -> None:
    username = page.get_by_role("textbox", name="Username")
    step("login page", lambda: (page.goto(base + "/"), expect(username).to_be_visible()))

    def log_in() -> None:
        username.fill(DEV_USER.username)
        page.get_by_role("textbox", name="Password").fill(DEV_USER.password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Settings", exact=True)).to_be_visible()

    step("logged in", log_in)


def _open_the_account_form(page: Page, step: Steps, name: str) -> None:
    """From Devices & services: Add integration → search → Quectel IoT → the account form."""
    add_integration = page.get_by_role("button", name="Add integration")
    # The dashboard may show an entry of the brand already: look for it in the dialog only.
    brand = page.locator("ha-integration-list-item").get_by_text("Quectel IoT", exact=True)

    def search_brand() -> None:
        add_integration.click()
        expect(page.get_by_text("Select brand")).to_be_visible()
        page.keyboard.type("Quectel")
        expect(brand).to_be_visible()

    step(f"{name}: add integration, search Quectel", search_brand)
    step(
        f"{name}: user step",
        lambda: (
            brand.click(),
            expect(page.get_by_text("Sign in to the Quectel IoT cloud")).to_be_visible(),
        ),
    )


def _fill_in(page: Page, typed: dict[str, str]) -> None:
    for name, value in typed.items():
        page.locator(f"input[name={name}]").fill(value)
    for name, value in typed.items():
        expect(page.locator(f"input[name={name}]")).to_have_value(value)


def _add_the_integration(page: Page, step: Steps, base: str, stack: Stack) -> None:
    """Settings → Devices & services → Add integration → Quectel IoT, both steps, and the entry."""
    step(
        "settings",
        lambda: (
            page.get_by_text("Settings", exact=True).click(),
            expect(page.get_by_text("Devices & services", exact=True)).to_be_visible(),
        ),
    )
    step(
        "devices and services",
        lambda: (
            page.get_by_text("Devices & services", exact=True).click(),
            expect(page.get_by_role("button", name="Add integration")).to_be_visible(),
        ),
    )
    _open_the_account_form(page, step, "custom URL")

    def fill_user_step() -> None:
        page.locator(REGION_PICKER).click()
        page.get_by_role("menuitem", name="Custom URL").click()
        typed = {"user_domain": DEMO_DOMAIN, "user_domain_secret": DEMO_SECRET, "account": DEMO_EMAIL}
        _fill_in(page, {**typed, "password": DEMO_PASSWORD})
        expect(page.locator(REGION_PICKER)).to_contain_text("Custom URL")

    step("custom URL: user step filled in", fill_user_step)
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
        # HA's last dialog: "Success" (no devices), or "Name and assign" for the account's devices; with our text.
        expect(page.get_by_role("button", name=FINISH)).to_be_visible()
        simulator = URL(stack.simulator_url)
        expect(page.get_by_text(f"Signed in at the custom address {simulator.host}:{simulator.port}.")).to_be_visible()

    step("entry created", submit_endpoint, readme="config-flow-devices-created")
    step(
        "dialog closed",
        lambda: (
            page.get_by_role("button", name=FINISH).click(),
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


def _add_an_account_with_region_automatic(page: Page, step: Steps, base: str, stack: Stack) -> None:
    """Add integration again: the region left at Automatic, the second demo user domain (known to the second listener
    only), and the success dialog naming the data center and the host that signed the account in."""
    step(
        "automatic: devices and services",
        lambda: (
            page.goto(base + "/config/integrations/dashboard"),
            expect(page.get_by_role("button", name="Add integration")).to_be_visible(),
        ),
    )
    _open_the_account_form(page, step, "automatic")

    def fill_user_step() -> None:
        expect(page.locator(REGION_PICKER)).to_contain_text("Automatic")  # the default, left as it is
        _fill_in(
            page,
            {
                "user_domain": OTHER_DOMAIN,
                "user_domain_secret": OTHER_SECRET,
                "account": OTHER_EMAIL,
                "password": OTHER_PASSWORD,
            },
        )

    step("automatic: user step filled in", fill_user_step, readme="config-flow-user-step")
    host = URL(stack.other_host_url)
    found = page.get_by_text(f"Signed in at the European data center (Frankfurt), host {host.host}:{host.port}.")
    step(
        "automatic: entry created",
        lambda: (page.get_by_role("button", name="Submit").click(), expect(found).to_be_visible()),
        readme="config-flow-automatic-found",
    )
    step(
        "automatic: dialog closed",
        lambda: (
            page.get_by_role("button", name=FINISH).click(),
            expect(page.get_by_text("Sign in to the Quectel IoT cloud")).to_have_count(0),
        ),
    )
