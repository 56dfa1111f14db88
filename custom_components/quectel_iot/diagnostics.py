"""Diagnostics of an account entry, with every secret and personal identifier redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD

from .const import CONF_ACCOUNT, CONF_TOKENS, CONF_USER_DOMAIN_SECRET, OPT_PRODUCT_SECRETS

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .data import QuecConfigEntry

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USER_DOMAIN_SECRET,
    CONF_TOKENS,
    CONF_ACCOUNT,
    OPT_PRODUCT_SECRETS,
    "access_token",
    "refresh_token",
    "email",
    "phone",
    "nickname",
    "auth_key",
    "binding_code",
    "binding_secret",
    "share_code",
}


async def async_get_config_entry_diagnostics(hass: HomeAssistant, entry: QuecConfigEntry) -> dict[str, Any]:
    """Entry data and options (product keys kept, their secrets not), the account and the session's state."""
    options = dict(entry.options)
    product_keys = sorted(options.get(OPT_PRODUCT_SECRETS, {}))
    diagnostics: dict[str, Any] = {
        "entry": {
            "title": "**REDACTED**",
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": {**async_redact_data(options, TO_REDACT), "product_keys_with_secret": product_keys},
        },
    }
    runtime = getattr(entry, "runtime_data", None)
    if runtime is not None:
        tokens = runtime.client.tokens
        diagnostics["account"] = async_redact_data(asdict(runtime.user_info), TO_REDACT)
        diagnostics["session"] = {
            "base_url": runtime.client.base_url,
            "user_domain": runtime.client.user_domain,
            "access_token_expires_at": tokens.access.expires_at if tokens else None,
            "refresh_token_expires_at": tokens.refresh.expires_at if tokens else None,
        }
    return diagnostics
