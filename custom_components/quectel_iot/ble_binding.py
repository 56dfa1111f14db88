"""The Bluetooth binding form, shared by the discovery flow and the options flow's "bind nearby" step.

Both collect the action's fields, check them with the action's own validators (``validation.py``), build the request
with the action's builder (``bind_requests.py``) and bind through the account: one code path for pure-BLE binding,
whichever way the user arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from . import validation as v
from .bind_requests import pure_ble_bind_request, saved_product_secret
from .const import (
    ATTR_BINDING_CODE,
    ATTR_BINDING_SECRET,
    ATTR_CAPABILITIES,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_KEY,
    ATTR_DEVICE_NAME,
    ATTR_DEVICE_PASSWORD,
    ATTR_ENCRYPTED_BINDING_CODE,
    ATTR_PRODUCT_KEY,
    ATTR_PRODUCT_SECRET,
    ATTR_RANDOM,
    ATTR_SAVE_PRODUCT_SECRET,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .api import QuecAdvertisement
    from .data import QuecConfigEntry

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

# The form's fields, checked by the action's validators; the product secret may also come saved.
FORM_RULES: Final = v.FormRules(
    fields={
        ATTR_BINDING_CODE: v.FormField(v.binding_code, strip=True),
        ATTR_ENCRYPTED_BINDING_CODE: v.FormField(v.encrypted_binding_code, strip=True),
        ATTR_RANDOM: v.FormField(v.random_value, strip=True),
        ATTR_BINDING_SECRET: v.FormField(v.text(), required=True, strip=True),
        ATTR_DEVICE_PASSWORD: v.FormField(v.text(), strip=True),
        ATTR_DEVICE_NAME: v.FormField(v.device_name, strip=True),
        ATTR_PRODUCT_SECRET: v.FormField(v.product_secret),
    },
    across=(v.binding_code_choice,),
)


def account_selector(accounts: list[QuecConfigEntry]) -> SelectSelector:
    """A choice of the loaded accounts, by title."""
    return SelectSelector(
        SelectSelectorConfig(
            options=[SelectOptionDict(value=entry.entry_id, label=entry.title) for entry in accounts],
            mode=SelectSelectorMode.DROPDOWN,
        )
    )


def known_product_secret(entries: list[QuecConfigEntry], product_key: str) -> str | None:
    """A product secret saved in any of these accounts' options (to pre-fill the form)."""
    return saved_product_secret([entry.options for entry in entries], product_key)


def bind_schema(accounts: list[QuecConfigEntry] | None) -> vol.Schema:
    """The form; ``accounts`` adds the account picker (only when there is more than one)."""
    fields: dict[vol.Marker, Any] = {}
    if accounts:
        fields[vol.Required(ATTR_CONFIG_ENTRY_ID)] = account_selector(accounts)
    fields[vol.Optional(ATTR_BINDING_CODE)] = TextSelector()
    fields[vol.Optional(ATTR_ENCRYPTED_BINDING_CODE)] = TextSelector()
    fields[vol.Optional(ATTR_RANDOM)] = TextSelector()
    fields[vol.Required(ATTR_BINDING_SECRET)] = _PASSWORD
    fields[vol.Optional(ATTR_DEVICE_PASSWORD)] = _PASSWORD
    fields[vol.Optional(ATTR_DEVICE_NAME)] = TextSelector()
    fields[vol.Optional(ATTR_PRODUCT_SECRET)] = _PASSWORD
    fields[vol.Required(ATTR_SAVE_PRODUCT_SECRET, default=True)] = BooleanSelector()
    return vol.Schema(fields)


@dataclass(slots=True)
class BindOutcome:
    """The form's result: errors (with placeholders) to show again, or the device that was bound."""

    errors: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)
    bound: bool = False


async def async_bind_from_form(
    hass: HomeAssistant, entry: QuecConfigEntry, advertisement: QuecAdvertisement, user_input: dict[str, Any]
) -> BindOutcome:
    """Check the form, then bind through the same builder and account call as the ``bind_ble`` action."""
    assert advertisement.identity is not None
    product_key, device_key = advertisement.identity
    errors = v.check_form(FORM_RULES, user_input)
    product_secret = user_input.get(ATTR_PRODUCT_SECRET) or known_product_secret([entry], product_key)
    if not product_secret:
        errors[ATTR_PRODUCT_SECRET] = "product_secret_missing"
    if errors:
        return BindOutcome(errors=errors)
    assert product_secret is not None
    fields = v.form_values(FORM_RULES, user_input)
    fields |= {ATTR_PRODUCT_KEY: product_key, ATTR_DEVICE_KEY: device_key}
    if advertisement.capabilities is not None:
        # What the device advertises about itself beats a general default.
        fields[ATTR_CAPABILITIES] = advertisement.capabilities
    try:
        await entry.runtime_data.async_bind_ble(pure_ble_bind_request(entry.options, fields, product_secret))
    except HomeAssistantError as err:
        return BindOutcome(errors={"base": "bind_failed"}, placeholders={"error": str(err)})
    if user_input.get(ATTR_SAVE_PRODUCT_SECRET):
        entry.runtime_data.async_save_product_secret(product_key, product_secret)
    return BindOutcome(bound=True)
