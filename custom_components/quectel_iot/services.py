"""The actions: bind_by_dk, bind_wifi, bind_ble, share_device, unbind_device, accept_share, revoke_share, list_shares.

Every input is checked before any request leaves; a refusal is a translated ``ServiceValidationError`` naming the
field and the reason. Cloud refusals are translated ``HomeAssistantError``s (see ``errors.py``).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .api import (
    BindByDkRequest,
    CoverMode,
    MatterCat,
    MatterInfo,
    PureBleBindRequest,
    ShareRequest,
    WifiBindRequest,
)
from .api.models import DeviceShare, UnbindRequest
from .binding import (
    async_bind_ble,
    async_bind_by_dk,
    async_bind_wifi,
    async_share_device,
    resolve_bind_options,
)
from .const import DOMAIN, OPT_PRODUCT_SECRETS
from .validation import (
    BINDING_CODE_PATTERN,
    CAPABILITIES_MAX,
    CAPABILITIES_MIN,
    DEVICE_KEY_PATTERN,
    DEVICE_NAME_MAX_LENGTH,
    PRINTABLE_ASCII,
    PRODUCT_KEY_PATTERN,
    RANDOM_LENGTH,
    is_valid_product_secret,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .data import QuecConfigEntry

SERVICE_BIND_BY_DK: Final = "bind_by_dk"
SERVICE_BIND_WIFI: Final = "bind_wifi"
SERVICE_BIND_BLE: Final = "bind_ble"
SERVICE_SHARE_DEVICE: Final = "share_device"
SERVICE_UNBIND_DEVICE: Final = "unbind_device"
SERVICE_ACCEPT_SHARE: Final = "accept_share"
SERVICE_REVOKE_SHARE: Final = "revoke_share"
SERVICE_LIST_SHARES: Final = "list_shares"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_PRODUCT_KEY: Final = "product_key"
ATTR_DEVICE_KEY: Final = "device_key"
ATTR_DEVICE_NAME: Final = "device_name"
ATTR_CAPABILITIES: Final = "capabilities"
ATTR_FAMILY_ID: Final = "family_id"
ATTR_ROOM_ID: Final = "room_id"
ATTR_COMMON_DEVICE: Final = "common_device"
ATTR_BINDING_CODE: Final = "binding_code"
ATTR_ENCRYPTED_BINDING_CODE: Final = "encrypted_binding_code"
ATTR_BINDING_SECRET: Final = "binding_secret"  # noqa: S105 - a field name
ATTR_OLD_BINDING_SECRET: Final = "old_binding_secret"  # noqa: S105 - a field name
ATTR_PRODUCT_SECRET: Final = "product_secret"  # noqa: S105 - a field name
ATTR_RANDOM: Final = "random"
ATTR_DEVICE_PASSWORD: Final = "device_password"  # noqa: S105 - a field name
ATTR_MATTER: Final = "matter"
ATTR_SHARE_UID: Final = "share_uid"
ATTR_EMAIL: Final = "email"
ATTR_PHONE: Final = "phone"
ATTR_AUTH_KEY: Final = "auth_key"
ATTR_COVER_MODE: Final = "cover_mode"
ATTR_EXPIRES_AT: Final = "expires_at"
ATTR_RESET_DEVICE: Final = "reset_device"
ATTR_RESET_CREDENTIALS: Final = "reset_credentials"
ATTR_SHARE_CODE: Final = "share_code"

COVER_MODES: Final = {"replace": CoverMode.REPLACE, "add": CoverMode.ADD, "extend_only": CoverMode.EXTEND_ONLY}
MATTER_PRIVILEGES: Final = ("View", "Operate", "Administer")
SHARE_CODE_MAX_LENGTH: Final = 128


class FieldInvalid(vol.Invalid):
    """A refusal with its own translation key (``exceptions.<reason>``) and placeholders."""

    def __init__(self, reason: str, **placeholders: str) -> None:
        """Keep the translation key apart from probatio's English message."""
        super().__init__(reason)
        self.reason = reason
        self.reason_placeholders = placeholders


def _refuse(field: str, translation_key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders={"field": field, **placeholders},
    )


