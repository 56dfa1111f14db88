"""Options flow: binding defaults (home, room, common device, capabilities) and product secrets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import probatio as vol
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import Family, FamilyRole, needs_wifi
from .ble_binding import async_bind_from_form, bind_schema, known_product_secret
from .const import (
    ATTR_PRODUCT_KEY,
    ATTR_PRODUCT_SECRET,
    DEFAULT_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    OPT_CAPABILITIES,
    OPT_COMMON_DEVICE,
    OPT_FAMILY_ID,
    OPT_PRODUCT_SECRETS,
    OPT_ROOM_ID,
    OPT_SCAN_INTERVAL,
)
from .nearby import NearbyDevice, nearby_devices
from .provision_flow import WifiSetupSteps
from .validation import CAPABILITIES_MAX, CAPABILITIES_MIN, PRODUCT_KEY_PATTERN, is_valid_product_secret

if TYPE_CHECKING:
    from .account import QuecAccount
    from .api import Family

CONF_PRODUCT_KEYS = "product_keys"

_CAPABILITIES_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=CAPABILITIES_MIN, max=CAPABILITIES_MAX, step=1, mode=NumberSelectorMode.BOX)
)


class QuecOptionsFlow(WifiSetupSteps, OptionsFlowWithReload):
    """A menu; saving any page reloads the entry once (no update listener)."""

    def __init__(self) -> None:
        """Nothing fetched yet."""
        self._home_mode: bool | None = None
        self._families: list[Family] = []
        self._pending: dict[str, Any] = {}
        self._nearby: dict[str, NearbyDevice] = {}
        self._chosen: NearbyDevice | None = None

    @property
    def _account(self) -> QuecAccount:
        account: QuecAccount = self.config_entry.runtime_data
        return account

    def _save(self, updates: dict[str, Any], removals: tuple[str, ...] = ()) -> ConfigFlowResult:
        options = {key: value for key, value in self.config_entry.options.items() if key not in removals}
        return self.async_create_entry(data={**options, **updates})

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The menu."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["binding_defaults", "product_secrets", "bind_nearby", "provision_nearby", "polling"],
        )

    # --- binding defaults -------------------------------------------------------------------------------------------

    async def async_step_binding_defaults(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Home (from the cloud when home mode is on, free text otherwise), common device, capabilities."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if self._home_mode is None:
            try:
                self._home_mode = await self._account.async_home_mode()
                if self._home_mode:
                    families = await self._account.async_families()
                    # A mere member may not bind into a home (5669): offer only homes the account manages.
                    self._families = [family for family in families if family.role != FamilyRole.MEMBER]
            except HomeAssistantError:
                return self.async_abort(reason="cannot_connect")
        if user_input is not None:
            common = {
                OPT_COMMON_DEVICE: user_input[OPT_COMMON_DEVICE],
                **({OPT_CAPABILITIES: int(user_input[OPT_CAPABILITIES])} if OPT_CAPABILITIES in user_input else {}),
            }
            family_id = (user_input.get(OPT_FAMILY_ID) or "").strip()
            if self._home_mode and family_id:
                self._pending = {**common, OPT_FAMILY_ID: family_id}
                return await self.async_step_binding_defaults_room()
            room_id = "" if self._home_mode else (user_input.get(OPT_ROOM_ID) or "").strip()
            updates = {
                **common,
                **({OPT_FAMILY_ID: family_id} if family_id else {}),
                **({OPT_ROOM_ID: room_id} if room_id else {}),
            }
            return self._save(updates, removals=(OPT_FAMILY_ID, OPT_ROOM_ID, OPT_CAPABILITIES))
        fields: dict[vol.Marker, Any] = {}
        if self._home_mode:
            fields[vol.Optional(OPT_FAMILY_ID)] = SelectSelector(
                SelectSelectorConfig(
                    options=[SelectOptionDict(value=family.family_id, label=family.name) for family in self._families],
                    mode=SelectSelectorMode.DROPDOWN,
                )
            )
        else:
            fields[vol.Optional(OPT_FAMILY_ID)] = TextSelector()
            fields[vol.Optional(OPT_ROOM_ID)] = TextSelector()
        fields[vol.Required(OPT_COMMON_DEVICE, default=True)] = BooleanSelector()
        fields[vol.Optional(OPT_CAPABILITIES)] = _CAPABILITIES_SELECTOR
        return self.async_show_form(
            step_id="binding_defaults",
            data_schema=self.add_suggested_values_to_schema(vol.Schema(fields), self.config_entry.options),
            description_placeholders={"home_mode": "on" if self._home_mode else "off"},
        )

    async def async_step_binding_defaults_room(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A room of the chosen home (optional)."""
        family_id = self._pending[OPT_FAMILY_ID]
        if user_input is not None:
            room_id = (user_input.get(OPT_ROOM_ID) or "").strip()
            updates = {**self._pending, **({OPT_ROOM_ID: room_id} if room_id else {})}
            return self._save(updates, removals=(OPT_FAMILY_ID, OPT_ROOM_ID, OPT_CAPABILITIES))
        try:
            rooms = await self._account.async_rooms(family_id)
        except HomeAssistantError:
            return self.async_abort(reason="cannot_connect")
        schema = vol.Schema(
            {
                vol.Optional(OPT_ROOM_ID): SelectSelector(
                    SelectSelectorConfig(
                        options=[SelectOptionDict(value=room.room_id, label=room.name) for room in rooms],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                )
            }
        )
        family_name = next((family.name for family in self._families if family.family_id == family_id), family_id)
        suggested = self.config_entry.options if self.config_entry.options.get(OPT_FAMILY_ID) == family_id else {}
        return self.async_show_form(
            step_id="binding_defaults_room",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            description_placeholders={"home": family_name},
        )

    # --- product secrets --------------------------------------------------------------------------------------------

    def _product_secrets(self) -> dict[str, str]:
        return dict(self.config_entry.options.get(OPT_PRODUCT_SECRETS, {}))

    async def async_step_product_secrets(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add or remove the Product Secret of a product (the key of the pure-BLE binding)."""
        menu = ["add_product_secret"]
        if self._product_secrets():
            menu.append("remove_product_secret")
        return self.async_show_menu(
            step_id="product_secrets",
            menu_options=menu,
            description_placeholders={"products": ", ".join(sorted(self._product_secrets())) or "-"},
        )

    async def async_step_add_product_secret(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One product key and its 16-character secret; an existing one is replaced."""
        errors: dict[str, str] = {}
        if user_input is not None:
            product_key = user_input[ATTR_PRODUCT_KEY].strip()
            secret = user_input[ATTR_PRODUCT_SECRET]
            if not PRODUCT_KEY_PATTERN.match(product_key):
                errors[ATTR_PRODUCT_KEY] = "invalid_product_key"
            if not is_valid_product_secret(secret):
                errors[ATTR_PRODUCT_SECRET] = "invalid_product_secret"
            if not errors:
                return self._save({OPT_PRODUCT_SECRETS: {**self._product_secrets(), product_key: secret}})
        schema = vol.Schema(
            {
                vol.Required(ATTR_PRODUCT_KEY): TextSelector(),
                vol.Required(ATTR_PRODUCT_SECRET): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
            }
        )
        return self.async_show_form(
            step_id="add_product_secret",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def async_step_remove_product_secret(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Forget the secrets of the chosen products."""
        secrets = self._product_secrets()
        if user_input is not None:
            remaining = {key: value for key, value in secrets.items() if key not in user_input[CONF_PRODUCT_KEYS]}
            return self._save({OPT_PRODUCT_SECRETS: remaining})
        schema = vol.Schema(
            {
                vol.Required(CONF_PRODUCT_KEYS): SelectSelector(
                    SelectSelectorConfig(options=sorted(secrets), multiple=True, mode=SelectSelectorMode.LIST)
                )
            }
        )
        return self.async_show_form(step_id="remove_product_secret", data_schema=schema)

    # --- polling ----------------------------------------------------------------------------------------------------

    async def async_step_polling(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """How often the device list is read from the cloud."""
        if user_input is not None:
            return self._save({OPT_SCAN_INTERVAL: max(MIN_SCAN_INTERVAL, int(user_input[OPT_SCAN_INTERVAL]))})
        schema = vol.Schema(
            {
                vol.Required(OPT_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_SCAN_INTERVAL, max=86400, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
                    )
                )
            }
        )
        return self.async_show_form(
            step_id="polling", data_schema=self.add_suggested_values_to_schema(schema, self.config_entry.options)
        )

    # --- bind a Bluetooth device HA sees nearby ---------------------------------------------------------------------

    async def async_step_bind_nearby(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Quectel Bluetooth devices Home Assistant currently sees, in binding mode and not bound yet."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if user_input is not None and user_input.get("device") in self._nearby:
            self._chosen = self._nearby[user_input["device"]]
            return await self.async_step_bind_nearby_confirm()
        self._nearby = {
            device.key: device
            for device in nearby_devices(self.hass, connectable=False)
            if not needs_wifi(device.advertisement)
        }
        if not self._nearby:
            return self.async_abort(reason="no_devices_found")
        return self._device_choice("bind_nearby")

    def _device_choice(self, step_id: str) -> ConfigFlowResult:
        options = [SelectOptionDict(value=key, label=device.label) for key, device in sorted(self._nearby.items())]
        return self.async_show_form(
            step_id=step_id,
            data_schema=vol.Schema(
                {
                    vol.Required("device"): SelectSelector(
                        SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
                    )
                }
            ),
        )

    # --- set up a factory-new Wi-Fi device nearby -------------------------------------------------------------------

    async def async_step_provision_nearby(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Factory-new Wi-Fi devices Home Assistant can connect to now: give one its Wi-Fi, then bind it here."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if user_input is not None and user_input.get("device") in self._nearby:
            self._setup_device = self._nearby[user_input["device"]]
            self._setup_account = self.config_entry
            return await self.async_step_provision_wifi()
        self._nearby = {
            device.key: device
            for device in nearby_devices(self.hass, connectable=True)
            if needs_wifi(device.advertisement)
        }
        if not self._nearby:
            return self.async_abort(reason="no_new_devices_found")
        return self._device_choice("provision_nearby")

    async def async_step_bind_nearby_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The same form and the same binding as a discovered device's confirmation."""
        assert self._chosen is not None
        advertisement = self._chosen.advertisement
        placeholders = {"name": self._chosen.label, "error": ""}
        assert advertisement.identity is not None
        suggested = {ATTR_PRODUCT_SECRET: known_product_secret([self.config_entry], advertisement.identity[0]) or ""}
        errors: dict[str, str] = {}
        if user_input is not None:
            outcome = await async_bind_from_form(self.hass, self.config_entry, advertisement, user_input)
            if outcome.bound:
                return self.async_abort(
                    reason="bind_successful",
                    description_placeholders={**placeholders, "account": self.config_entry.title},
                )
            errors = outcome.errors
            placeholders.update(outcome.placeholders)
        return self.async_show_form(
            step_id="bind_nearby_confirm",
            data_schema=self.add_suggested_values_to_schema(bind_schema(None), user_input or suggested),
            errors=errors,
            description_placeholders=placeholders,
        )
