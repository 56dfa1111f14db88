"""Diagnostics of an account entry and of its devices, with every secret and personal identifier redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD

from .const import (
    CONF_ACCOUNT,
    CONF_BASE_URL,
    CONF_TOKENS,
    CONF_USER_DOMAIN_SECRET,
    DOMAIN,
    OPT_PRODUCT_SECRETS,
    OPT_WIFI_NETWORKS,
)
from .wifi_networks import saved_networks

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.device_registry import DeviceEntry

    from .data import QuecConfigEntry

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USER_DOMAIN_SECRET,
    CONF_TOKENS,
    CONF_ACCOUNT,
    OPT_PRODUCT_SECRETS,
    OPT_WIFI_NETWORKS,  # the saved networks' passwords
    "access_token",
    "refresh_token",
    "email",
    "phone",
    "nickname",
    "auth_key",
    "binding_code",
    "binding_secret",
    "share_code",
    "uid",
}


def redacted_url(url: str) -> str:
    """The URL without what may carry a secret: its user and password, query and fragment each read "**REDACTED**"."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{REDACTED}@{host}" if "@" in parts.netloc else host
    query = REDACTED if parts.query else ""
    fragment = REDACTED if parts.fragment else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _redacted_entry_data(data: dict[str, Any]) -> dict[str, Any]:
    redacted = async_redact_data(data, TO_REDACT)
    # A custom base URL is the user's text: credentials or a query in it are secrets too (older entries may have one).
    if CONF_BASE_URL in redacted:
        redacted[CONF_BASE_URL] = redacted_url(str(redacted[CONF_BASE_URL]))
    return redacted


async def async_get_config_entry_diagnostics(hass: HomeAssistant, entry: QuecConfigEntry) -> dict[str, Any]:
    """Entry data and options (product keys kept, secrets not; Wi-Fi networks counted), the account, the session."""
    options = dict(entry.options)
    product_keys = sorted(options.get(OPT_PRODUCT_SECRETS, {}))
    diagnostics: dict[str, Any] = {
        "entry": {
            "title": REDACTED,
            "data": _redacted_entry_data(dict(entry.data)),
            "options": {
                **async_redact_data(options, TO_REDACT),
                "product_keys_with_secret": product_keys,
                # How many, not which: an SSID can locate a home on public Wi-Fi maps.
                "saved_wifi_networks": len(saved_networks(options)),
            },
        },
    }
    runtime = getattr(entry, "runtime_data", None)
    if runtime is not None:
        tokens = runtime.client.tokens
        diagnostics["account"] = async_redact_data(asdict(runtime.user_info), TO_REDACT)
        diagnostics["session"] = {
            "base_url": redacted_url(runtime.client.base_url),
            "user_domain": runtime.client.user_domain,
            "access_token_expires_at": tokens.access.expires_at if tokens else None,
            "refresh_token_expires_at": tokens.refresh.expires_at if tokens else None,
        }
    return diagnostics


# A device's entry in the cloud list also carries its key and its owner's user id.
DEVICE_TO_REDACT = TO_REDACT | {"device_key", "owner_uid"}


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: QuecConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """The device as the cloud lists it (keys, codes and the owner redacted) and the state of the account's polling."""
    runtime = getattr(entry, "runtime_data", None)
    if runtime is None:
        # The account is not loaded (e.g. retrying setup): still answer, so the download works.
        return {"device": None, "hidden": None, "polling": None, "entry_state": entry.state.value}
    coordinator = runtime.coordinator
    keys = {value for domain, value in device.identifiers if domain == DOMAIN}
    listed = next((coordinator.cloud_devices[key] for key in sorted(keys) if key in coordinator.cloud_devices), None)
    return {
        "device": async_redact_data(asdict(listed), DEVICE_TO_REDACT) if listed is not None else None,
        "hidden": not keys.isdisjoint(coordinator.hidden.keys),
        "polling": {
            "interval_seconds": coordinator.update_interval.total_seconds() if coordinator.update_interval else None,
            "last_update_success": coordinator.last_update_success,
            "last_error": type(coordinator.last_exception).__name__ if coordinator.last_exception else None,
            "devices_listed": len(coordinator.cloud_devices),
        },
    }
