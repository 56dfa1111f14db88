"""The actions: one table (``ACTIONS``: handler, finished schema, response) and the handlers.

Every input is checked by the action's schema (``schemas.py``) before any request leaves; a refusal is a translated
``ServiceValidationError`` naming the field and the reason. A handler builds its request (``bind_requests.py``) and
hands only that to the account, never the call's data. Cloud refusals are translated ``HomeAssistantError``s, raised by
the account (see ``errors.py``). ``provision_wifi`` takes no password: it names a saved network (``wifi_networks.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import service
from homeassistant.util import dt as dt_util

from . import bind_requests
from .account import DEFAULT_PROVISION_TIMEOUT, WifiSettings
from .const import (
    ATTR_ADDRESS,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_KEY,
    ATTR_DEVICE_NAME,
    ATTR_PRODUCT_KEY,
    ATTR_PRODUCT_SECRET,
    ATTR_SHARE_CODE,
    ATTR_SSID,
    ATTR_TIMEOUT,
    DOMAIN,
)
from .nearby import find_nearby
from .schemas import (
    ACCEPT_SHARE_SCHEMA,
    BIND_BLE_SCHEMA,
    BIND_BY_DK_SCHEMA,
    BIND_WIFI_SCHEMA,
    DEVICE_SCHEMA,
    PROVISION_WIFI_SCHEMA,
    REVOKE_SHARE_SCHEMA,
    SHARE_DEVICE_SCHEMA,
    UNBIND_DEVICE_SCHEMA,
)
from .validation import COVER_MODES
from .wifi_networks import saved_password

if TYPE_CHECKING:
    from .account import QuecAccount
    from .api import DeviceShare, WifiBindResult
    from .data import QuecConfigEntry

SERVICE_BIND_BY_DK: Final = "bind_by_dk"
SERVICE_BIND_WIFI: Final = "bind_wifi"
SERVICE_BIND_BLE: Final = "bind_ble"
SERVICE_SHARE_DEVICE: Final = "share_device"
SERVICE_UNBIND_DEVICE: Final = "unbind_device"
SERVICE_ACCEPT_SHARE: Final = "accept_share"
SERVICE_REVOKE_SHARE: Final = "revoke_share"
SERVICE_LIST_SHARES: Final = "list_shares"
SERVICE_LEAVE_SHARE: Final = "leave_share"
SERVICE_PROVISION_WIFI: Final = "provision_wifi"


def _account(call: ServiceCall) -> QuecAccount:
    """The loaded account the call names (Home Assistant's own lookup refuses unknown or unloaded entries)."""
    entry: QuecConfigEntry = service.async_get_config_entry(call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID])
    return entry.runtime_data


async def _async_bind_by_dk(call: ServiceCall) -> ServiceResponse:
    account = _account(call)
    result = await account.async_bind_by_dk(bind_requests.bind_by_dk_request(account.options, call.data))
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "auth_key": result.auth_key}


async def _async_bind_wifi(call: ServiceCall) -> ServiceResponse:
    account = _account(call)
    result = await account.async_bind_wifi(bind_requests.wifi_bind_request(account.options, call.data))
    return {**_wifi_bind_response(result), "product_logo": result.product_logo} if call.return_response else None


def _wifi_bind_response(result: WifiBindResult) -> dict[str, Any]:
    return {
        "product_key": result.product_key,
        "device_key": result.device_key,
        "auth_key": result.auth_key,
        "binding_mode": result.binding_mode,
        "product_name": result.product_name,
    }


async def _async_bind_ble(call: ServiceCall) -> ServiceResponse:
    account = _account(call)
    product_key = call.data[ATTR_PRODUCT_KEY]
    product_secret = call.data.get(ATTR_PRODUCT_SECRET) or bind_requests.saved_product_secret(
        [account.options], product_key
    )
    if not product_secret:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="product_secret_missing",
            translation_placeholders={"product_key": product_key},
        )
    request = bind_requests.pure_ble_bind_request(account.options, call.data, product_secret)
    result = await account.async_bind_ble(request)
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "verified": result.verified}


async def _async_share_device(call: ServiceCall) -> ServiceResponse:
    result = await _account(call).async_share(bind_requests.share_request(call.data))
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "share_code": result.share_code}


async def _async_unbind_device(call: ServiceCall) -> ServiceResponse:
    result = await _account(call).async_unbind(bind_requests.unbind_request(call.data))
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "binding_sum": result.binding_sum}


