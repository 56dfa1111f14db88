"""The Bluetooth binding form, shared by the discovery flow and the options flow's "bind nearby" step.

Both collect the same fields (the action's names), check them with the action's rules, and bind through
``binding.async_bind_ble``: one code path for pure-BLE binding, whichever way the user arrives.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
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

from .api import PureBleBindRequest
from .binding import async_bind_ble, device_identifier, resolve_bind_options
from .const import DOMAIN, OPT_PRODUCT_SECRETS
from .validation import BINDING_CODE_PATTERN, DEVICE_NAME_MAX_LENGTH, RANDOM_LENGTH, is_valid_product_secret

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .api import QuecAdvertisement
    from .data import QuecConfigEntry

CONF_CONFIG_ENTRY_ID: Final = "config_entry_id"
CONF_BINDING_CODE: Final = "binding_code"
CONF_ENCRYPTED_BINDING_CODE: Final = "encrypted_binding_code"
CONF_BINDING_SECRET: Final = "binding_secret"  # noqa: S105 - a field name
CONF_DEVICE_PASSWORD: Final = "device_password"  # noqa: S105 - a field name
CONF_DEVICE_NAME: Final = "device_name"
CONF_PRODUCT_SECRET: Final = "product_secret"  # noqa: S105 - a field name
CONF_SAVE_PRODUCT_SECRET: Final = "save_product_secret"  # noqa: S105 - a field name
CONF_RANDOM: Final = "random"

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def device_label(advertisement: QuecAdvertisement, local_name: str | None) -> str:
    """How the form names a discovered device."""
    product_key, device_key = advertisement.identity or ("?", "?")
    return f"{local_name or 'Quectel BLE'} ({product_key} / {device_key})"


def is_in_registry(hass: HomeAssistant, product_key: str, device_key: str) -> bool:
    """Whether any account already has this device in Home Assistant."""
    registry = dr.async_get(hass)
    identifier = device_identifier(product_key, device_key)
    return any(
        registry.async_get_device_by_identifier(identifier, entry.entry_id) is not None
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
    )


def known_product_secret(entries: list[QuecConfigEntry], product_key: str) -> str | None:
    """A product secret saved in any of these accounts' options."""
    for entry in entries:
        secret: str | None = entry.options.get(OPT_PRODUCT_SECRETS, {}).get(product_key)
        if secret:
            return secret
    return None


def bind_schema(accounts: list[QuecConfigEntry] | None) -> vol.Schema:
    """The form; ``accounts`` adds the account picker (only when there is more than one)."""
    fields: dict[vol.Marker, Any] = {}
    if accounts:
        fields[vol.Required(CONF_CONFIG_ENTRY_ID)] = SelectSelector(
            SelectSelectorConfig(
                options=[SelectOptionDict(value=entry.entry_id, label=entry.title) for entry in accounts],
                mode=SelectSelectorMode.DROPDOWN,
            )
        )
    fields[vol.Optional(CONF_BINDING_CODE)] = TextSelector()
    fields[vol.Optional(CONF_ENCRYPTED_BINDING_CODE)] = TextSelector()
    fields[vol.Optional(CONF_RANDOM)] = TextSelector()
    fields[vol.Required(CONF_BINDING_SECRET)] = _PASSWORD
    fields[vol.Optional(CONF_DEVICE_PASSWORD)] = _PASSWORD
    fields[vol.Optional(CONF_DEVICE_NAME)] = TextSelector()
    fields[vol.Optional(CONF_PRODUCT_SECRET)] = _PASSWORD
    fields[vol.Required(CONF_SAVE_PRODUCT_SECRET, default=True)] = BooleanSelector()
    return vol.Schema(fields)


@dataclass(slots=True)
class BindOutcome:
    """The form's result: errors (with placeholders) to show again, or the device that was bound."""

    errors: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)
    bound: bool = False


