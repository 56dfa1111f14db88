"""The actions' finished schemas: the fields and the rules across them (all from ``validation.py``).

A refusal is a translated ``ServiceValidationError``: Home Assistant would otherwise raise the raw, untranslated
validation error (and log the call's data, secrets included, at debug level), so every schema is wrapped by
``translated_schema``. ``services.py`` registers these as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.exceptions import ServiceValidationError

from . import validation as v
from .const import (
    ATTR_ADDRESS,
    ATTR_AUTH_KEY,
    ATTR_BINDING_CODE,
    ATTR_BINDING_SECRET,
    ATTR_CAPABILITIES,
    ATTR_COMMON_DEVICE,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_COVER_MODE,
    ATTR_DEVICE_KEY,
    ATTR_DEVICE_NAME,
    ATTR_DEVICE_PASSWORD,
    ATTR_EMAIL,
    ATTR_ENCRYPTED_BINDING_CODE,
    ATTR_EXPIRES_AT,
    ATTR_FAMILY_ID,
    ATTR_MATTER,
    ATTR_OLD_BINDING_SECRET,
    ATTR_PHONE,
    ATTR_PRODUCT_KEY,
    ATTR_PRODUCT_SECRET,
    ATTR_RANDOM,
    ATTR_RESET_CREDENTIALS,
    ATTR_RESET_DEVICE,
    ATTR_ROOM_ID,
    ATTR_SHARE_CODE,
    ATTR_SHARE_UID,
    ATTR_SSID,
    ATTR_TIMEOUT,
    DOMAIN,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

MATTER_PRIVILEGES: Final = ("View", "Operate", "Administer")


def translated_schema(schema: vol.Schema, *checks: v.Across) -> vol.All[dict[str, Any]]:
    """Run a schema, then the rules across its fields: the one place an action's refusal is translated.

    The first refusal becomes a translated ``ServiceValidationError`` naming the field and the reason.
    """

    def validate(data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            validated: dict[str, Any] = schema(dict(data))
        except vol.MultipleInvalid as err:  # a Schema reports even a single error this way
            raise _to_validation_error(err.errors[0]) from None
        try:
            for check in checks:
                validated = check(validated)
        except v.FieldInvalid as err:
            raise _to_validation_error(err) from None
        return validated

    return vol.All(validate)


def _refuse(field: str, translation_key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders={"field": field, **placeholders},
    )


def _to_validation_error(err: vol.Invalid) -> ServiceValidationError:
    field = ".".join(str(part) for part in err.path) or "-"
    if isinstance(err, v.FieldInvalid):
        return _refuse(field, err.reason, **err.reason_placeholders)
    if isinstance(err, vol.RequiredFieldInvalid):
        return _refuse(field, "missing_field")
    if isinstance(err, vol.ExtraKeysInvalid):
        return _refuse(field, "unknown_field")
    if err.error_message == "invalid_privilege":
        return _refuse(field, "invalid_privilege", allowed=", ".join(MATTER_PRIVILEGES))
    return _refuse(field, "invalid_field", reason=err.error_message)


_MATTER_CAT = vol.Schema(
    {
        vol.Required("cat"): v.non_negative_integer,
        vol.Required("privilege"): vol.All(str, vol.In(MATTER_PRIVILEGES, msg="invalid_privilege")),
    }
)
MATTER_SCHEMA = vol.Schema(
    {
        vol.Required("vendor_id"): v.non_negative_integer,
        vol.Required("product_id"): v.non_negative_integer,
        vol.Required("version"): v.text(),
        vol.Required("node_id"): v.non_negative_integer,
        vol.Required("fabric_id"): v.non_negative_integer,
        vol.Required("discriminator"): v.non_negative_integer,
        vol.Optional("cat_list", default=list): [_MATTER_CAT],
        vol.Optional("extra"): v.text(),
    }
)

_DEVICE_FIELDS: dict[vol.Marker, Any] = {
    vol.Required(ATTR_CONFIG_ENTRY_ID): v.text(),
    vol.Required(ATTR_PRODUCT_KEY): v.product_key,
    vol.Required(ATTR_DEVICE_KEY): v.device_key,
}
# The binding defaults any bind may override (the Wi-Fi set-up takes them too).
BIND_OPTION_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_DEVICE_NAME): v.device_name,
    vol.Optional(ATTR_CAPABILITIES): v.capabilities,
    vol.Optional(ATTR_FAMILY_ID): v.text(),
    vol.Optional(ATTR_ROOM_ID): v.text(),
    vol.Optional(ATTR_COMMON_DEVICE): v.boolean,
}
# What a pure-BLE bind takes beyond the device and the binding defaults; the Bluetooth forms check the same fields.
BLE_BIND_FIELDS: Final[dict[vol.Marker, Any]] = {
    vol.Required(ATTR_BINDING_SECRET): v.text(),
    vol.Optional(ATTR_BINDING_CODE): v.binding_code,
    vol.Optional(ATTR_ENCRYPTED_BINDING_CODE): v.encrypted_binding_code,
    vol.Optional(ATTR_PRODUCT_SECRET): v.product_secret,
    vol.Optional(ATTR_OLD_BINDING_SECRET): v.text(),
    vol.Optional(ATTR_RANDOM): v.random_value,
    vol.Optional(ATTR_DEVICE_PASSWORD): v.text(),
}

BIND_BY_DK_SCHEMA: Final = translated_schema(vol.Schema({**_DEVICE_FIELDS, **BIND_OPTION_FIELDS}))
BIND_WIFI_SCHEMA: Final = translated_schema(
    vol.Schema(
        {
            **_DEVICE_FIELDS,
            **BIND_OPTION_FIELDS,
            vol.Required(ATTR_BINDING_CODE): v.binding_code,
            vol.Optional(ATTR_MATTER): MATTER_SCHEMA,
        }
    )
)
BIND_BLE_SCHEMA: Final = translated_schema(
    vol.Schema({**_DEVICE_FIELDS, **BIND_OPTION_FIELDS, **BLE_BIND_FIELDS}), v.binding_code_choice
)
SHARE_DEVICE_SCHEMA: Final = translated_schema(
    vol.Schema(
        {
            **_DEVICE_FIELDS,
            vol.Optional(ATTR_SHARE_UID): v.text(),
            vol.Optional(ATTR_EMAIL): v.text(),
            vol.Optional(ATTR_PHONE): v.text(),
            vol.Optional(ATTR_AUTH_KEY): v.text(),
            vol.Optional(ATTR_COVER_MODE): v.cover_mode,
            vol.Optional(ATTR_EXPIRES_AT): v.future_datetime,
        }
    ),
    v.exactly_one((ATTR_SHARE_UID, ATTR_EMAIL, ATTR_PHONE), "share_recipient_choice"),
)
UNBIND_DEVICE_SCHEMA: Final = translated_schema(
    vol.Schema(
        {
            **_DEVICE_FIELDS,
            vol.Optional(ATTR_RESET_DEVICE): v.boolean,
            vol.Optional(ATTR_RESET_CREDENTIALS): v.base64_text("invalid_reset_credentials"),
            vol.Optional(ATTR_RANDOM): v.random_value,
        }
    ),
    v.together((ATTR_RESET_CREDENTIALS, ATTR_RANDOM), "reset_credentials_pair"),
)
ACCEPT_SHARE_SCHEMA: Final = translated_schema(
    vol.Schema(
        {
            vol.Required(ATTR_CONFIG_ENTRY_ID): v.text(),
            vol.Required(ATTR_SHARE_CODE): v.share_code,
            vol.Optional(ATTR_DEVICE_NAME): v.device_name,
        }
    )
)
REVOKE_SHARE_SCHEMA: Final = translated_schema(
    vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): v.text(), vol.Required(ATTR_SHARE_CODE): v.share_code})
)
DEVICE_SCHEMA: Final = translated_schema(vol.Schema(_DEVICE_FIELDS))
PROVISION_WIFI_SCHEMA: Final = translated_schema(
    vol.Schema(
        {
            vol.Required(ATTR_CONFIG_ENTRY_ID): v.text(),
            # A saved network: the action takes no password (action data is recorded in clear).
            vol.Required(ATTR_SSID): v.ssid,
            vol.Optional(ATTR_ADDRESS): v.bluetooth_address,
            vol.Optional(ATTR_PRODUCT_KEY): v.product_key,
            vol.Optional(ATTR_DEVICE_KEY): v.device_key,
            vol.Optional(ATTR_TIMEOUT): v.provision_timeout,
            **BIND_OPTION_FIELDS,
        }
    ),
    v.device_choice,
)
