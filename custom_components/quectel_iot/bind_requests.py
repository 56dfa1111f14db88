"""One request builder per binding kind (and for sharing and unbinding), from checked fields.

The actions, the Bluetooth discovery form and the options form all hand their (already validated) fields, named as the
actions name them, to these builders; what a caller leaves out comes from the account's binding defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import (
    BindByDkRequest,
    BindOptions,
    MatterCat,
    MatterInfo,
    PureBleBindRequest,
    ShareRequest,
    UnbindRequest,
    WifiBindRequest,
)
from .const import (
    ATTR_AUTH_KEY,
    ATTR_BINDING_CODE,
    ATTR_BINDING_SECRET,
    ATTR_CAPABILITIES,
    ATTR_COMMON_DEVICE,
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
    ATTR_RANDOM,
    ATTR_RESET_CREDENTIALS,
    ATTR_RESET_DEVICE,
    ATTR_ROOM_ID,
    ATTR_SHARE_UID,
    OPT_CAPABILITIES,
    OPT_COMMON_DEVICE,
    OPT_FAMILY_ID,
    OPT_PRODUCT_SECRETS,
    OPT_ROOM_ID,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .api import ProvisionedDevice


def bind_options(options: Mapping[str, Any], fields: Mapping[str, Any]) -> BindOptions:
    """What the caller gave, completed with the account's binding defaults from the options."""
    family_id = fields.get(ATTR_FAMILY_ID)
    room_id = fields.get(ATTR_ROOM_ID)
    if family_id is None:
        family_id = options.get(OPT_FAMILY_ID)
        # The default room belongs to the default home only.
        if room_id is None:
            room_id = options.get(OPT_ROOM_ID)
    capabilities = fields.get(ATTR_CAPABILITIES)
    common_device = fields.get(ATTR_COMMON_DEVICE)
    return BindOptions(
        device_name=fields.get(ATTR_DEVICE_NAME),
        capabilities=capabilities if capabilities is not None else options.get(OPT_CAPABILITIES),
        family_id=family_id or None,
        room_id=room_id or None,
        common_device=common_device if common_device is not None else options.get(OPT_COMMON_DEVICE),
    )


def bind_option_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Only the binding defaults a caller gave (for a bind whose device keys and code come later, from the device)."""
    names = (ATTR_DEVICE_NAME, ATTR_CAPABILITIES, ATTR_FAMILY_ID, ATTR_ROOM_ID, ATTR_COMMON_DEVICE)
    return {name: fields[name] for name in names if name in fields}


def saved_product_secret(options_of: Iterable[Mapping[str, Any]], product_key: str) -> str | None:
    """The Product Secret saved for ``product_key`` in the first of these accounts' options that has one."""
    for options in options_of:
        secret: str | None = options.get(OPT_PRODUCT_SECRETS, {}).get(product_key)
        if secret:
            return secret
    return None


def bind_by_dk_request(options: Mapping[str, Any], fields: Mapping[str, Any]) -> BindByDkRequest:
    """A pre-registered (e.g. cellular) device, by its keys."""
    return BindByDkRequest(fields[ATTR_PRODUCT_KEY], fields[ATTR_DEVICE_KEY], bind_options(options, fields))


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


def wifi_bind_request(options: Mapping[str, Any], fields: Mapping[str, Any]) -> WifiBindRequest:
    """A Wi-Fi device, with the binding code it reported to the cloud."""
    return WifiBindRequest(
        product_key=fields[ATTR_PRODUCT_KEY],
        device_key=fields[ATTR_DEVICE_KEY],
        binding_code=fields[ATTR_BINDING_CODE].upper(),
        options=bind_options(options, fields),
        matter=_matter_info(fields.get(ATTR_MATTER)),
    )


def provisioned_wifi_request(
    options: Mapping[str, Any], fields: Mapping[str, Any], provisioned: ProvisionedDevice
) -> WifiBindRequest:
    """The bind of a device just given Wi-Fi: the caller's fields with the keys and code the device answered."""
    return wifi_bind_request(
        options,
        {
            **fields,
            ATTR_PRODUCT_KEY: provisioned.product_key,
            ATTR_DEVICE_KEY: provisioned.device_key,
            ATTR_BINDING_CODE: provisioned.binding_code,
        },
    )


def pure_ble_bind_request(
    options: Mapping[str, Any], fields: Mapping[str, Any], product_secret: str
) -> PureBleBindRequest:
    """A Bluetooth-only device; the fields passed ``validation.check_binding_code`` (an encrypted code has its random).

    A plain binding code without a random gets a fresh one from the API layer (a CSPRNG).
    """
    binding_code: str | None = fields.get(ATTR_BINDING_CODE)
    return PureBleBindRequest(
        product_key=fields[ATTR_PRODUCT_KEY],
        device_key=fields[ATTR_DEVICE_KEY],
        product_secret=product_secret,
        binding_secret=fields[ATTR_BINDING_SECRET],
        binding_code=binding_code.upper() if binding_code else None,
        encrypted_binding_code=fields.get(ATTR_ENCRYPTED_BINDING_CODE),
        old_binding_secret=fields.get(ATTR_OLD_BINDING_SECRET),
        random=fields.get(ATTR_RANDOM),
        device_password=fields.get(ATTR_DEVICE_PASSWORD),
        options=bind_options(options, fields),
    )


def share_request(fields: Mapping[str, Any]) -> ShareRequest:
    """An invitation of one user to a device the account owns."""
    return ShareRequest(
        product_key=fields[ATTR_PRODUCT_KEY],
        device_key=fields[ATTR_DEVICE_KEY],
        share_uid=fields.get(ATTR_SHARE_UID),
        email=fields.get(ATTR_EMAIL),
        phone=fields.get(ATTR_PHONE),
        auth_key=fields.get(ATTR_AUTH_KEY),
        cover_mode=fields.get(ATTR_COVER_MODE),
        expires_at=fields.get(ATTR_EXPIRES_AT),
    )


def unbind_request(fields: Mapping[str, Any]) -> UnbindRequest:
    """An unbind (with the pure-BLE reset credentials and their random, when given)."""
    return UnbindRequest(
        product_key=fields[ATTR_PRODUCT_KEY],
        device_key=fields[ATTR_DEVICE_KEY],
        reset=fields.get(ATTR_RESET_DEVICE),
        reset_credentials=fields.get(ATTR_RESET_CREDENTIALS),
        random=fields.get(ATTR_RANDOM),
    )
