"""The Wi-Fi set-up steps of a factory-new device, shared by Bluetooth discovery and the options flow.

``provision_wifi`` asks for the network; a progress step sends it over Bluetooth (``provision_send``), a second one
waits while the device joins Wi-Fi and reaches the cloud and then binds it (``provision_wait``); the flow ends with
``provision_successful``. A failure leads back to the Wi-Fi form with the reason in words and the network name kept.
The password is never put back into the form: a suggested value travels in the flow's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.components.bluetooth import async_clear_address_from_match_history
from homeassistant.config_entries import ConfigEntryBaseFlow
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType

from . import validation as v
from .account import DEFAULT_PROVISION_TIMEOUT, WifiSettings
from .bind_requests import provisioned_wifi_request
from .const import ATTR_DEVICE_NAME, ATTR_SSID, ATTR_WIFI_PASSWORD

if TYPE_CHECKING:
    import asyncio

    from homeassistant.config_entries import ConfigFlowResult

    from .api import ProvisionedDevice, WifiBindResult
    from .data import QuecConfigEntry
    from .nearby import NearbyDevice

_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_SSID): TextSelector(),
        vol.Optional(ATTR_WIFI_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
        ),
        vol.Optional(ATTR_DEVICE_NAME): TextSelector(),
    }
)
_FIELD_CHECKS: Final = {ATTR_SSID: v.ssid, ATTR_WIFI_PASSWORD: v.wifi_password, ATTR_DEVICE_NAME: v.device_name}
# How the form words a refusal of the action's validators (``config.error`` / ``options.error``).
_FORM_ERROR: Final = {"text_too_long": "device_name_too_long", "invalid_text": "invalid_device_name"}


def form_error(err: HomeAssistantError) -> str:
    """The form's error key for a failed set-up (the error's own words go in the ``error`` placeholder)."""
    key = err.translation_key or ""
    if key in {"wifi_rejected", "cloud_timeout"}:
        return key
    if key.startswith("ble_"):
        return "cannot_connect"
    return "provision_failed"


class WifiSetupSteps(ConfigEntryBaseFlow):
    """Mixed into a config or options flow that has chosen the device (``_setup_device``) and the account."""

    _setup_device: NearbyDevice | None = None
    _setup_account: QuecConfigEntry | None = None
    _wifi: WifiSettings | None = None
    _wifi_fields: dict[str, Any] | None = None
    _provisioned: ProvisionedDevice | None = None
    _setup_task: asyncio.Task[Any] | None = None
    _setup_error: HomeAssistantError | None = None
    _bound: WifiBindResult | None = None

    def _setup_placeholders(self) -> dict[str, str]:
        assert self._setup_device is not None
        return {"name": self._setup_device.label, "error": ""}

    async def async_step_provision_wifi(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The network the device should join (its password, when it has one), and a name for the device."""
        errors: dict[str, str] = {}
        placeholders = self._setup_placeholders()
        if self._setup_error is not None:
            errors["base"] = form_error(self._setup_error)
            placeholders["error"] = str(self._setup_error)
            self._setup_error = None
        if user_input is not None:
            fields: dict[str, Any] = {}
            for name, check in _FIELD_CHECKS.items():
                value = user_input.get(name)
                if value in (None, "") and name != ATTR_SSID:
                    continue
                try:
                    fields[name] = check(
                        value.strip() if name == ATTR_DEVICE_NAME and isinstance(value, str) else value
                    )
                except v.FieldInvalid as err:
                    errors[name] = _FORM_ERROR.get(err.reason, err.reason)
            if not errors:
                self._wifi = WifiSettings(fields[ATTR_SSID], fields.get(ATTR_WIFI_PASSWORD, ""))
                self._wifi_fields = {ATTR_DEVICE_NAME: fields[ATTR_DEVICE_NAME]} if ATTR_DEVICE_NAME in fields else {}
                return await self.async_step_provision_send()
        suggested = {
            ATTR_SSID: (user_input or {}).get(ATTR_SSID) or (self._wifi.ssid if self._wifi else ""),
            ATTR_DEVICE_NAME: (user_input or {}).get(ATTR_DEVICE_NAME)
            or (self._wifi_fields or {}).get(ATTR_DEVICE_NAME),
        }
        return self.async_show_form(
            step_id="provision_wifi",
            data_schema=self.add_suggested_values_to_schema(_SCHEMA, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_provision_send(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Progress: the Wi-Fi settings go to the device over Bluetooth."""
        assert self._setup_device is not None
        assert self._setup_account is not None
        assert self._wifi is not None
        if self._setup_task is None:
            account = self._setup_account.runtime_data
            self._setup_task = self.hass.async_create_task(
                account.async_send_wifi(self._setup_device.address, self._wifi), eager_start=False
            )
        if not self._setup_task.done():
            return self.async_show_progress(
                step_id="provision_send",
                progress_action="send_wifi",
                progress_task=self._setup_task,
                description_placeholders=self._setup_placeholders(),
            )
        task, self._setup_task = self._setup_task, None
        try:
            self._provisioned = task.result()
        except HomeAssistantError as err:
            self._setup_error = err
            return self.async_show_progress_done(next_step_id="provision_wifi")
        return self.async_show_progress_done(next_step_id="provision_wait")

    async def async_step_provision_wait(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Progress: the device joins Wi-Fi and reaches the cloud; then it is bound to the account."""
        assert self._setup_account is not None
        assert self._provisioned is not None
        if self._setup_task is None:
            account = self._setup_account.runtime_data
            self._setup_task = self.hass.async_create_task(
                account.async_bind_when_reported(
                    provisioned_wifi_request(account.options, self._wifi_fields or {}, self._provisioned),
                    DEFAULT_PROVISION_TIMEOUT,
                ),
                eager_start=False,
            )
        if not self._setup_task.done():
            return self.async_show_progress(
                step_id="provision_wait",
                progress_action="wait_for_cloud",
                progress_task=self._setup_task,
                description_placeholders=self._setup_placeholders(),
            )
        task, self._setup_task = self._setup_task, None
        try:
            self._bound = task.result()
        except HomeAssistantError as err:
            self._setup_error = err
            return self.async_show_progress_done(next_step_id="provision_wifi")
        return self.async_show_progress_done(next_step_id="provision_done")

    async def async_step_provision_done(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The device is on Wi-Fi and bound to the account."""
        assert self._setup_device is not None
        assert self._setup_account is not None
        # The device now advertises "configured, bound": a later factory reset is discovered again.
        async_clear_address_from_match_history(self.hass, self._setup_device.address)
        return self.async_abort(
            reason="provision_successful",
            description_placeholders={"name": self._setup_device.label, "account": self._setup_account.title},
        )