def _matching(pattern: Any, reason: str) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value.strip()):
            raise FieldInvalid(reason)
        return value.strip()

    return validate


def _is_unicode(value: str) -> bool:
    """False for a lone surrogate (possible from a template or a script): no JSON, URL or registry can hold it."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _text(max_length: int | None = None) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or not _is_unicode(value):
            raise FieldInvalid("invalid_text")
        if max_length is not None and len(value) > max_length:
            raise FieldInvalid("text_too_long", max=str(max_length))
        return value

    return validate


def _capabilities(value: Any) -> int:
    if isinstance(value, bool):
        raise FieldInvalid("invalid_capabilities")
    try:
        number = float(value)
    except TypeError, ValueError, OverflowError:  # OverflowError: an int beyond any float
        raise FieldInvalid("invalid_capabilities") from None
    if not number.is_integer() or not CAPABILITIES_MIN <= number <= CAPABILITIES_MAX:
        raise FieldInvalid("invalid_capabilities")
    return int(number)


def _boolean(value: Any) -> bool:
    try:
        return bool(cv.boolean(value))
    except vol.Invalid:
        raise FieldInvalid("invalid_boolean") from None


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise FieldInvalid("invalid_integer")
    try:
        number = float(value)
    except TypeError, ValueError, OverflowError:  # OverflowError: an int beyond any float
        raise FieldInvalid("invalid_integer") from None
    if not number.is_integer() or number < 0:
        raise FieldInvalid("invalid_integer")
    return int(number)


def _product_secret(value: Any) -> str:
    if not isinstance(value, str) or not is_valid_product_secret(value):
        raise FieldInvalid("invalid_product_secret")
    return value


def _random(value: Any) -> str:
    if not isinstance(value, str) or len(value) != RANDOM_LENGTH or not value.isascii() or not value.isalnum():
        raise FieldInvalid("invalid_random")
    return value


def _base64_text(reason: str) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        try:
            if not isinstance(value, str) or not value or not base64.b64decode(value, validate=True):
                raise FieldInvalid(reason)
        except ValueError:  # binascii.Error, or a text that is not ASCII
            raise FieldInvalid(reason) from None
        return value

    return validate


_base64 = _base64_text("invalid_encrypted_binding_code")


def _share_code(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldInvalid("invalid_share_code")
    code = value.strip()
    if not code or len(code) > SHARE_CODE_MAX_LENGTH or not PRINTABLE_ASCII.match(code):
        raise FieldInvalid("invalid_share_code")
    return code


def _future_datetime(value: Any) -> datetime:
    if isinstance(value, str) and not _is_unicode(value):
        # HA's date parser (ciso8601 2.3.3) crashes the whole process on a lone surrogate: never hand it one.
        raise FieldInvalid("invalid_datetime")
    try:
        moment = value if isinstance(value, datetime) else cv.datetime(value)
    except vol.Invalid:
        raise FieldInvalid("invalid_datetime") from None
    try:
        moment = dt_util.as_utc(moment)
    except OverflowError:  # e.g. 9999-12-31T23:59-05:00 is past the last representable UTC moment
        raise FieldInvalid("invalid_datetime") from None
    if moment <= dt_util.utcnow():
        raise FieldInvalid("expires_in_past")
    return moment


def _cover_mode(value: Any) -> CoverMode:
    if not isinstance(value, str) or value not in COVER_MODES:
        raise FieldInvalid("invalid_cover_mode")
    return COVER_MODES[value]


_MATTER_CAT = vol.Schema(
    {
        vol.Required("cat"): _integer,
        vol.Required("privilege"): vol.All(str, vol.In(MATTER_PRIVILEGES, msg="invalid_privilege")),
    }
)
MATTER_SCHEMA = vol.Schema(
    {
        vol.Required("vendor_id"): _integer,
        vol.Required("product_id"): _integer,
        vol.Required("version"): _text(),
        vol.Required("node_id"): _integer,
        vol.Required("fabric_id"): _integer,
        vol.Required("discriminator"): _integer,
        vol.Optional("cat_list", default=list): [_MATTER_CAT],
        vol.Optional("extra"): _text(),
    }
)

_DEVICE_FIELDS: dict[vol.Marker, Any] = {
    vol.Required(ATTR_CONFIG_ENTRY_ID): _text(),
    vol.Required(ATTR_PRODUCT_KEY): _matching(PRODUCT_KEY_PATTERN, "invalid_product_key"),
    vol.Required(ATTR_DEVICE_KEY): _matching(DEVICE_KEY_PATTERN, "invalid_device_key"),
}
_BIND_FIELDS: dict[vol.Marker, Any] = {
    **_DEVICE_FIELDS,
    vol.Optional(ATTR_DEVICE_NAME): _text(DEVICE_NAME_MAX_LENGTH),
    vol.Optional(ATTR_CAPABILITIES): _capabilities,
    vol.Optional(ATTR_FAMILY_ID): _text(),
    vol.Optional(ATTR_ROOM_ID): _text(),
    vol.Optional(ATTR_COMMON_DEVICE): _boolean,
}
_BINDING_CODE = _matching(BINDING_CODE_PATTERN, "invalid_binding_code")

BIND_BY_DK_SCHEMA = vol.Schema(_BIND_FIELDS)
BIND_WIFI_SCHEMA = vol.Schema(
    {**_BIND_FIELDS, vol.Required(ATTR_BINDING_CODE): _BINDING_CODE, vol.Optional(ATTR_MATTER): MATTER_SCHEMA}
)
BIND_BLE_SCHEMA = vol.Schema(
    {
        **_BIND_FIELDS,
        vol.Required(ATTR_BINDING_SECRET): _text(),
        vol.Optional(ATTR_BINDING_CODE): _BINDING_CODE,
        vol.Optional(ATTR_ENCRYPTED_BINDING_CODE): _base64,
        vol.Optional(ATTR_PRODUCT_SECRET): _product_secret,
        vol.Optional(ATTR_OLD_BINDING_SECRET): _text(),
        vol.Optional(ATTR_RANDOM): _random,
        vol.Optional(ATTR_DEVICE_PASSWORD): _text(),
    }
)
SHARE_DEVICE_SCHEMA = vol.Schema(
    {
        **_DEVICE_FIELDS,
        vol.Optional(ATTR_SHARE_UID): _text(),
        vol.Optional(ATTR_EMAIL): _text(),
        vol.Optional(ATTR_PHONE): _text(),
        vol.Optional(ATTR_AUTH_KEY): _text(),
        vol.Optional(ATTR_COVER_MODE): _cover_mode,
        vol.Optional(ATTR_EXPIRES_AT): _future_datetime,
    }
)


UNBIND_DEVICE_SCHEMA = vol.Schema(
    {
        **_DEVICE_FIELDS,
        vol.Optional(ATTR_RESET_DEVICE): _boolean,
        vol.Optional(ATTR_RESET_CREDENTIALS): _base64_text("invalid_reset_credentials"),
        vol.Optional(ATTR_RANDOM): _random,
    }
)
ACCEPT_SHARE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): _text(),
        vol.Required(ATTR_SHARE_CODE): _share_code,
        vol.Optional(ATTR_DEVICE_NAME): _text(DEVICE_NAME_MAX_LENGTH),
    }
)
REVOKE_SHARE_SCHEMA = vol.Schema(
    {vol.Required(ATTR_CONFIG_ENTRY_ID): _text(), vol.Required(ATTR_SHARE_CODE): _share_code}
)
LIST_SHARES_SCHEMA = vol.Schema(_DEVICE_FIELDS)


def _given(fields: tuple[str, ...], reason: str, counts: set[int]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A check that the number of ``fields`` given is one of ``counts``."""

    def validate(data: dict[str, Any]) -> dict[str, Any]:
        if sum(1 for name in fields if data.get(name) is not None) not in counts:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=reason,
                translation_placeholders={"fields": ", ".join(fields)},
            )
        return data

    return validate