async def _async_accept_share(call: ServiceCall) -> ServiceResponse:
    share_code = call.data[ATTR_SHARE_CODE]
    await _account(call).async_accept_share(share_code, call.data.get(ATTR_DEVICE_NAME))
    return {"share_code": share_code} if call.return_response else None


async def _async_revoke_share(call: ServiceCall) -> ServiceResponse:
    share_code = call.data[ATTR_SHARE_CODE]
    await _account(call).async_revoke_share(share_code)
    return {"share_code": share_code} if call.return_response else None


async def _async_leave_share(call: ServiceCall) -> ServiceResponse:
    result = await _account(call).async_leave_share(call.data[ATTR_PRODUCT_KEY], call.data[ATTR_DEVICE_KEY])
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key}


def _iso(epoch_ms: int | None) -> str | None:
    return dt_util.utc_from_timestamp(epoch_ms / 1000).isoformat() if epoch_ms is not None else None


def _share_response(share: DeviceShare) -> dict[str, Any]:
    cover_modes = {int(mode): name for name, mode in COVER_MODES.items()}
    return {
        "share_code": share.share_code,
        "recipient_uid": share.recipient_uid or None,
        "recipient_name": share.recipient_name or None,
        "recipient_email": share.recipient_email or None,
        "recipient_phone": share.recipient_phone or None,
        "accepted": share.accepted,
        "status": share.status,
        "cover_mode": cover_modes.get(share.cover_mode) if share.cover_mode is not None else None,
        "shared_at": _iso(share.shared_at),
        "accepted_at": _iso(share.accepted_at),
        "accept_by": _iso(share.accept_by),
        "expires_at": _iso(share.expires_at),
    }


async def _async_list_shares(call: ServiceCall) -> ServiceResponse:
    product_key, device_key = call.data[ATTR_PRODUCT_KEY], call.data[ATTR_DEVICE_KEY]
    shares = await _account(call).async_list_shares(product_key, device_key)
    return {"product_key": product_key, "device_key": device_key, "shares": [_share_response(s) for s in shares]}


async def _async_provision_wifi(call: ServiceCall) -> ServiceResponse:
    account = _account(call)
    ssid = call.data[ATTR_SSID]
    password = saved_password(account.options, ssid)
    if password is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="wifi_network_not_saved", translation_placeholders={"ssid": ssid}
        )
    address = call.data.get(ATTR_ADDRESS)
    if address is None:
        nearby = find_nearby(call.hass, call.data[ATTR_PRODUCT_KEY], call.data[ATTR_DEVICE_KEY])
        if nearby is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="device_not_nearby",
                translation_placeholders={
                    "product_key": call.data[ATTR_PRODUCT_KEY],
                    "device_key": call.data[ATTR_DEVICE_KEY],
                },
            )
        address = nearby.address
    timeout = call.data.get(ATTR_TIMEOUT, DEFAULT_PROVISION_TIMEOUT)
    request_for = functools.partial(
        bind_requests.provisioned_wifi_request, account.options, bind_requests.bind_option_fields(call.data)
    )
    result = await account.async_provision_wifi(address, WifiSettings(ssid, password), request_for, timeout)
    # It now advertises "configured, bound": a later factory reset is discovered again.
    bluetooth.async_clear_address_from_match_history(call.hass, address)
    return _wifi_bind_response(result) if call.return_response else None


Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]

# Each action: its handler, its finished schema and whether it answers.
ACTIONS: Final[dict[str, tuple[Handler, Any, SupportsResponse]]] = {
    SERVICE_BIND_BY_DK: (_async_bind_by_dk, BIND_BY_DK_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_BIND_WIFI: (_async_bind_wifi, BIND_WIFI_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_BIND_BLE: (_async_bind_ble, BIND_BLE_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_SHARE_DEVICE: (_async_share_device, SHARE_DEVICE_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_UNBIND_DEVICE: (_async_unbind_device, UNBIND_DEVICE_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_ACCEPT_SHARE: (_async_accept_share, ACCEPT_SHARE_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_REVOKE_SHARE: (_async_revoke_share, REVOKE_SHARE_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_LIST_SHARES: (_async_list_shares, DEVICE_SCHEMA, SupportsResponse.ONLY),
    SERVICE_LEAVE_SHARE: (_async_leave_share, DEVICE_SCHEMA, SupportsResponse.OPTIONAL),
    SERVICE_PROVISION_WIFI: (_async_provision_wifi, PROVISION_WIFI_SCHEMA, SupportsResponse.OPTIONAL),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (once, from ``async_setup``)."""
    for name, (handler, schema, supports_response) in ACTIONS.items():
        hass.services.async_register(DOMAIN, name, handler, schema=schema, supports_response=supports_response)
