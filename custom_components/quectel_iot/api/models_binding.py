"""Typed shapes of binding and unbinding: a request's ``to_api()`` goes on the wire, a result's ``from_api()`` reads.

A request refuses (``ValueError``) an impossible combination in its ``to_api()``, before anything is sent: that is the
one place the API layer checks it. Secrets (binding codes and secrets, auth keys, product secrets, reset credentials)
are kept out of ``repr()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from .crypto import encrypt_binding_secret, make_random, pure_ble_signature

if TYPE_CHECKING:
    from .models_devices import Device


def query_bool(value: bool) -> str:
    """A boolean as the query strings of the vendor's pages spell it."""
    return "true" if value else "false"


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _data(data: Any) -> dict[str, Any]:
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True, slots=True)
class BindOptions:
    """Optional parameters every bind call accepts."""

    device_name: str | None = None
    capabilities: int | None = None
    family_id: str | None = None
    room_id: str | None = None
    common_device: bool | None = None

    def to_query(self) -> dict[str, str]:
        """The options as a query-string endpoint (``bindDeviceDk``) takes them."""
        params: dict[str, str] = {}
        if self.device_name is not None:
            params["name"] = self.device_name
        if self.capabilities is not None:
            params["capabilitiesBitmask"] = str(self.capabilities)
        if self.family_id:
            params["fid"] = self.family_id
        if self.room_id:
            params["frid"] = self.room_id
        if self.common_device is not None:
            params["isCommonDevice"] = query_bool(self.common_device)
        return params

    def to_body(self) -> dict[str, Any]:
        """The options as a JSON-body endpoint (the Wi-Fi and pure-BLE binds) takes them."""
        body: dict[str, Any] = {}
        if self.device_name is not None:
            body["deviceName"] = self.device_name
        if self.capabilities is not None:
            body["capabilitiesBitmask"] = self.capabilities
        if self.family_id:
            body["fid"] = self.family_id
        if self.room_id:
            body["frid"] = self.room_id
        if self.common_device is not None:
            body["isCommonDevice"] = self.common_device
        return body


@dataclass(frozen=True, slots=True)
class MatterCat:
    """One CASE Authenticated Tag of a Matter device."""

    cat: int
    privilege: str


@dataclass(frozen=True, slots=True)
class MatterInfo:
    """Matter commissioning data sent with a Wi-Fi bind."""

    vendor_id: int
    product_id: int
    version: str
    node_id: int
    fabric_id: int
    discriminator: int
    cat_list: tuple[MatterCat, ...] = ()
    extra: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The seed's ``matterInfo`` object."""
        body: dict[str, Any] = {
            "catList": [{"cat": item.cat, "privilege": item.privilege} for item in self.cat_list],
            "discriminator": self.discriminator,
            "fabricId": self.fabric_id,
            "matterProductId": self.product_id,
            "matterVendorId": self.vendor_id,
            "matterVersion": self.version,
            "nodeId": self.node_id,
        }
        if self.extra is not None:
            body["extra"] = self.extra
        return body


@dataclass(frozen=True, slots=True)
class BindByDkRequest:
    """``bindDeviceDk``: bind a pre-registered device by its keys alone."""

    product_key: str
    device_key: str
    options: BindOptions = BindOptions()

    def to_api(self) -> dict[str, str]:
        """The query string: every parameter there, as the seed says."""
        return {"pk": self.product_key, "dk": self.device_key, **self.options.to_query()}


@dataclass(frozen=True, slots=True)
class WifiBindRequest:
    """``deviceBindingByWifi``: bind a Wi-Fi device with the binding code it reported to the cloud."""

    product_key: str
    device_key: str
    binding_code: str = field(repr=False)
    options: BindOptions = BindOptions()
    matter: MatterInfo | None = None

    def to_api(self) -> dict[str, Any]:
        """The JSON body, as the seed says."""
        body: dict[str, Any] = {
            "productKey": self.product_key,
            "deviceKey": self.device_key,
            "bindingCode": self.binding_code,
            **self.options.to_body(),
        }
        if self.matter is not None:
            body["isMatter"] = True
            body["matterInfo"] = self.matter.to_api()
        return body