def _exactly_one(fields: tuple[str, ...], reason: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return _given(fields, reason, {1})


def _together(fields: tuple[str, ...], reason: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return _given(fields, reason, {0, len(fields)})


def translated_schema(
    schema: vol.Schema, *checks: Callable[[dict[str, Any]], dict[str, Any]]
) -> vol.All[dict[str, Any]]:
    """Run a schema, turning its first error into a translated ``ServiceValidationError``.

    Home Assistant would otherwise raise the raw, untranslated validation error (and log the call's data, secrets
    included, at debug level).
    """

    def validate(data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            validated: dict[str, Any] = schema(dict(data))
        except vol.MultipleInvalid as err:  # a Schema reports even a single error this way
            raise _to_validation_error(err.errors[0]) from None
        for check in checks:
            validated = check(validated)
        return validated

    return vol.All(validate)


def _to_validation_error(err: vol.Invalid) -> ServiceValidationError:
    field = ".".join(str(part) for part in err.path) or "-"
    if isinstance(err, FieldInvalid):
        return _refuse(field, err.reason, **err.reason_placeholders)
    if isinstance(err, vol.RequiredFieldInvalid):
        return _refuse(field, "missing_field")
    if isinstance(err, vol.ExtraKeysInvalid):
        return _refuse(field, "unknown_field")
    if err.error_message == "invalid_privilege":
        return _refuse(field, "invalid_privilege", allowed=", ".join(MATTER_PRIVILEGES))
    return _refuse(field, "invalid_field", reason=err.error_message)


def async_get_loaded_entry(hass: HomeAssistant, entry_id: str) -> QuecConfigEntry:
    """The account entry an action names; refused unless it exists, is ours and is loaded."""
    entry: QuecConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry


def _bind_options(entry: QuecConfigEntry, data: Mapping[str, Any]) -> Any:
    return resolve_bind_options(
        entry,
        device_name=data.get(ATTR_DEVICE_NAME),
        capabilities=data.get(ATTR_CAPABILITIES),
        family_id=data.get(ATTR_FAMILY_ID),
        room_id=data.get(ATTR_ROOM_ID),
        common_device=data.get(ATTR_COMMON_DEVICE),
    )


async def _async_bind_by_dk(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    request = BindByDkRequest(call.data[ATTR_PRODUCT_KEY], call.data[ATTR_DEVICE_KEY], _bind_options(entry, call.data))
    result = await async_bind_by_dk(call.hass, entry, request)
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "auth_key": result.auth_key}


def _matter_info(data: Mapping[str, Any] | None) -> MatterInfo | None:
    if data is None:
        return None
    return MatterInfo(
        vendor_id=data["vendor_id"],
        product_id=data["product_id"],
        version=data["version"],
        node_id=data["node_id"],
        fabric_id=data["fabric_id"],
        discriminator=data["discriminator"],
        cat_list=tuple(MatterCat(item["cat"], item["privilege"]) for item in data["cat_list"]),
        extra=data.get("extra"),
    )


async def _async_bind_wifi(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    request = WifiBindRequest(
        product_key=call.data[ATTR_PRODUCT_KEY],
        device_key=call.data[ATTR_DEVICE_KEY],
        binding_code=call.data[ATTR_BINDING_CODE].upper(),
        options=_bind_options(entry, call.data),
        matter=_matter_info(call.data.get(ATTR_MATTER)),
    )
    result = await async_bind_wifi(call.hass, entry, request)
    if not call.return_response:
        return None
    return {
        "product_key": result.product_key,
        "device_key": result.device_key,
        "auth_key": result.auth_key,
        "binding_mode": result.binding_mode,
        "product_name": result.product_name,
        "product_logo": result.product_logo,
    }


async def _async_bind_ble(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    product_key = call.data[ATTR_PRODUCT_KEY]
    product_secret = call.data.get(ATTR_PRODUCT_SECRET) or entry.options.get(OPT_PRODUCT_SECRETS, {}).get(product_key)
    if not product_secret:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="product_secret_missing",
            translation_placeholders={"product_key": product_key},
        )
    binding_code = call.data.get(ATTR_BINDING_CODE)
    request = PureBleBindRequest(
        product_key=product_key,
        device_key=call.data[ATTR_DEVICE_KEY],
        product_secret=product_secret,
        binding_secret=call.data[ATTR_BINDING_SECRET],
        binding_code=binding_code.upper() if binding_code else None,
        encrypted_binding_code=call.data.get(ATTR_ENCRYPTED_BINDING_CODE),
        old_binding_secret=call.data.get(ATTR_OLD_BINDING_SECRET),
        random=call.data.get(ATTR_RANDOM),
        device_password=call.data.get(ATTR_DEVICE_PASSWORD),
        options=_bind_options(entry, call.data),
    )
    result = await async_bind_ble(call.hass, entry, request)
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "verified": result.verified}


async def _async_share_device(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    request = ShareRequest(
        product_key=call.data[ATTR_PRODUCT_KEY],
        device_key=call.data[ATTR_DEVICE_KEY],
        share_uid=call.data.get(ATTR_SHARE_UID),
        email=call.data.get(ATTR_EMAIL),
        phone=call.data.get(ATTR_PHONE),
        auth_key=call.data.get(ATTR_AUTH_KEY),
        cover_mode=call.data.get(ATTR_COVER_MODE),
        expires_at=call.data.get(ATTR_EXPIRES_AT),
    )
    result = await async_share_device(call.hass, entry, request)
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "share_code": result.share_code}


async def _async_unbind_device(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    request = UnbindRequest(
        product_key=call.data[ATTR_PRODUCT_KEY],
        device_key=call.data[ATTR_DEVICE_KEY],
        reset=call.data.get(ATTR_RESET_DEVICE),
        reset_credentials=call.data.get(ATTR_RESET_CREDENTIALS),
        random=call.data.get(ATTR_RANDOM),
    )
    result = await entry.runtime_data.coordinator.async_unbind(request)
    if not call.return_response:
        return None
    return {"product_key": result.product_key, "device_key": result.device_key, "binding_sum": result.binding_sum}


async def _async_accept_share(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    share_code = call.data[ATTR_SHARE_CODE]
    await entry.runtime_data.coordinator.async_accept_share(share_code, call.data.get(ATTR_DEVICE_NAME))
    return {"share_code": share_code} if call.return_response else None


async def _async_revoke_share(call: ServiceCall) -> ServiceResponse:
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    share_code = call.data[ATTR_SHARE_CODE]
    await entry.runtime_data.coordinator.async_revoke_share(share_code)
    return {"share_code": share_code} if call.return_response else None


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
    entry = async_get_loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    product_key, device_key = call.data[ATTR_PRODUCT_KEY], call.data[ATTR_DEVICE_KEY]
    shares = await entry.runtime_data.coordinator.async_list_shares(product_key, device_key)
    return {"product_key": product_key, "device_key": device_key, "shares": [_share_response(s) for s in shares]}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the eight actions (once, from ``async_setup``)."""
    bind_code_choice = _exactly_one((ATTR_BINDING_CODE, ATTR_ENCRYPTED_BINDING_CODE), "binding_code_choice")
    recipient_choice = _exactly_one((ATTR_SHARE_UID, ATTR_EMAIL, ATTR_PHONE), "share_recipient_choice")
    reset_pair = _together((ATTR_RESET_CREDENTIALS, ATTR_RANDOM), "reset_credentials_pair")
    for name, handler, schema in (
        (SERVICE_BIND_BY_DK, _async_bind_by_dk, translated_schema(BIND_BY_DK_SCHEMA)),
        (SERVICE_BIND_WIFI, _async_bind_wifi, translated_schema(BIND_WIFI_SCHEMA)),
        (SERVICE_BIND_BLE, _async_bind_ble, translated_schema(BIND_BLE_SCHEMA, bind_code_choice)),
        (SERVICE_SHARE_DEVICE, _async_share_device, translated_schema(SHARE_DEVICE_SCHEMA, recipient_choice)),
        (SERVICE_UNBIND_DEVICE, _async_unbind_device, translated_schema(UNBIND_DEVICE_SCHEMA, reset_pair)),
        (SERVICE_ACCEPT_SHARE, _async_accept_share, translated_schema(ACCEPT_SHARE_SCHEMA)),
        (SERVICE_REVOKE_SHARE, _async_revoke_share, translated_schema(REVOKE_SHARE_SCHEMA)),
    ):
        hass.services.async_register(DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse.OPTIONAL)
    hass.services.async_register(
        DOMAIN,
        SERVICE_LIST_SHARES,
        _async_list_shares,
        schema=translated_schema(LIST_SHARES_SCHEMA),
        supports_response=SupportsResponse.ONLY,
    )
