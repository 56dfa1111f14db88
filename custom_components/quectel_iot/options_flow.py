"""Options flow: binding defaults (home, room, common device, capabilities) and product secrets."""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlowWithReload
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

from .api import Family, QuecCloudClient, QuecError
from .api.models import FamilyRole
from .const import (
    OPT_CAPABILITIES,
    OPT_COMMON_DEVICE,
    OPT_FAMILY_ID,
    OPT_PRODUCT_SECRETS,
    OPT_ROOM_ID,
)
from .validation import CAPABILITIES_MAX, CAPABILITIES_MIN, PRODUCT_KEY_PATTERN, is_valid_product_secret

CONF_PRODUCT_KEY = "product_key"
CONF_PRODUCT_SECRET = "product_secret"  # noqa: S105 - a key name
CONF_PRODUCT_KEYS = "product_keys"

_CAPABILITIES_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=CAPABILITIES_MIN, max=CAPABILITIES_MAX, step=1, mode=NumberSelectorMode.BOX)
)


class QuecOptionsFlow(OptionsFlowWithReload):
    """A menu; saving any page reloads the entry once (no update listener)."""

    def __init__(self) -> None:
        """Nothing fetched yet."""
        self._home_mode: bool | None = None
        self._families: list[Family] = []
        self._pending: dict[str, Any] = {}

    @property
    def _client(self) -> QuecCloudClient:
        client: QuecCloudClient = self.config_entry.runtime_data.client
        return client

    def _save(self, updates: dict[str, Any], removals: tuple[str, ...] = ()) -> ConfigFlowResult:
        options = {key: value for key, value in self.config_entry.options.items() if key not in removals}
        return self.async_create_entry(data={**options, **updates})

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The menu."""
        return self.async_show_menu(step_id="init", menu_options=["binding_defaults", "product_secrets"])

    # --- binding defaults -------------------------------------------------------------------------------------------

    async def async_step_binding_defaults(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Home (from the cloud when home mode is on, free text otherwise), common device, capabilities."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if self._home_mode is None:
            try:
                self._home_mode = (await self._client.get_family_mode_config()).enabled
                if self._home_mode:
                    families = await self._client.get_families()
                    # A mere member may not bind into a home (5669): offer only homes the account manages.
                    self._families = [family for family in families if family.role != FamilyRole.MEMBER]
            except QuecError:
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
            rooms = await self._client.get_rooms(family_id)
        except QuecError:
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
            product_key = user_input[CONF_PRODUCT_KEY].strip()
            secret = user_input[CONF_PRODUCT_SECRET]
            if not PRODUCT_KEY_PATTERN.match(product_key):
                errors[CONF_PRODUCT_KEY] = "invalid_product_key"
            if not is_valid_product_secret(secret):
                errors[CONF_PRODUCT_SECRET] = "invalid_product_secret"
            if not errors:
                return self._save({OPT_PRODUCT_SECRETS: {**self._product_secrets(), product_key: secret}})
        schema = vol.Schema(
            {
                vol.Required(CONF_PRODUCT_KEY): TextSelector(),
                vol.Required(CONF_PRODUCT_SECRET): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
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
