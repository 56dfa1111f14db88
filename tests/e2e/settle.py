"""When a page of HA's frontend has settled enough for a screenshot: fonts loaded, no animation running, every field
showing the value typed into it and its label floated clear of that value.

HA's text fields are web components (``ha-input`` around Web Awesome's ``wa-input``, each with its own shadow root):
the label of a filled field moves up and shrinks in a CSS transition after the field reports its value. A screenshot
taken before that has ended shows the label drawn over the value, which reads as a broken form (it did, in the README).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from playwright.sync_api import Page

SETTLE_TIMEOUT_S: Final = 15.0

# Returns "" when settled, else what is not (the first thing found). Runs after two animation frames, so that a
# transition that the last input started has been created. It walks every shadow root: document.getAnimations() and
# querySelectorAll() do not look inside them.
UNSETTLED_JS: Final = """
async () => {
  const TEXT_TYPES = new Set(["text", "password", "email", "url", "search", "tel", "number"]);
  // Where a label's text is drawn (with what is slotted into it: wa-input's label is a slot that ha-input fills),
  // or null for a label without text.
  const labelTextBox = (label) => {
    const nodes = [label, ...label.querySelectorAll("slot")]
      .flatMap((node) => (node.tagName === "SLOT" ? node.assignedNodes({ flatten: true }) : [...node.childNodes]))
      .filter((node) => node.textContent.trim());
    const rects = nodes
      .map((node) => {
        if (node.nodeType !== Node.TEXT_NODE) return node.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(node);
        return range.getBoundingClientRect();
      })
      .filter((rect) => rect.height > 0);
    if (!rects.length) return null;
    return { top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)) };
  };
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  if (document.fonts.status !== "loaded") return "fonts are still loading";
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const element of roots[i].querySelectorAll("*")) {
      if (element.shadowRoot) roots.push(element.shadowRoot);
    }
  }
  // A spinner runs for ever: only animations that end count.
  const running = roots
    .flatMap((root) => root.getAnimations())
    .filter((a) => a.playState !== "finished" && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  if (running.length) {
    const target = running[0].effect && running[0].effect.target;
    return `${running.length} animation(s) running (${target ? target.tagName.toLowerCase() : "?"})`;
  }
  for (const root of roots) {
    for (const input of root.querySelectorAll("input")) {
      if (!TEXT_TYPES.has(input.type)) continue;  // a checkbox's value is "on", and its label sits beside it
      const box = input.getBoundingClientRect();
      if (!input.value || box.width === 0 || box.height === 0) continue;
      const name = input.name || input.id || "a field";
      // The components around the input hold the value too: the frontend reads theirs.
      let host = root.host;
      for (let level = 0; host && level < 2; level++, host = host.getRootNode().host) {
        if (typeof host.value === "string" && host.value !== input.value) {
          return `${name}: <${host.tagName.toLowerCase()}> has not reported its value yet`;
        }
      }
      const label = root.querySelector("label, .mdc-floating-label");
      const labelBox = label && labelTextBox(label);
      if (!labelBox) continue;  // e.g. a search box: no label to overlap
      // The value is drawn centred in the input's content box, one line high.
      const style = getComputedStyle(input);
      const top = box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
      const bottom = box.bottom - parseFloat(style.borderBottomWidth) - parseFloat(style.paddingBottom);
      const lineHeight = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
      const valueTop = (top + bottom - lineHeight) / 2;
      if (labelBox.bottom > valueTop + 0.5) {
        return `${name}: its label (bottom ${labelBox.bottom.toFixed(1)}) overlaps its value (top ${valueTop.toFixed(1)})`;
      }
    }
  }
  return "";
}
"""

BLUR_JS: Final = """
() => {
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  if (active && active !== document.body) active.blur();
}
"""


def unsettled(page: Page) -> str:
    """What is not settled on the page yet ("" when it all is)."""
    return str(page.evaluate(UNSETTLED_JS))


def wait_until_settled(page: Page, *, blur: bool = True, timeout: float = SETTLE_TIMEOUT_S) -> None:
    """Wait until the page has settled (see the module); with ``blur``, take the focus off the field typed in last.

    Raises:
        AssertionError: not settled within ``timeout`` seconds, saying what was still moving or overlapping.
    """
    if blur:
        page.evaluate(BLUR_JS)
    deadline = time.monotonic() + timeout
    while reason := unsettled(page):
        if time.monotonic() >= deadline:
            msg = f"the page did not settle within {timeout:.0f} s: {reason}"
            raise AssertionError(msg)
        time.sleep(0.1)