@dataclass(frozen=True, slots=True)
class PureBleBindRequest:
    """``deviceBindingByPureBt``: bind a Bluetooth-only device.

    Give exactly one of ``binding_code`` (sent as ``bindingCode``) and ``encrypted_binding_code`` (already
    encrypted by the device, sent as ``encryptedBindingCode``). ``random`` is the 16-character IV. With
    ``encrypted_binding_code`` it is required, and must be the random the device encrypted the code with:
    ``to_api`` refuses (``ValueError``) an encrypted code without one. A plain ``binding_code`` without ``random``
    gets a fresh one.
    """

    product_key: str
    device_key: str
    product_secret: str = field(repr=False)
    binding_secret: str = field(repr=False)
    binding_code: str | None = field(default=None, repr=False)
    encrypted_binding_code: str | None = field(default=None, repr=False)
    old_binding_secret: str | None = field(default=None, repr=False)
    random: str | None = None
    device_password: str | None = field(default=None, repr=False)
    options: BindOptions = BindOptions()

    def to_api(self, user_domain_secret: str) -> dict[str, Any]:
        """The JSON body (pure: no I/O), per the seed's formulas; the signature covers whichever code is sent.

        Raises:
            ValueError: Neither or both binding codes are given; or an encrypted binding code comes without its
                ``random``. The device encrypted that code with a random of its own, so a new one could never
                decrypt it: the request is refused before anything is sent. A plain binding code without
                ``random`` gets a fresh one from a CSPRNG.
        """
        if (self.binding_code is None) == (self.encrypted_binding_code is None):
            raise ValueError("Give exactly one of binding_code and encrypted_binding_code")
        if self.encrypted_binding_code is not None and not self.random:
            raise ValueError("An encrypted binding code needs the random it was encrypted with")
        random = self.random or make_random()
        pk, dk, ps = self.product_key, self.device_key, self.product_secret
        body: dict[str, Any] = {"pk": pk, "dk": dk, "random": random}
        if self.encrypted_binding_code is not None:
            code_field, code_value = "encryptedBindingCode", self.encrypted_binding_code
        else:
            code_field, code_value = "bindingCode", str(self.binding_code)
        body[code_field] = code_value
        body["encryptedNewBindingSecret"] = encrypt_binding_secret(pk, dk, self.binding_secret, ps, random)
        if self.old_binding_secret is not None:
            body["encryptedOldBindingSecret"] = encrypt_binding_secret(pk, dk, self.old_binding_secret, ps, random)
        password = self.device_password or ""
        if password:
            body["pwd"] = password
        body["signature"] = pure_ble_signature(pk, dk, code_value, password, user_domain_secret)
        body.update(self.options.to_body())
        return body


@dataclass(frozen=True, slots=True)
class BindResult:
    """Result of ``bindDeviceDk``."""

    product_key: str
    device_key: str
    auth_key: str = field(repr=False)

    @classmethod
    def from_api(cls, data: Any, request: BindByDkRequest) -> Self:
        """Read the answer (``{"authKey"}``, possibly missing) to ``request``."""
        return cls(request.product_key, request.device_key, str(_data(data).get("authKey") or ""))


@dataclass(frozen=True, slots=True)
class WifiBindResult:
    """Result of ``deviceBindingByWifi``."""

    product_key: str
    device_key: str
    auth_key: str = field(repr=False)
    binding_mode: int | None
    product_name: str
    product_logo: str

    @classmethod
    def from_api(cls, data: Any, request: WifiBindRequest) -> Self:
        """Read the answer (``authKey``, ``bindingMode``, ``productName``, ``productLogo``) to ``request``."""
        data = _data(data)
        return cls(
            product_key=request.product_key,
            device_key=request.device_key,
            auth_key=str(data.get("authKey") or ""),
            binding_mode=_int_or_none(data.get("bindingMode")),
            product_name=str(data.get("productName") or ""),
            product_logo=str(data.get("productLogo") or ""),
        )

    @classmethod
    def from_device(cls, device: Device) -> Self:
        """The result as the device list shows a device the account owns (a bind whose answer was lost)."""
        return cls(
            product_key=device.product_key,
            device_key=device.device_key,
            auth_key=device.auth_key,
            binding_mode=device.bind_mode,
            product_name=device.product_name,
            product_logo=device.logo_url,
        )


@dataclass(frozen=True, slots=True)
class PureBleBindResult:
    """Result of ``deviceBindingByPureBt``."""

    product_key: str
    device_key: str
    verified: bool

    @classmethod
    def from_api(cls, data: Any, request: PureBleBindRequest) -> Self:
        """Read the answer (``{"verified"}``) to ``request``."""
        verified = str(_data(data).get("verified")).lower() in {"1", "true"}
        return cls(request.product_key, request.device_key, verified)


@dataclass(frozen=True, slots=True)
class UnbindRequest:
    """``unbundlingDeviceDk``: give up the account's own binding of a device.

    ``reset`` is ``isInit`` (also initialise the device; the cloud's default is false). A Bluetooth-only device needs
    ``reset_credentials`` (``pureBtResetCredentials``, Base64 of ``"PK,DK,bindingSecret"`` AES-encrypted with the
    product secret) and the ``random`` it was encrypted with; both are passed through as given.
    """

    product_key: str
    device_key: str
    reset: bool | None = None
    reset_credentials: str | None = field(default=None, repr=False)
    random: str | None = None

    def to_api(self) -> dict[str, str]:
        """The query string, as the vendor's page says.

        ``isInit`` only when ``reset`` is given; the pure-BLE reset credentials and their random only when given.

        Raises:
            ValueError: Only one of ``reset_credentials`` and ``random`` is given.
        """
        if (self.reset_credentials is None) != (self.random is None):
            raise ValueError("Give both reset_credentials and random, or neither")
        params: dict[str, str] = {"pk": self.product_key, "dk": self.device_key}
        if self.reset is not None:
            params["isInit"] = query_bool(self.reset)
        if self.reset_credentials is not None and self.random is not None:
            params["pureBtResetCredentials"] = self.reset_credentials
            params["random"] = self.random
        return params


@dataclass(frozen=True, slots=True)
class UnbindResult:
    """Result of ``unbundlingDeviceDk``: how many users are still bound (pseudo-bindings included), when told."""

    product_key: str
    device_key: str
    binding_sum: int | None

    @classmethod
    def from_api(cls, data: Any, request: UnbindRequest) -> Self:
        """Read the answer (``{"bindingSum"}``) to ``request``."""
        return cls(request.product_key, request.device_key, _int_or_none(_data(data).get("bindingSum")))
