"""The screenshot gate itself (settle.py), in Debian's chromium on a page of its own: it must be able to fail.

The page copies the shape of HA's text field (a web component whose shadow root holds a label filled through a slot,
and the input, its value drawn below the floated label) so that each way a screenshot can catch the form moving is
planted deterministically: a label over the value, a transition still running, a component that has not reported
the typed value, and a fixed page that passes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import sync_playwright

from .browser import CHROMIUM_ARGS, chromium_executable
from .settle import unsettled, wait_until_settled

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Page

FIELD_PAGE = """\
<!doctype html>
<style>body { font: 14px sans-serif; }</style>
<fake-input id="field"><span slot="label">User domain*</span></fake-input>
<script>
customElements.define("fake-input", class extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" }).innerHTML = `
      <style>
        :host { display: block; position: relative; width: 400px; height: 56px; }
        label { position: absolute; left: 16px; top: 12px; font-size: 10px; line-height: 12px; }
        label.resting { top: 20px; font-size: 14px; line-height: 16.8px; }
        label.slow { transition: top 30s linear; }
        input { box-sizing: border-box; width: 100%; height: 56px; padding: 12px 16px 0; border: 0;
                font-size: 14px; line-height: 16.8px; }
      </style>
      <label><slot name="label"></slot></label><input name="user_domain">`;
    this.value = "";
  }
});
</script>
"""


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _field(page: Page, *, value: str, reported: str | None = None, label_class: str = "") -> None:
    """Load the page with the field holding ``value`` (its component reporting ``reported``, default the same)."""
    page.set_content(FIELD_PAGE)
    page.evaluate(
        """([value, reported, labelClass]) => {
            const field = document.getElementById("field");
            field.shadowRoot.querySelector("input").value = value;
            field.value = reported;
            field.shadowRoot.querySelector("label").className = labelClass;
        }""",
        [value, value if reported is None else reported, label_class],
    )


def test_a_settled_field_passes(page: Page) -> None:
    _field(page, value="C.DM.90001.1")
    assert unsettled(page) == ""
    wait_until_settled(page, timeout=5)


def test_a_label_drawn_over_the_value_fails(page: Page) -> None:
    _field(page, value="C.DM.90001.1", label_class="resting")
    assert unsettled(page).startswith("user_domain: its label (bottom")
    with pytest.raises(AssertionError, match="did not settle within 1 s: user_domain: its label"):
        wait_until_settled(page, timeout=1)


def test_an_empty_field_may_keep_its_label_resting(page: Page) -> None:
    _field(page, value="", label_class="resting")
    assert unsettled(page) == ""


def test_a_running_transition_fails(page: Page) -> None:
    _field(page, value="C.DM.90001.1", label_class="resting")
    # The label floats up, slowly: a screenshot now would catch it on its way.
    page.evaluate("""() => {
        const label = document.getElementById("field").shadowRoot.querySelector("label");
        label.getBoundingClientRect();
        label.className = "slow";
    }""")
    assert unsettled(page) == "1 animation(s) running (label)"


def test_a_component_that_has_not_reported_the_value_fails(page: Page) -> None:
    _field(page, value="C.DM.90001.1", reported="C.DM.9")
    assert unsettled(page) == "user_domain: <fake-input> has not reported its value yet"
