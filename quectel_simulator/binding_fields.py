"""The parameters of the bind endpoints after their missing and format checks (state checks come later).

``bindDeviceDk`` reads them from the query, ``deviceBindingByWifi`` and ``deviceBindingByPureBt`` from a JSON body;
the checks and their codes are the same wherever the fields come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from .codes import ApiError
from .crypto import DecryptError, ble_decrypt
from .params import (
    BINDING_CODE_RE,
    BT_PWD_RE,
    DK_RE,
    MAX_DEVICE_NAME,
    bool_param,
    int_param,
    required_param,
    text_param,
)

CAPABILITIES_RANGE: Final = range(1, 16)
"""Valid ``capabilitiesBitmask`` values (5000 outside)."""
MATTER_REQUIRED: Final = (
    ("discriminator", 5879),
    ("matterProductId", 5880),
    ("matterVersion", 5881),
    ("matterVendorId", 5882),
    ("fabricId", 5883),
    ("nodeId", 5885),
)
"""``matterInfo`` members required when ``isMatter`` is true, with their codes, in check order."""


@dataclass(frozen=True)
class BindParams:
    """The parameters every bind endpoint shares, after their format checks.

    Attributes:
        pk: Product key.
        dk: Device key.
        name: Device name, or ``None``.
        capabilities: ``capabilitiesBitmask``, or ``None``.
        fid: Home id, or ``None``.
        frid: Room id, or ``None``.
        is_common: ``isCommonDevice`` (default true).
    """

    pk: str
    dk: str
    name: str | None
    capabilities: int | None
    fid: str | None
    frid: str | None
    is_common: bool


def bind_params(
    pk: str, dk: str, *, name: Any, capabilities: Any, fid: str | None, frid: str | None, is_common: Any
) -> BindParams:
    """Check the shared bind parameters' formats, in order: DK 5361, name 5333, capabilities 5000, isCommonDevice 5000.

    Args:
        pk: Product key.
        dk: Device key.
        name: Raw device name.
        capabilities: Raw ``capabilitiesBitmask``.
        fid: Home id.
        frid: Room id.
        is_common: Raw ``isCommonDevice``.

    Returns:
        The checked parameters.

    Raises:
        ApiError: On the first bad format.
    """
    if not DK_RE.fullmatch(dk):
        raise ApiError(5361)
    text_name = text_param(name)
    if text_name is not None and len(text_name) > MAX_DEVICE_NAME:
        raise ApiError(5333)
    bitmask = int_param(capabilities, 5000)
    if bitmask is not None and bitmask not in CAPABILITIES_RANGE:
        raise ApiError(5000)
    return BindParams(pk, dk, text_name, bitmask, fid, frid, bool_param(is_common, default=True))


def body_bind_params(body: dict[str, Any], pk: str, dk: str) -> BindParams:
    """The shared bind parameters of a JSON body: frid without fid 5636, then :func:`bind_params`."""
    fid, frid = family_ids(body.get("fid"), body.get("frid"))
    return bind_params(
        pk,
        dk,
        name=body.get("deviceName"),
        capabilities=body.get("capabilitiesBitmask"),
        fid=fid,
        frid=frid,
        is_common=body.get("isCommonDevice"),
    )


def family_ids(fid: Any, frid: Any) -> tuple[str | None, str | None]:
    """``fid`` and ``frid``; a room without a home is 5636."""
    family, room = text_param(fid), text_param(frid)
    if room is not None and family is None:
        raise ApiError(5636)
    return family, room


def parse_binding_secret(plain: str, pk: str, dk: str) -> str | None:
    """The secret of ``"PK,DK,bindingSecret"`` when PK and DK match, else ``None``."""
    parts = plain.split(",", 2)
    if len(parts) != 3 or parts[0] != pk or parts[1] != dk or not parts[2]:  # noqa: PLR2004 - PK, DK, secret
        return None
    return parts[2]


def matter_info(body: dict[str, Any]) -> dict[str, Any] | None:
    """``matterInfo`` when ``isMatter`` is true (members missing: 5879..5885), else ``None``; isMatter bad 5000."""
    if not bool_param(body.get("isMatter"), default=False):
        return None
    raw = body.get("matterInfo")
    info: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for member, missing_code in MATTER_REQUIRED:
        value = info.get(member)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ApiError(missing_code)
    return info


@dataclass(frozen=True)
class PureBtFields:
    """The fields of a pure-BLE bind after the missing and format checks.

    Attributes:
        bind: The shared bind parameters.
        random: The device's random (the AES IV).
        signature: The request's signature.
        clear_code: ``bindingCode``, or ``None``.
        encrypted_code: ``encryptedBindingCode``, or ``None``.
        new_secret: ``encryptedNewBindingSecret``.
        old_secret: ``encryptedOldBindingSecret``, or ``None``.
        pwd: The device password, or ``None``.
    """

    bind: BindParams
    random: str
    signature: str
    clear_code: str | None
    encrypted_code: str | None
    new_secret: str
    old_secret: str | None
    pwd: str | None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> PureBtFields:
        """Read the body: missing fields, then formats, in the order of ``bind_pure_bt``.

        Args:
            body: The JSON body.

        Returns:
            The fields.

        Raises:
            ApiError: On the first missing or malformed field.
        """
        pk = required_param(body.get("pk"), 5066)
        dk = required_param(body.get("dk"), 5067)
        random = required_param(body.get("random"), 5179)
        signature = required_param(body.get("signature"), 5550)
        clear_code = text_param(body.get("bindingCode"))
        encrypted_code = text_param(body.get("encryptedBindingCode"))
        if clear_code is None and encrypted_code is None:
            raise ApiError(5179)
        new_secret = required_param(body.get("encryptedNewBindingSecret"), 5458)
        pwd = text_param(body.get("pwd"))
        bind = body_bind_params(body, pk, dk)
        if pwd is not None and not BT_PWD_RE.fullmatch(pwd):
            raise ApiError(5357)
        if encrypted_code is None and clear_code is not None and not BINDING_CODE_RE.fullmatch(clear_code):
            raise ApiError(5213)
        return cls(
            bind=bind,
            random=random,
            signature=signature,
            clear_code=clear_code,
            encrypted_code=encrypted_code,
            new_secret=new_secret,
            old_secret=text_param(body.get("encryptedOldBindingSecret")),
            pwd=pwd,
        )

    def binding_code(self, product_secret: str) -> str:
        """The binding code in clear: encryptedBindingCode decrypted (else 5213), or bindingCode."""
        if self.encrypted_code is None:
            return self.clear_code or ""
        try:
            code = ble_decrypt(self.encrypted_code, product_secret, self.random)
        except DecryptError as err:
            raise ApiError(5213) from err
        if not BINDING_CODE_RE.fullmatch(code):
            raise ApiError(5213)
        return code

    def new_binding_secret(self, product_secret: str) -> str:
        """The new binding secret; 5459 unless the field decrypts to ``"PK,DK,secret"`` of this device."""
        secret = self.decrypt_secret(self.new_secret, product_secret)
        if secret is None:
            raise ApiError(5459)
        return secret

    def decrypt_secret(self, ciphertext: str, product_secret: str) -> str | None:
        """Decrypt an encrypted ``"PK,DK,bindingSecret"`` of this device.

        Args:
            ciphertext: encryptedNewBindingSecret or encryptedOldBindingSecret.
            product_secret: The product's PS (the AES key).

        Returns:
            The binding secret, or ``None`` when the value does not decrypt or names another device.
        """
        try:
            plain = ble_decrypt(ciphertext, product_secret, self.random)
        except DecryptError:
            return None
        return parse_binding_secret(plain, self.bind.pk, self.bind.dk)
