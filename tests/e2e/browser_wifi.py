"""The browser walk of a factory-new Wi-Fi device's set-up, with a screenshot per step (used by ``test_browser.py``).

Devices & services → *Discovered*: the simulated device (``quectel_iot_sim_ble``) → *Add* → the confirmation → the
Wi-Fi form, filled in → progress while the settings go over Bluetooth → progress while the device joins and the cloud
learns its binding code → done → the device's page. The device answers after ``REPLY_DELAY`` and
reaches the cloud ``JOIN_DELAY`` later, so each progress step stays on screen long enough to be taken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from playwright.sync_api import expect

from scripts.dev_support.ha_config import NEW_WIFI_DEVICE, SimulatedWifiDevice
from tests.common import DEMO_EMAIL

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .browser import Steps

SSID: Final = "Workshop"
WIFI_PASSWORD: Final = "wifi-pass-1234"
WIFI_NETWORKS: Final = {SSID: WIFI_PASSWORD}
REPLY_DELAY: Final = 4.0
JOIN_DELAY: Final = 5.0
DEVICE_NAME: Final = "Workshop plug"
LABEL: Final = f"{SimulatedWifiDevice().local_name} ({NEW_WIFI_DEVICE[0]} / {NEW_WIFI_DEVICE[1]})"
PROGRESS_TIMEOUT_MS: Final = 60_000


def set_up_the_new_wifi_device(page: Page, step: Steps, base: str) -> None:
    """From the integrations dashboard to the device's page (the demo account must be loaded)."""
    card = page.locator("ha-config-flow-card").filter(has_text=LABEL)
    step(
        "wifi: the new device under discovered",
        lambda: (page.goto(base + "/config/integrations/dashboard"), expect(card).to_be_visible()),
    )
    step(
        "wifi: confirm",
        lambda: (
            card.get_by_role("button", name="Add").click(),
            expect(page.get_by_text(f"Set up {LABEL}")).to_be_visible(),
        ),
    )
    ssid = page.locator("input[name=ssid]")
    step("wifi: the form", lambda: (page.get_by_role("button", name="Submit").click(), expect(ssid).to_be_visible()))

    def fill_in() -> None:
        typed = {"ssid": SSID, "wifi_password": WIFI_PASSWORD, "device_name": DEVICE_NAME}
        for name, value in typed.items():
            page.locator(f"input[name={name}]").fill(value)
        for name, value in typed.items():
            expect(page.locator(f"input[name={name}]")).to_have_value(value)

    step("wifi: the form filled in", fill_in, readme="wifi-setup-form")
    step(
        "wifi: sending over bluetooth",
        lambda: (
            page.get_by_role("button", name="Submit").click(),
            expect(page.get_by_text(f"Sending the Wi-Fi settings to {LABEL} over Bluetooth")).to_be_visible(),
        ),
    )
    step(
        "wifi: waiting for the cloud",
        lambda: expect(page.get_by_text(f"Waiting for {LABEL} to join the Wi-Fi and reach the cloud")).to_be_visible(
            timeout=PROGRESS_TIMEOUT_MS
        ),
    )
    step(
        "wifi: done",
        lambda: expect(page.get_by_text(f"{LABEL} is on your Wi-Fi and bound to {DEMO_EMAIL}.")).to_be_visible(
            timeout=PROGRESS_TIMEOUT_MS
        ),
        readme="wifi-setup-done",
    )
    step(
        "wifi: the dialog closed",
        lambda: (
            page.get_by_role("button", name="Close", exact=True).last.click(),  # the dialog's own, not its X
            expect(page.get_by_text(f"{LABEL} is on your Wi-Fi")).to_have_count(0),
        ),
    )
    step(
        "wifi: the device under the account",
        lambda: (
            page.goto(base + "/config/devices/dashboard"),
            page.get_by_text(DEVICE_NAME, exact=True).click(),
            # Its product and its Online sensor (test_browser.py checks that it is on: the device reached the cloud).
            expect(page.get_by_text("Smart Plug (p11wifi)")).to_be_visible(),
            expect(page.get_by_text("Online", exact=True)).to_be_visible(),
        ),
    )
