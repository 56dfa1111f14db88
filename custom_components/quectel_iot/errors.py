"""Turning the client's exceptions into translated Home Assistant errors (actions, flows, setup and polls)."""

from __future__ import annotations

import math

from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    QuecApiError,
    QuecAuthenticationError,
    QuecBleError,
    QuecBleTimeoutError,
    QuecCloudTimeoutError,
    QuecConnectionError,
    QuecError,
    QuecRateLimitError,
    QuecTokenError,
)
from .const import DOMAIN

# Every code the four binding/sharing pages list, the unbind and share-management pages' codes, plus lockouts: each
# has its own words in the translations (``exceptions.cloud_error_<code>``), telling the user what to do. Other codes
# use the generic ``cloud_error``.
TRANSLATED_CLOUD_CODES = frozenset(
    {
        4026, 5009, 5032, 5041, 5048, 5049, 5050, 5052, 5066, 5067, 5106, 5133, 5134, 5135, 5136, 5137, 5138,
        5139, 5140, 5141, 5142, 5145, 5147, 5148, 5151, 5179, 5213, 5229, 5314, 5325, 5327, 5333, 5357, 5358,
        5360, 5361, 5412, 5420, 5458, 5459, 5460, 5461, 5462, 5465, 5624, 5636, 5669, 5864, 5879, 5880, 5881,
        5882, 5883, 5885, 5891, 5893, 6040, 6083,
    }
)  # fmt: skip


def wait_minutes(retry_after: float | None) -> str:
    """Minutes to wait, rounded up, for messages ("?" when the cloud did not say)."""
    return "?" if retry_after is None else str(max(1, math.ceil(retry_after / 60)))


def is_credential_error(err: QuecError) -> bool:
    """Whether the error means the stored credentials no longer work (the entry needs reauth)."""
    return isinstance(err, (QuecAuthenticationError, QuecTokenError))


def to_home_assistant_error(err: QuecError) -> HomeAssistantError:
    """A translated error for a failed cloud call; the cloud's code is a placeholder in every message."""
    if isinstance(err, QuecBleError):
        return _bluetooth_error(err)
    if isinstance(err, QuecCloudTimeoutError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cloud_timeout",
            translation_placeholders={"seconds": str(round(err.seconds))},
        )
    code = str(err.code) if err.code is not None else "-"
    if isinstance(err, QuecConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_connect_call",
            translation_placeholders={"error": str(err)},
        )
    if is_credential_error(err):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="auth_failed_call", translation_placeholders={"code": code}
        )
    placeholders = {"code": code}
    if isinstance(err, QuecRateLimitError):
        placeholders["wait"] = wait_minutes(err.retry_after)
    if isinstance(err, QuecApiError) and err.code in TRANSLATED_CLOUD_CODES:
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key=f"cloud_error_{err.code}", translation_placeholders=placeholders
        )
    message = err.cloud_message if isinstance(err, QuecApiError) and err.cloud_message else str(err)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="cloud_error",
        translation_placeholders={"code": code, "message": message},
    )


def _bluetooth_error(err: QuecBleError) -> HomeAssistantError:
    """A Bluetooth set-up failure, in words (``exceptions.wifi_rejected``, ``not_in_setup_mode``, ``ble_<key>``)."""
    key = err.key if err.key in {"wifi_rejected", "ble_error", "not_in_setup_mode"} else f"ble_{err.key}"
    placeholders = {"error": str(err)}
    if isinstance(err, QuecBleTimeoutError):
        placeholders["step"] = err.step
    return HomeAssistantError(translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders)


def setup_error(err: QuecError, base_url: str) -> HomeAssistantError:
    """A failed first contact at setup: reauth for rejected credentials, else "not ready" with the reason in words.

    Raised from the coordinator's ``_async_setup``; its first refresh turns an ``UpdateFailed`` into
    ``ConfigEntryNotReady`` with the same translation (Home Assistant retries the setup later).
    """
    if is_credential_error(err):
        return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="auth_failed")
    retry_after: float | None = None
    if isinstance(err, QuecRateLimitError):
        key, placeholders = "rate_limited", {"wait": wait_minutes(err.retry_after), "code": str(err.code)}
        # From Home Assistant 2026.11 on, the setup retry waits this long (2026.10 uses its own backoff).
        retry_after = err.retry_after
    elif isinstance(err, QuecConnectionError):
        key, placeholders = "cannot_connect", {"base_url": base_url, "error": str(err)}
    else:
        key, placeholders = "cloud_error", {"code": str(err.code), "message": str(err)}
    return UpdateFailed(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders, retry_after=retry_after
    )


def update_error(err: QuecError) -> HomeAssistantError:
    """A failed poll: reauth for rejected credentials, else a translated UpdateFailed (waiting out lockouts)."""
    if is_credential_error(err):
        return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="auth_failed")
    translated = to_home_assistant_error(err)
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translated.translation_key,
        translation_placeholders=translated.translation_placeholders,
        retry_after=err.retry_after if isinstance(err, QuecRateLimitError) else None,
    )
