"""The Quectel IoT integration: a Quectel / Acceleronix cloud account, and binding and sharing its devices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv

from .account import build_client
from .api import (
    QuecAuthenticationError,
    QuecConnectionError,
    QuecError,
    QuecRateLimitError,
    QuecTokenError,
    TokenPair,
)
from .const import CONF_TOKENS, DOMAIN
from .data import QuecConfigEntry, QuecRuntimeData
from .errors import wait_minutes
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.helpers.typing import ConfigType

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, so automations validate even before an account is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: QuecConfigEntry) -> bool:
    """Connect the account, reusing its stored tokens (no login while they are valid)."""

    @callback
    def _save_tokens(tokens: TokenPair) -> None:
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_TOKENS: tokens.as_dict()})

    client = build_client(hass, entry.data, on_tokens_updated=_save_tokens)
    try:
        user_info = await client.get_user_info()
    except (QuecAuthenticationError, QuecTokenError) as err:
        raise ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="auth_failed") from err
    except QuecRateLimitError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="rate_limited",
            translation_placeholders={"wait": wait_minutes(err.retry_after), "code": str(err.code)},
        ) from err
    except QuecConnectionError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"base_url": client.base_url, "error": str(err)},
        ) from err
    except QuecError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cloud_error",
            translation_placeholders={"code": str(err.code), "message": str(err)},
        ) from err
    entry.runtime_data = QuecRuntimeData(client=client, user_info=user_info)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: QuecConfigEntry) -> bool:
    """Nothing to tear down: the client lives on HA's shared session and holds no connection of its own."""
    return True