def _clean(user_input: dict[str, Any], key: str) -> str:
    value = user_input.get(key)
    return value.strip() if isinstance(value, str) else ""


def _binding_code_errors(user_input: dict[str, Any]) -> dict[str, str]:
    code = _clean(user_input, CONF_BINDING_CODE)
    encrypted = _clean(user_input, CONF_ENCRYPTED_BINDING_CODE)
    if bool(code) == bool(encrypted):
        return {"base": "binding_code_choice"}
    if code:
        return {} if BINDING_CODE_PATTERN.match(code) else {CONF_BINDING_CODE: "invalid_binding_code"}
    try:
        base64.b64decode(encrypted, validate=True)
    except binascii.Error:
        return {CONF_ENCRYPTED_BINDING_CODE: "invalid_encrypted_binding_code"}
    # The device encrypted its code with its own random: without it the cloud cannot decrypt.
    return {} if _clean(user_input, CONF_RANDOM) else {CONF_RANDOM: "random_required"}


def _validate(user_input: dict[str, Any], product_secret: str) -> dict[str, str]:
    errors = _binding_code_errors(user_input)
    random = _clean(user_input, CONF_RANDOM)
    if random and not (len(random) == RANDOM_LENGTH and random.isascii() and random.isalnum()):
        errors[CONF_RANDOM] = "invalid_random"
    if not _clean(user_input, CONF_BINDING_SECRET):
        errors[CONF_BINDING_SECRET] = "required"
    if len(_clean(user_input, CONF_DEVICE_NAME)) > DEVICE_NAME_MAX_LENGTH:
        errors[CONF_DEVICE_NAME] = "device_name_too_long"
    if not product_secret:
        errors[CONF_PRODUCT_SECRET] = "product_secret_missing"
    elif not is_valid_product_secret(product_secret):
        errors[CONF_PRODUCT_SECRET] = "invalid_product_secret"
    return errors


async def async_bind_from_form(
    hass: HomeAssistant, entry: QuecConfigEntry, advertisement: QuecAdvertisement, user_input: dict[str, Any]
) -> BindOutcome:
    """Check the form, then bind through the same code path as the ``bind_ble`` action."""
    assert advertisement.identity is not None
    product_key, device_key = advertisement.identity
    product_secret = user_input.get(CONF_PRODUCT_SECRET) or known_product_secret([entry], product_key) or ""
    errors = _validate(user_input, product_secret)
    if errors:
        return BindOutcome(errors=errors)
    code = _clean(user_input, CONF_BINDING_CODE)
    request = PureBleBindRequest(
        product_key=product_key,
        device_key=device_key,
        product_secret=product_secret,
        binding_secret=_clean(user_input, CONF_BINDING_SECRET),
        binding_code=code.upper() if code else None,
        encrypted_binding_code=_clean(user_input, CONF_ENCRYPTED_BINDING_CODE) or None,
        device_password=_clean(user_input, CONF_DEVICE_PASSWORD) or None,
        random=_clean(user_input, CONF_RANDOM) or None,
        options=resolve_bind_options(
            entry,
            device_name=_clean(user_input, CONF_DEVICE_NAME) or None,
            # What the device advertises about itself beats a general default.
            capabilities=advertisement.capabilities,
        ),
    )
    try:
        await async_bind_ble(hass, entry, request)
    except HomeAssistantError as err:
        return BindOutcome(errors={"base": "bind_failed"}, placeholders={"error": str(err)})
    if user_input.get(CONF_SAVE_PRODUCT_SECRET) and entry.options.get(OPT_PRODUCT_SECRETS, {}).get(product_key) != (
        product_secret
    ):
        secrets = {**entry.options.get(OPT_PRODUCT_SECRETS, {}), product_key: product_secret}
        # Options change without a reload: nothing loaded depends on the product secrets.
        hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_PRODUCT_SECRETS: secrets})
    return BindOutcome(bound=True)
