"""Config flow: log in to a cloud account (user, custom endpoint, reauth, reconfigure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.components.bluetooth import BluetoothServiceInfoBleak, async_clear_address_from_match_history
from homeassistant.config_entries import ConfigEntryState, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from .api import (
    HostDiscovery,
    QuecAdvertisement,
    QuecAuthenticationError,
    QuecConnectionError,
    QuecError,
    QuecRateLimitError,
    QuecResponseError,
    QuecUserDomainError,
    Region,
    needs_wifi,
    parse_advertisement,
)
from .ble_binding import account_selector, async_bind_from_form, bind_schema, known_product_secret
from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_PRODUCT_SECRET,
    CONF_ACCOUNT,
    CONF_BASE_URL,
    CONF_DATA_CENTER,
    CONF_INTERNATIONAL_CODE,
    CONF_REGION,
    CONF_TOKENS,
    CONF_USER_DOMAIN,
    CONF_USER_DOMAIN_SECRET,
    DEFAULT_INTERNATIONAL_CODE,
    DOMAIN,
    LOGGER,
)
from .devices import is_in_registry
from .errors import wait_minutes
from .login import account_title, account_unique_id, async_sign_in, normalize_account
from .nearby import NearbyDevice, device_label
from .options_flow import QuecOptionsFlow
from .provision_flow import WifiSetupSteps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .data import QuecConfigEntry

_HTTP_SERVER_ERROR = 500
# Sign-in errors about the credentials: they are fixed on the user step (the base-URL step has no password field).
_CREDENTIAL_ERRORS: Final = frozenset({"invalid_auth", "invalid_user_domain", "account_locked"})

_REGION_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[region.value for region in Region], translation_key="region", mode=SelectSelectorMode.DROPDOWN
    )
)
_PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password"))
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_REGION, default=Region.AUTO.value): _REGION_SELECTOR,
        vol.Required(CONF_USER_DOMAIN): TextSelector(),
        vol.Required(CONF_USER_DOMAIN_SECRET): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
        vol.Required(CONF_ACCOUNT): TextSelector(TextSelectorConfig(autocomplete="username")),
        vol.Optional(CONF_INTERNATIONAL_CODE, default=DEFAULT_INTERNATIONAL_CODE): TextSelector(),
        vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR,
    }
)
CUSTOM_ENDPOINT_SCHEMA = vol.Schema({vol.Required(CONF_BASE_URL): _URL_SELECTOR})
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR})
RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_REGION): _REGION_SELECTOR,
        vol.Optional(CONF_BASE_URL): _URL_SELECTOR,
        vol.Required(CONF_USER_DOMAIN_SECRET): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
    }
)


def is_valid_base_url(value: str) -> bool:
    """An absolute http(s) URL with a host (private deployments may use plain http, e.g. the simulator).

    No ``user:password@``, query or fragment: the URL is stored in the entry and shown in its diagnostics, and a
    REST base URL never needs them.
    """
    value = value.strip()
    authority = value.partition("://")[2].partition("/")[0]
    if "@" in authority or "?" in value or "#" in value:
        return False
    try:
        url = URL(value)
    except ValueError:
        return False
    return url.scheme in {"http", "https"} and bool(url.host) and url.is_absolute()


@dataclass(slots=True)
class LoginOutcome:
    """A login attempt: the host that signed the account in, otherwise a form error key and its placeholders."""

    found: HostDiscovery | None = None
    error: str | None = None
    placeholders: dict[str, str] = field(default_factory=dict)


async def _try_login(flow: ConfigFlow, data: Mapping[str, Any], *, discover: bool = True) -> LoginOutcome:
    """Log in with fresh credentials (see ``login.async_sign_in``); map every failure to a form error key."""
    custom = data.get(CONF_REGION) == Region.CUSTOM
    try:
        found = await async_sign_in(flow.hass, data, discover=discover)
    except QuecUserDomainError:
        return LoginOutcome(error="invalid_user_domain")
    except QuecAuthenticationError:
        return LoginOutcome(error="invalid_auth")
    except QuecRateLimitError as err:
        return LoginOutcome(error="account_locked", placeholders={"wait": wait_minutes(err.retry_after)})
    except QuecResponseError as err:
        # A custom URL that answers, but not like the cloud, is most likely the wrong URL.
        if custom and (err.http_status or 0) < _HTTP_SERVER_ERROR:
            return LoginOutcome(error="invalid_base_url")
        return LoginOutcome(error="cannot_connect")
    except QuecConnectionError:
        return LoginOutcome(error="cannot_connect")
    except QuecError as err:
        LOGGER.warning("Login refused by the cloud with code %s", err.code)
        return LoginOutcome(error="unknown")
    except Exception:
        LOGGER.exception("Unexpected error while logging in")
        return LoginOutcome(error="unknown")
    return LoginOutcome(found=found)


def _found_data(found: HostDiscovery) -> dict[str, Any]:
    """What an entry keeps of a sign-in: the host that answered, its data center and the tokens."""
    return {
        CONF_BASE_URL: found.base_url,
        CONF_DATA_CENTER: found.data_center.value,
        CONF_TOKENS: found.tokens.as_dict(),
    }


def _placeholders(outcome: LoginOutcome | None = None) -> dict[str, str]:
    # Error texts may use {wait}; the form always needs every placeholder its strings mention.
    return {"wait": "?", **(outcome.placeholders if outcome else {})}


class QuecConfigFlow(WifiSetupSteps, ConfigFlow, domain=DOMAIN):
    """Add a Quectel / Acceleronix cloud account."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing entered."""
        self._user_input: dict[str, Any] = {}
        self._discovery: BluetoothServiceInfoBleak | None = None
        self._advertisement: QuecAdvertisement | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: QuecConfigEntry) -> QuecOptionsFlow:
        """Binding defaults and product secrets."""
        return QuecOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Region, user domain and its secret, account and password."""
        errors: dict[str, str] = {}
        outcome: LoginOutcome | None = None
        if user_input is not None:
            try:
                account, code = normalize_account(user_input[CONF_ACCOUNT], user_input.get(CONF_INTERNATIONAL_CODE))
            except ValueError:
                errors[CONF_ACCOUNT] = "invalid_account"
            else:
                base_url = self._user_input.get(CONF_BASE_URL)  # typed before a credential error sent us back
                self._user_input = {
                    **user_input,
                    CONF_USER_DOMAIN: user_input[CONF_USER_DOMAIN].strip(),
                    CONF_ACCOUNT: account,
                    CONF_INTERNATIONAL_CODE: code or DEFAULT_INTERNATIONAL_CODE,
                }
                if user_input[CONF_REGION] == Region.CUSTOM:
                    return await self.async_step_custom_endpoint(base_url=base_url)
                outcome = await _try_login(self, self._user_input)
                if outcome.found is not None:
                    return await self._async_create_account(outcome.found)
                errors["base"] = str(outcome.error)
        return self._user_form(user_input, errors, outcome)

    def _user_form(
        self, suggested: Mapping[str, Any] | None, errors: dict[str, str], outcome: LoginOutcome | None
    ) -> ConfigFlowResult:
        if outcome is not None and outcome.error in _CREDENTIAL_ERRORS and suggested is not None:
            # The fields kept, the password to be typed again.
            suggested = {key: value for key, value in suggested.items() if key != CONF_PASSWORD}
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, suggested),
            errors=errors,
            description_placeholders=_placeholders(outcome),
        )

    async def async_step_custom_endpoint(
        self, user_input: dict[str, Any] | None = None, *, base_url: str | None = None
    ) -> ConfigFlowResult:
        """The base URL of a private deployment (or of the local simulator)."""
        errors: dict[str, str] = {}
        outcome: LoginOutcome | None = None
        if user_input is not None:
            base_url = user_input[CONF_BASE_URL].strip().rstrip("/")
            if not is_valid_base_url(base_url):
                errors[CONF_BASE_URL] = "invalid_base_url"
            else:
                self._user_input[CONF_BASE_URL] = base_url
                outcome = await _try_login(self, self._user_input)
                if outcome.found is not None:
                    return await self._async_create_account(outcome.found)
                if outcome.error in _CREDENTIAL_ERRORS:
                    return self._user_form(self._user_input, {"base": str(outcome.error)}, outcome)
                errors["base"] = str(outcome.error)
        suggested = user_input if user_input is not None else ({CONF_BASE_URL: base_url} if base_url else None)
        return self.async_show_form(
            step_id="custom_endpoint",
            data_schema=self.add_suggested_values_to_schema(CUSTOM_ENDPOINT_SCHEMA, suggested),
            errors=errors,
            description_placeholders=_placeholders(outcome),
        )

    async def _async_create_account(self, found: HostDiscovery) -> ConfigFlowResult:
        await self.async_set_unique_id(account_unique_id(self._user_input[CONF_USER_DOMAIN], found.uid))
        self._abort_if_unique_id_configured()
        data = {**self._user_input, **_found_data(found)}
        # The success text (config.create_entry.<data center>) says where the account was found.
        return self.async_create_entry(
            title=account_title(data),
            data=data,
            description=found.data_center.value,
            description_placeholders={"host": URL(found.base_url).host_port_subcomponent or found.base_url},
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The cloud rejected the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the password again."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        outcome: LoginOutcome | None = None
        if user_input is not None:
            updates = {CONF_PASSWORD: user_input[CONF_PASSWORD]}
            # At the entry's own host: the account lives there.
            outcome = await _try_login(self, {**entry.data, **updates}, discover=False)
            if outcome.found is not None:
                return await self._async_update_account(entry, updates, outcome.found)
            errors["base"] = str(outcome.error)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={**_placeholders(outcome), "account": entry.title},
        )

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Change the region, the base URL or the user domain's secret of an account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        outcome: LoginOutcome | None = None
        if user_input is not None:
            base_url = (user_input.get(CONF_BASE_URL) or "").strip().rstrip("/")
            custom = user_input[CONF_REGION] == Region.CUSTOM
            if custom and not is_valid_base_url(base_url):
                errors[CONF_BASE_URL] = "invalid_base_url"
            else:
                updates: dict[str, Any] = {
                    CONF_REGION: user_input[CONF_REGION],
                    CONF_USER_DOMAIN_SECRET: user_input[CONF_USER_DOMAIN_SECRET],
                }
                if custom:
                    updates[CONF_BASE_URL] = base_url
                # Another region is looked for anew; the same one signs in at the entry's own host.
                discover = custom or user_input[CONF_REGION] != entry.data[CONF_REGION]
                outcome = await _try_login(self, {**entry.data, **updates}, discover=discover)
                if outcome.found is not None:
                    if discover:
                        updates.update(_found_data(outcome.found))
                    return await self._async_update_account(entry, updates, outcome.found)
                errors["base"] = str(outcome.error)
        suggested = user_input or {
            CONF_REGION: entry.data[CONF_REGION],
            CONF_BASE_URL: entry.data.get(CONF_BASE_URL) or "",
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(RECONFIGURE_SCHEMA, suggested),
            errors=errors,
            description_placeholders={**_placeholders(outcome), "account": entry.title},
        )

    async def _async_update_account(
        self, entry: QuecConfigEntry, updates: dict[str, Any], found: HostDiscovery
    ) -> ConfigFlowResult:
        """Reauth and reconfigure must land on the same account, then save and reload."""
        await self.async_set_unique_id(account_unique_id(entry.data[CONF_USER_DOMAIN], found.uid))
        self._abort_if_unique_id_mismatch(reason="wrong_account")
        # Aborts with reauth_successful or reconfigure_successful, after its source.
        return self.async_update_reload_and_abort(entry, data_updates={**updates, CONF_TOKENS: found.tokens.as_dict()})

    # --- Bluetooth discovery: a nearby device to bind into an account (never binds without the user) ---------------

    async def async_step_bluetooth(self, discovery_info: BluetoothServiceInfoBleak) -> ConfigFlowResult:
        """A Quectel device advertises itself."""
        advertisement = parse_advertisement(discovery_info.manufacturer_data, discovery_info.name)
        if advertisement is None or advertisement.identity is None:
            # The name alone carries no product or device key: nothing to bind from here (the action still can).
            return self.async_abort(reason="not_supported")
        product_key, device_key = advertisement.identity
        await self.async_set_unique_id(f"{product_key}_{device_key}")
        self._abort_if_unique_id_configured()
        if advertisement.bound or is_in_registry(self.hass, product_key, device_key):
            return self.async_abort(reason="already_bound")
        self.context["title_placeholders"] = {"name": device_label(advertisement, discovery_info.name)}
        if needs_wifi(advertisement):
            # Factory-new Wi-Fi device: it needs its Wi-Fi first, then it binds through the cloud.
            self._setup_device = NearbyDevice(discovery_info.address, discovery_info.name, advertisement)
            return await self.async_step_provision_confirm()
        self._discovery = discovery_info
        self._advertisement = advertisement
        return await self.async_step_bluetooth_confirm()

    def _loaded_accounts(self) -> list[QuecConfigEntry]:
        return [
            entry
            for entry in self.hass.config_entries.async_entries(DOMAIN, include_ignore=False)
            if entry.state is ConfigEntryState.LOADED
        ]

    async def async_step_provision_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask before setting up the new device (and which account gets it, when there are several)."""
        assert self._setup_device is not None
        accounts = self._loaded_accounts()
        if not accounts:
            return self.async_abort(reason="account_required")
        if user_input is not None:
            self._setup_account = next(
                (item for item in accounts if item.entry_id == user_input.get(ATTR_CONFIG_ENTRY_ID)), accounts[0]
            )
            return await self.async_step_provision_wifi()
        fields: dict[vol.Marker, Any] = {}
        if len(accounts) > 1:
            fields[vol.Required(ATTR_CONFIG_ENTRY_ID)] = account_selector(accounts)
        return self.async_show_form(
            step_id="provision_confirm",
            data_schema=vol.Schema(fields),
            description_placeholders={"name": self._setup_device.label},
        )

    async def async_step_bluetooth_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Which account, the binding code and secret, and the product secret; then bind."""
        assert self._discovery is not None
        assert self._advertisement is not None
        assert self._advertisement.identity is not None
        accounts = self._loaded_accounts()
        if not accounts:
            return self.async_abort(reason="account_required")
        errors: dict[str, str] = {}
        placeholders = {"name": device_label(self._advertisement, self._discovery.name), "error": ""}
        if user_input is not None:
            entry = next(
                (item for item in accounts if item.entry_id == user_input.get(ATTR_CONFIG_ENTRY_ID)), accounts[0]
            )
            outcome = await async_bind_from_form(self.hass, entry, self._advertisement, user_input)
            if outcome.bound:
                # The device will now advertise "bound": let a later reset be discovered again.
                async_clear_address_from_match_history(self.hass, self._discovery.address)
                return self.async_abort(
                    reason="bind_successful",
                    description_placeholders={"name": placeholders["name"], "account": entry.title},
                )
            errors = outcome.errors
            placeholders.update(outcome.placeholders)
        product_key = self._advertisement.identity[0]
        suggested = user_input or {ATTR_PRODUCT_SECRET: known_product_secret(accounts, product_key) or ""}
        return self.async_show_form(
            step_id="bluetooth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                bind_schema(accounts if len(accounts) > 1 else None), suggested
            ),
            errors=errors,
            description_placeholders=placeholders,
        )
