"""Routes and handlers of the simulated end-user cloud.

Each handler checks its request in a fixed order and answers with the first refusal it meets:

1. authentication (``Authorization`` missing 5106, not a valid access token 5032), on authenticated endpoints;
2. missing parameters, in the order listed in the handler's docstring;
3. formats;
4. state (what the simulated cloud knows), in the order listed in the handler's docstring.

Parameters are read only from the place the vendor's pages give: the query string for ``bindDeviceDk``,
``shareByUid``, ``unbundlingDeviceDk``, ``shareDevice`` and ``ownerUserUnshareDevice`` (and the reads), a JSON body
for ``deviceBindingByWifi`` and ``deviceBindingByPureBt``; the login and refresh calls take the query string and,
like the Spring backend, also a form-urlencoded body. A parameter sent in the wrong place is not seen, so the request
fails with the code for the missing parameter. Empty strings count as missing.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import parse_qsl

from aiohttp import web

from .codes import JSON_CONTENT_TYPE, SUCCESS, ApiError, dump_json, envelope
from .crypto import (
    DecryptError,
    ble_decrypt,
    ble_signature,
    decrypt_login_password,
    email_login_signature,
    new_auth_key,
    phone_login_signature,
)
from .faults import FaultSet, fault_middleware
from .recording import RECORD_KEY, RecordedRequest, first_values, recording_middleware
from .state import (
    BINDING_MODE_ROTATION,
    BINDING_MODE_UNIQUE,
    BINDING_TYPE_BLE,
    BINDING_TYPE_DK,
    BINDING_TYPE_WIFI,
    NETWORK_TYPES,
    ROLE_MEMBER,
    SHARE_ACCEPTED,
    SHARE_REPLACED,
    SHARE_REVOKED,
    Binding,
    Clock,
    Device,
    Product,
    SimulatorState,
    User,
    UserDomain,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp.typedefs import Handler

    from .tokens import TokenStore

EMAIL_LOGIN_PATH: Final = "/v2/enduser/enduserapi/emailPwdLogin"
PHONE_LOGIN_PATH: Final = "/v2/enduser/enduserapi/phonePwdLogin"
REFRESH_PATH: Final = "/v2/enduser/enduserapi/refreshToken"
USER_INFO_PATH: Final = "/v2/enduser/enduserapi/userInfo"
USER_DEVICE_LIST_PATH: Final = "/v2/binding/enduserapi/userDeviceList"
FAMILY_MODE_CONFIG_PATH: Final = "/v2/family/enduserapi/getFamilyModeConfig"
FAMILY_LIST_PATH: Final = "/v2/family/enduserapi/getFamilyList"
FAMILY_ROOM_LIST_PATH: Final = "/v2/family/enduserapi/getFamilyRoomList"
BIND_DEVICE_DK_PATH: Final = "/v2/binding/enduserapi/bindDeviceDk"
BIND_WIFI_PATH: Final = "/v2/binding/enduserapi/v2/deviceBindingByWifi"
BIND_PURE_BT_PATH: Final = "/v2/binding/enduserapi/deviceBindingByPureBt"
SHARE_BY_UID_PATH: Final = "/v2/binding/enduserapi/shareByUid"
UNBIND_DEVICE_DK_PATH: Final = "/v2/binding/enduserapi/unbundlingDeviceDk"
SHARE_DEVICE_PATH: Final = "/v2/binding/enduserapi/shareDevice"
OWNER_UNSHARE_PATH: Final = "/v2/binding/enduserapi/ownerUserUnshareDevice"
SHARE_USER_LIST_PATH: Final = "/v2/binding/enduserapi/deviceShareUserList"

USER_DOMAIN_RE: Final = re.compile(r"[A-Za-z]\.[A-Za-z]+\.\d+(?:\.\d+)?")
"""A user domain such as ``C.DM.10271.5`` (5013 otherwise)."""
DK_RE: Final = re.compile(r"[0-9A-Za-z]{4,32}")
"""A device key (5361 otherwise)."""
BINDING_CODE_RE: Final = re.compile(r"[0-9A-F]{16}")
"""A binding code: 16 upper-case hex characters (5213 otherwise)."""
BT_PWD_RE: Final = re.compile(r"[A-Za-z0-9]{4,16}")
"""A pure-BLE device password (5357 otherwise)."""
INT_RE: Final = re.compile(r"[+-]?\d+")

MAX_DEVICE_NAME: Final = 254
"""Longest device name (5333 beyond)."""
CAPABILITIES_RANGE: Final = range(1, 16)
"""Valid ``capabilitiesBitmask`` values (5000 outside)."""
COVER_REPLACE: Final = 1
"""coverMark 1: replace the live shares to that recipient (the default)."""
COVER_ADD: Final = 2
"""coverMark 2: add one more share."""
COVER_EXTEND_ONLY: Final = 3
"""coverMark 3: replace only when the new share ends later."""
COVER_MARKS: Final = range(COVER_REPLACE, COVER_EXTEND_ONLY + 1)
"""Valid ``coverMark`` values (5133 outside)."""
PRODUCT_KIND_BLE: Final = "ble"
"""The product kind whose devices are Bluetooth-only (unbinding them needs reset credentials)."""
SHARE_STATUS_PENDING: Final = 0
"""``shareStatus`` of a share not accepted yet (this simulator's value: the vendor does not document them)."""
SHARE_STATUS_ACCEPTED: Final = 1
"""``shareStatus`` of an accepted share (this simulator's value)."""
FAMILY_ROLES: Final = range(1, 4)
"""Family roles a ``role`` filter may name (1 creator, 2 admin, 3 member)."""
MAX_LOGIN_FAILURES: Final = 5
"""Wrong passwords in a row that lock the account (the fifth answers 5147)."""
LOCKOUT_SECONDS: Final = 20 * 60
"""How long a locked account stays locked."""
EMAIL_COUNTDOWN_FIRST: Final = 5586
"""Code of the first wrong email password (4 attempts left); the next ones count down to 5583."""
PHONE_COUNTDOWN_FIRST: Final = 5582
"""Code of the first wrong phone password (4 attempts left); the next ones count down to 5579."""
DEFAULT_PAGE_SIZE: Final = 10
MAX_PAGE_SIZE: Final = 1000
MATTER_REQUIRED: Final = (
    ("discriminator", 5879),
    ("matterProductId", 5880),
    ("matterVersion", 5881),
    ("matterVendorId", 5882),
    ("fabricId", 5883),
    ("nodeId", 5885),
)
"""``matterInfo`` members required when ``isMatter`` is true, with their codes, in check order."""
TRUE_WORDS: Final = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS: Final = frozenset({"false", "0", "no", "off"})
FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"


class Backend(Protocol):
    """What the handlers need from the simulator."""

    @property
    def state(self) -> SimulatorState:
        """The in-memory model."""
        ...

    @property
    def clock(self) -> Clock:
        """The simulator's clock."""
        ...

    @property
    def tokens(self) -> TokenStore:
        """The token store."""
        ...

    @property
    def requests(self) -> list[RecordedRequest]:
        """The request log the recording middleware appends to."""
        ...

    @property
    def faults(self) -> FaultSet:
        """The faults the fault middleware applies."""
        ...


# ----- small helpers -----


def json_response(payload: Any, status: int = 200) -> web.Response:
    """Write a JSON body with the cloud's content type.

    Args:
        payload: The body.
        status: The HTTP status.

    Returns:
        The response.
    """
    return web.Response(status=status, body=dump_json(payload).encode(), headers={"Content-Type": JSON_CONTENT_TYPE})


def _record(request: web.Request) -> RecordedRequest:
    return request[RECORD_KEY]


def _query(request: web.Request) -> dict[str, str]:
    return first_values(request.query)


def _form(request: web.Request) -> dict[str, str]:
    if request.content_type != FORM_CONTENT_TYPE:
        return {}
    try:
        text = _record(request).body.decode()
    except UnicodeDecodeError:
        return {}
    return first_values(parse_qsl(text, keep_blank_values=True))


def _query_or_form(request: web.Request) -> dict[str, str]:
    """Query parameters, falling back to a form body per name (the query wins)."""
    return {**_form(request), **_query(request)}


def _json_object(request: web.Request) -> dict[str, Any]:
    body = _record(request).json
    return body if isinstance(body, dict) else {}


def _text(value: Any) -> str | None:
    """A parameter as text; ``None`` when absent, blank or not a scalar."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _integer(value: Any, code: int) -> int | None:
    """An integer parameter; ``None`` when absent or blank.

    Raises:
        ApiError: ``code`` when the value is not an integer.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    raise ApiError(code)


def _boolean(value: Any, default: bool) -> bool:
    """A boolean parameter (JSON ``true``/``false`` or the words Spring accepts).

    Raises:
        ApiError: 5000 when the value is not a boolean.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS:
        return True
    if isinstance(value, str) and value.strip().lower() in FALSE_WORDS:
        return False
    raise ApiError(5000)


def _required(value: Any, code: int) -> str:
    text = _text(value)
    if text is None:
        raise ApiError(code)
    return text


def _paging(params: dict[str, str]) -> tuple[int, int]:
    """``page`` (default 1) and ``pageSize`` (default 10); 5000 when not a positive integer."""
    page = _integer(params.get("page"), 5000)
    size = _integer(params.get("pageSize"), 5000)
    page = 1 if page is None else page
    size = DEFAULT_PAGE_SIZE if size is None else size
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise ApiError(5000)
    return page, size


def page_of(items: list[Any], page: int, size: int) -> dict[str, Any]:
    """Cut a PageHelper-style page out of a list.

    Args:
        items: Every item.
        page: The 1-based page number.
        size: The page size.

    Returns:
        ``{list, total, pageNum, pageSize, size, pages, startRow, endRow, prePage, nextPage, isFirstPage,
        isLastPage, hasPreviousPage, hasNextPage}``.
    """
    total = len(items)
    pages = (total + size - 1) // size
    start = (page - 1) * size
    chunk = items[start : start + size]
    return {
        "list": chunk,
        "total": total,
        "pageNum": page,
        "pageSize": size,
        "size": len(chunk),
        "pages": pages,
        "startRow": start + 1 if chunk else 0,
        "endRow": start + len(chunk),
        "prePage": page - 1 if page > 1 else 0,
        "nextPage": page + 1 if page < pages else 0,
        "isFirstPage": page == 1,
        "isLastPage": page >= pages,
        "hasPreviousPage": page > 1,
        "hasNextPage": page < pages,
    }


def format_time(epoch: float | None) -> str | None:
    """Format a time the way the cloud does (``"2025-04-16 13:19:41"``, UTC here).

    Args:
        epoch: Epoch seconds, or ``None``.

    Returns:
        The text, or ``None``.
    """
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(epoch: float | None) -> int | None:
    """Convert epoch seconds to the wire's epoch milliseconds (``None`` stays ``None``).

    Args:
        epoch: Epoch seconds, or ``None``.

    Returns:
        Milliseconds, or ``None``.
    """
    return None if epoch is None else int(epoch * 1000)


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
    text_name = _text(name)
    if text_name is not None and len(text_name) > MAX_DEVICE_NAME:
        raise ApiError(5333)
    bitmask = _integer(capabilities, 5000)
    if bitmask is not None and bitmask not in CAPABILITIES_RANGE:
        raise ApiError(5000)
    return BindParams(pk, dk, text_name, bitmask, fid, frid, _boolean(is_common, default=True))


def _body_bind_params(body: dict[str, Any], pk: str, dk: str) -> BindParams:
    """The shared bind parameters of a JSON body: frid without fid 5636, then :func:`bind_params`."""
    fid, frid = _family_ids(body.get("fid"), body.get("frid"))
    return bind_params(
        pk,
        dk,
        name=body.get("deviceName"),
        capabilities=body.get("capabilitiesBitmask"),
        fid=fid,
        frid=frid,
        is_common=body.get("isCommonDevice"),
    )


def _family_ids(fid: Any, frid: Any) -> tuple[str | None, str | None]:
    """``fid`` and ``frid``; a room without a home is 5636."""
    family, room = _text(fid), _text(frid)
    if room is not None and family is None:
        raise ApiError(5636)
    return family, room


def _parse_binding_secret(plain: str, pk: str, dk: str) -> str | None:
    """The secret of ``"PK,DK,bindingSecret"`` when PK and DK match, else ``None``."""
    parts = plain.split(",", 2)
    if len(parts) != 3 or parts[0] != pk or parts[1] != dk or not parts[2]:  # noqa: PLR2004 - PK, DK, secret
        return None
    return parts[2]


def _matter_info(body: dict[str, Any]) -> dict[str, Any] | None:
    """``matterInfo`` when ``isMatter`` is true (members missing: 5879..5885), else ``None``; isMatter bad 5000."""
    if not _boolean(body.get("isMatter"), default=False):
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
        pk = _required(body.get("pk"), 5066)
        dk = _required(body.get("dk"), 5067)
        random = _required(body.get("random"), 5179)
        signature = _required(body.get("signature"), 5550)
        clear_code = _text(body.get("bindingCode"))
        encrypted_code = _text(body.get("encryptedBindingCode"))
        if clear_code is None and encrypted_code is None:
            raise ApiError(5179)
        new_secret = _required(body.get("encryptedNewBindingSecret"), 5458)
        pwd = _text(body.get("pwd"))
        bind = _body_bind_params(body, pk, dk)
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
            old_secret=_text(body.get("encryptedOldBindingSecret")),
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
        return _parse_binding_secret(plain, self.bind.pk, self.bind.dk)


# ----- the API -----


class CloudApi:
    """The handlers, bound to one simulator's state, clock and tokens."""

    def __init__(self, backend: Backend) -> None:
        """Bind the handlers to a simulator.

        Args:
            backend: The simulator (its ``state``, ``clock`` and ``tokens``).
        """
        self.backend = backend

    @property
    def state(self) -> SimulatorState:
        """The simulator's current state."""
        return self.backend.state

    def routes(self) -> list[web.RouteDef]:
        """List the routes this API serves.

        Returns:
            aiohttp route definitions.
        """
        table: list[tuple[str, str, Callable[[web.Request], Any]]] = [
            ("POST", EMAIL_LOGIN_PATH, self.email_login),
            ("POST", PHONE_LOGIN_PATH, self.phone_login),
            ("PUT", REFRESH_PATH, self.refresh_token),
            ("GET", USER_INFO_PATH, self.user_info),
            ("GET", USER_DEVICE_LIST_PATH, self.user_device_list),
            ("GET", FAMILY_MODE_CONFIG_PATH, self.family_mode_config),
            ("GET", FAMILY_LIST_PATH, self.family_list),
            ("GET", FAMILY_ROOM_LIST_PATH, self.family_room_list),
            ("POST", BIND_DEVICE_DK_PATH, self.bind_device_dk),
            ("POST", BIND_WIFI_PATH, self.bind_wifi),
            ("POST", BIND_PURE_BT_PATH, self.bind_pure_bt),
            ("POST", SHARE_BY_UID_PATH, self.share_by_uid),
            ("DELETE", UNBIND_DEVICE_DK_PATH, self.unbind_device_dk),
            ("POST", SHARE_DEVICE_PATH, self.accept_share),
            ("DELETE", OWNER_UNSHARE_PATH, self.owner_unshare),
            ("GET", SHARE_USER_LIST_PATH, self.device_share_user_list),
        ]
        return [web.route(method, path, self._endpoint(operation)) for method, path, operation in table]

    @staticmethod
    def _endpoint(operation: Callable[[web.Request], Any]) -> Handler:
        """Wrap an operation: its return value becomes ``data`` of a 200 envelope, an :class:`ApiError` its code."""

        async def handle(request: web.Request) -> web.StreamResponse:
            try:
                code, payload = SUCCESS, envelope(SUCCESS, operation(request))
            except ApiError as err:
                code, payload = err.code, envelope(err.code, msg=err.msg)
            _record(request).response_code = code
            return json_response(payload)

        return handle

    # ----- shared checks -----

    def _authenticate(self, request: web.Request) -> User:
        """The caller: no ``Authorization`` 5106; anything but a valid access token issued here 5032."""
        value = request.headers.get("Authorization")
        if not value:
            raise ApiError(5106)
        uid = self.backend.tokens.check_access(value)
        user = self.state.users.get(uid) if uid is not None else None
        if user is None:
            raise ApiError(5032)
        return user

    def _login_domain(self, params: dict[str, str]) -> UserDomain:
        """The login's user domain: missing 5023, malformed 5013, unknown 5015, disabled 5104."""
        name = _required(params.get("userDomain"), 5023)
        if not USER_DOMAIN_RE.fullmatch(name):
            raise ApiError(5013)
        domain = self.state.user_domains.get(name)
        if domain is None:
            raise ApiError(5015)
        if not domain.enabled:
            raise ApiError(5104)
        return domain

    def _finish_login(self, user: User, password: str, first_countdown_code: int) -> dict[str, Any]:
        """Check the password against the lockout rules and issue tokens.

        Locked (20 minutes of the simulator's clock) 5147, even with the right password; a wrong password counts
        down ``first_countdown_code`` .. ``first_countdown_code - 3`` and the fifth in a row locks (5147). A success
        resets the count.
        """
        now = self.backend.clock.now()
        if user.locked_until is not None:
            if now < user.locked_until:
                raise ApiError(5147)
            user.locked_until = None
            user.failed_logins = 0
        if not hmac.compare_digest(password.encode(), user.password.encode()):
            user.failed_logins += 1
            if user.failed_logins >= MAX_LOGIN_FAILURES:
                user.failed_logins = 0
                user.locked_until = now + LOCKOUT_SECONDS
                raise ApiError(5147)
            raise ApiError(first_countdown_code - (user.failed_logins - 1))
        user.failed_logins = 0
        user.last_login_at = now
        return self.backend.tokens.issue_pair(user.uid)

    @staticmethod
    def _check_signature(given: str, expected: str) -> None:
        """5420 unless ``given`` is exactly the expected lowercase hex."""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ApiError(5420)

    @staticmethod
    def _login_password(pwd: str, random: str) -> str:
        """The clear password of a login; 5056 when ``pwd`` does not decrypt."""
        try:
            password = decrypt_login_password(pwd, random)
        except DecryptError as err:
            raise ApiError(5056) from err
        if not password:
            raise ApiError(5056)
        return password

    def _check_family(self, user: User, fid: str | None, frid: str | None) -> None:
        """Home checks of a bind: home mode off 5624, unknown home 5041, member role 5669, unknown room 5041."""
        if fid is None:
            return
        if not user.family_mode:
            raise ApiError(5624)
        family = self.state.families.get(fid)
        if family is None or user.uid not in family.members:
            raise ApiError(5041)
        if family.members[user.uid] == ROLE_MEMBER:
            raise ApiError(5669)
        if frid is not None and family.room(frid) is None:
            raise ApiError(5041)

    def _bind_state(self, user: User, params: BindParams) -> tuple[Product, Device]:
        """State checks every bind shares, in order.

        Unknown product or device 5314; product not authorized for the caller's domain 5229; device in another data
        center 6083; home checks (5624, 5041, 5669); device already received through an accepted share 6040;
        already bound by the caller 5049; unique-binding product bound by someone else 5412.
        """
        state = self.state
        product = state.products.get(params.pk)
        device = state.devices.get((params.pk, params.dk))
        if product is None or device is None:
            raise ApiError(5314)
        if params.pk not in state.user_domains[user.user_domain].products:
            raise ApiError(5229)
        if device.data_center not in {None, state.data_center}:
            raise ApiError(6083)
        self._check_family(user, params.fid, params.frid)
        now_ms = self.backend.clock.now_ms()
        if any(s.pk == params.pk and s.dk == params.dk for s in state.accepted_shares_to(user.uid, now_ms)):
            raise ApiError(6040)
        if state.binding_of(user.uid, params.pk, params.dk) is not None:
            raise ApiError(5049)
        if product.binding_mode == BINDING_MODE_UNIQUE and any(
            b.uid != user.uid for b in state.bindings_of_device(params.pk, params.dk)
        ):
            raise ApiError(5412)
        return product, device

    def _check_binding_code(self, device: Device, code: str) -> None:
        """Compare with the code the device reported: none 5460, expired 5461, different 5462."""
        if device.binding_code is None:
            raise ApiError(5460)
        if device.binding_code_expires_at is not None and self.backend.clock.now() >= device.binding_code_expires_at:
            raise ApiError(5461)
        if not hmac.compare_digest(code.encode(), device.binding_code.encode()):
            raise ApiError(5462)

    def _bind(
        self,
        user: User,
        product: Product,
        device: Device,
        params: BindParams,
        binding_type: int,
        *,
        verified: int = 1,
        binding_code: str = "",
        bt_pwd: str = "",
        matter_info: dict[str, Any] | None = None,
    ) -> Binding:
        """Record a new own binding (rotation products drop the previous owners first).

        The device keeps one authKey while it has bindings: a new binding reuses it, a first one gets a new key.
        """
        state = self.state
        if product.binding_mode == BINDING_MODE_ROTATION:
            state.remove_bindings_of_device(device.pk, device.dk, except_uid=user.uid)
        others = state.bindings_of_device(device.pk, device.dk)
        binding = Binding(
            uid=user.uid,
            pk=device.pk,
            dk=device.dk,
            auth_key=others[0].auth_key if others else new_auth_key(),
            binding_type=binding_type,
            verified=verified,
            name=params.name or device.name or product.name,
            fid=params.fid,
            frid=params.frid,
            bound_at=self.backend.clock.now(),
            capabilities=params.capabilities,
            is_common=params.is_common,
            binding_code=binding_code,
            bt_pwd=bt_pwd,
            matter_info=matter_info,
        )
        state.bindings.append(binding)
        return binding

    # ----- authentication -----

    def email_login(self, request: web.Request) -> dict[str, Any]:
        """``POST emailPwdLogin`` (query, or form body).

        Order: userDomain 5023/5013/5015/5104; email missing 5026; pwd missing 5022; signature missing 5550, wrong
        5420 (``sha256(email + pwd + random + secret)``); pwd undecryptable 5056; email not registered in the
        domain 5031; locked 5147; wrong password 5586..5583, then 5147.
        """
        params = _query_or_form(request)
        domain = self._login_domain(params)
        email = _required(params.get("email"), 5026)
        pwd = _required(params.get("pwd"), 5022)
        random = params.get("random", "")
        signature = _required(params.get("signature"), 5550)
        self._check_signature(signature, email_login_signature(email, pwd, random, domain.secret))
        password = self._login_password(pwd, random)
        user = self.state.user_by_email(domain.domain, email)
        if user is None:
            raise ApiError(5031)
        return self._finish_login(user, password, EMAIL_COUNTDOWN_FIRST)

    def phone_login(self, request: web.Request) -> dict[str, Any]:
        """``POST phonePwdLogin`` (query, or form body).

        Order: userDomain 5023/5013/5015/5104; phone missing 5021; pwd missing 5022; signature missing 5550, wrong
        5420 (``sha256(internationalCode + phone + pwd + random + secret)``, internationalCode "" when absent); pwd
        undecryptable 5056; phone not registered 5004 (matched with the international code when one is sent, a
        leading ``+`` ignored); locked 5147; wrong password 5582..5579, then 5147.
        """
        params = _query_or_form(request)
        domain = self._login_domain(params)
        phone = _required(params.get("phone"), 5021)
        pwd = _required(params.get("pwd"), 5022)
        random = params.get("random", "")
        code = params.get("internationalCode", "")
        signature = _required(params.get("signature"), 5550)
        self._check_signature(signature, phone_login_signature(code, phone, pwd, random, domain.secret))
        password = self._login_password(pwd, random)
        user = self.state.user_by_phone(domain.domain, phone, code.removeprefix("+") or None)
        if user is None:
            raise ApiError(5004)
        return self._finish_login(user, password, PHONE_COUNTDOWN_FIRST)

    def refresh_token(self, request: web.Request) -> dict[str, Any]:
        """``PUT refreshToken`` (query, or form body).

        ``refreshToken`` missing 5115; not a refresh token issued here, expired, revoked or already used 5032. The
        token given is used up; the answer carries a new access and refresh token.
        """
        params = _query_or_form(request)
        value = _required(params.get("refreshToken"), 5115)
        uid = self.backend.tokens.use_refresh(value)
        if uid is None or uid not in self.state.users:
            raise ApiError(5032)
        return self.backend.tokens.issue_pair(uid)

    def user_info(self, request: web.Request) -> dict[str, Any]:
        """``GET userInfo``: the caller's profile (5106/5032 only)."""
        user = self._authenticate(request)
        return {
            "uid": user.uid,
            "nikeName": user.nickname,
            "email": user.email,
            "phone": user.phone,
            "headimg": "",
            "lang": user.lang,
            "nationality": user.nationality,
            "timezone": user.timezone,
            "sex": 2,
            "signature": "",
            "status": 1,
            "address": "",
            "city": "",
            "province": "",
            "remark": "",
            "registerTime": format_time(user.registered_at),
            "registerTimeTs": epoch_ms(user.registered_at),
            "lastLoginTime": format_time(user.last_login_at),
            "lastLoginTimeTs": epoch_ms(user.last_login_at),
        }

    # ----- devices -----

    def _device_item(self, product: Product, device: Device, binding: Binding) -> dict[str, Any]:
        return {
            "productKey": device.pk,
            "deviceKey": device.dk,
            "deviceName": binding.name,
            "productName": product.name,
            "logoImage": product.logo,
            "onlineStatus": 1 if device.online else 0,
            "deviceStatus": "Online" if device.online else "Offline",
            "authKey": binding.auth_key,
            "bindingCode": binding.binding_code,
            "btPwd": binding.bt_pwd,
            "verified": binding.verified,
            "status": 1,
            "bindStatus": 1,
            "bindMode": product.binding_mode,
            "bindingType": binding.binding_type,
            "capabilitiesBitmask": binding.capabilities if binding.capabilities is not None else device.capabilities,
            "networkType": NETWORK_TYPES.get(product.kind, 1),
            "accessType": 0,
            "isMatter": binding.matter_info is not None,
            "matterInfo": binding.matter_info,
            "fid": binding.fid,
            "frid": binding.frid,
            "uid": binding.uid,
        }

    def _device_items(self, user: User) -> list[dict[str, Any]]:
        state = self.state
        items: list[dict[str, Any]] = []
        for binding in state.bindings_of_user(user.uid):
            device = state.devices[binding.pk, binding.dk]
            item = self._device_item(state.products[binding.pk], device, binding)
            item |= {
                "deviceType": 1,
                "ownerUid": user.uid,
                "shareCode": None,
                "sharingExpireAt": None,
                "deviceBindTime": format_time(binding.bound_at),
                "deviceBindTimeTs": epoch_ms(binding.bound_at),
            }
            items.append(item)
        for share in state.accepted_shares_to(user.uid, self.backend.clock.now_ms()):
            owner = state.binding_of(share.owner_uid, share.pk, share.dk)
            if owner is None:
                continue
            item = self._device_item(state.products[share.pk], state.devices[share.pk, share.dk], owner)
            bound_at = share.accepted_at if share.accepted_at is not None else share.created_at
            item |= {
                "deviceName": share.device_name or owner.name,
                "authKey": share.auth_key or owner.auth_key,
                "deviceType": 2,
                "ownerUid": share.owner_uid,
                "shareCode": share.share_code,
                "sharingExpireAt": share.sharing_expire_at,
                "fid": None,
                "frid": None,
                "uid": user.uid,
                "deviceBindTime": format_time(bound_at),
                "deviceBindTimeTs": epoch_ms(bound_at),
            }
            items.append(item)
        return items

    def user_device_list(self, request: web.Request) -> dict[str, Any]:
        """``GET userDeviceList``: a page of the caller's own (deviceType 1) and accepted shared (2) devices.

        Own bindings come first (binding order), then shares (share order). Optional filters: ``pkList`` (comma
        list), ``dk``, ``deviceName`` (substring). Errors: 5106/5032; ``page``/``pageSize`` not a positive
        integer 5000.
        """
        user = self._authenticate(request)
        params = _query(request)
        page, size = _paging(params)
        items = self._device_items(user)
        if pk_list := _text(params.get("pkList")):
            wanted = {pk.strip() for pk in pk_list.split(",")}
            items = [item for item in items if item["productKey"] in wanted]
        if dk := _text(params.get("dk")):
            items = [item for item in items if item["deviceKey"] == dk]
        if name := _text(params.get("deviceName")):
            items = [item for item in items if name in item["deviceName"]]
        return page_of(items, page, size)

    # ----- homes -----

    def family_mode_config(self, request: web.Request) -> dict[str, Any]:
        """``GET getFamilyModeConfig``: ``{enabledFamilyMode, enabledAutoSwitch}`` (5106/5032 only)."""
        user = self._authenticate(request)
        return {"enabledFamilyMode": user.family_mode, "enabledAutoSwitch": user.auto_switch}

    def family_list(self, request: web.Request) -> dict[str, Any]:
        """``GET getFamilyList``: a page of the caller's homes.

        Order: 5106/5032; ``page``/``pageSize``/``role`` (comma list of 1..3) malformed 5000; home mode off 5624.
        """
        user = self._authenticate(request)
        params = _query(request)
        page, size = _paging(params)
        roles: set[int] | None = None
        if role_text := _text(params.get("role")):
            roles = set()
            for part in role_text.split(","):
                role = _integer(part, 5000)
                if role is None or role not in FAMILY_ROLES:
                    raise ApiError(5000)
                roles.add(role)
        if not user.family_mode:
            raise ApiError(5624)
        items = [
            {
                "fid": family.fid,
                "familyName": family.name,
                "familyLocation": family.location,
                "familyCoordinates": family.coordinates,
                "memberRole": role,
                "addTime": epoch_ms(family.added_at),
                "addTimeTs": epoch_ms(family.added_at),
            }
            for family, role in self.state.families_of(user.uid)
            if roles is None or role in roles
        ]
        return page_of(items, page, size)

    def family_room_list(self, request: web.Request) -> dict[str, Any]:
        """``GET getFamilyRoomList``: a page of one home's rooms (by ``roomSort``).

        Order: 5106/5032; ``fid`` missing 5618; ``page``/``pageSize`` malformed 5000; home mode off 5624; unknown
        home or the caller is not in it 5041.
        """
        user = self._authenticate(request)
        params = _query(request)
        fid = _required(params.get("fid"), 5618)
        page, size = _paging(params)
        if not user.family_mode:
            raise ApiError(5624)
        family = self.state.families.get(fid)
        if family is None or user.uid not in family.members:
            raise ApiError(5041)
        items = [
            {
                "frid": room.frid,
                "roomName": room.name,
                "roomSort": room.sort,
                "addTime": epoch_ms(room.added_at),
                "addTimeTs": epoch_ms(room.added_at),
            }
            for room in sorted(family.rooms, key=lambda room: room.sort)
        ]
        return page_of(items, page, size)

    # ----- binding -----

    def bind_device_dk(self, request: web.Request) -> dict[str, Any]:
        """``POST bindDeviceDk`` (query parameters only).

        Order: 5106/5032; pk 5066; dk 5067; frid without fid 5636; DK format 5361; name > 254 5333;
        capabilitiesBitmask not 1..15 5000; isCommonDevice not a boolean 5000; then the shared state checks
        (5314, 5229, 6083, 5624, 5041, 5669, 6040, 5049, 5412). Success: ``{"authKey"}``.
        """
        user = self._authenticate(request)
        params = _query(request)
        pk = _required(params.get("pk"), 5066)
        dk = _required(params.get("dk"), 5067)
        fid, frid = _family_ids(params.get("fid"), params.get("frid"))
        bind = bind_params(
            pk,
            dk,
            name=params.get("name"),
            capabilities=params.get("capabilitiesBitmask"),
            fid=fid,
            frid=frid,
            is_common=params.get("isCommonDevice"),
        )
        product, device = self._bind_state(user, bind)
        binding = self._bind(user, product, device, bind, BINDING_TYPE_DK)
        return {"authKey": binding.auth_key}

    def bind_wifi(self, request: web.Request) -> dict[str, Any]:
        """``POST v2/deviceBindingByWifi`` (JSON body only).

        Order: 5106/5032; productKey 5066; deviceKey 5067; bindingCode 5179; isMatter not a boolean 5000; with
        isMatter true, matterInfo members discriminator 5879, matterProductId 5880, matterVersion 5881,
        matterVendorId 5882, fabricId 5883, nodeId 5885; frid without fid 5636; DK 5361; name 5333;
        capabilities 5000; bindingCode not 16 of 0-9A-F 5213; the shared state checks; then the device's code:
        never reported 5460, expired 5461, different 5462. Success: ``{authKey, bindingMode, productName,
        productLogo}``.
        """
        user = self._authenticate(request)
        body = _json_object(request)
        pk = _required(body.get("productKey"), 5066)
        dk = _required(body.get("deviceKey"), 5067)
        code = _required(body.get("bindingCode"), 5179)
        matter_info = _matter_info(body)
        bind = _body_bind_params(body, pk, dk)
        if not BINDING_CODE_RE.fullmatch(code):
            raise ApiError(5213)
        product, device = self._bind_state(user, bind)
        self._check_binding_code(device, code)
        binding = self._bind(user, product, device, bind, BINDING_TYPE_WIFI, binding_code=code, matter_info=matter_info)
        return {
            "authKey": binding.auth_key,
            "bindingMode": product.binding_mode,
            "productName": product.name,
            "productLogo": product.logo,
        }

    def bind_pure_bt(self, request: web.Request) -> dict[str, Any]:
        """``POST deviceBindingByPureBt`` (JSON body only).

        Order: 5106/5032; pk 5066; dk 5067; random 5179; signature 5550; neither bindingCode nor
        encryptedBindingCode 5179; encryptedNewBindingSecret 5458; frid without fid 5636; DK 5361; name 5333;
        capabilities 5000; pwd not 4-16 letters/digits 5357; a clear bindingCode not 16 of 0-9A-F 5213; signature
        wrong 5420 (``sha256(pk + dk + (encryptedBindingCode or bindingCode) + pwd + secret)``); the shared state
        checks; encryptedBindingCode not decrypting (AES-128-CBC, key = Product Secret, iv = random) to 16 of 0-9A-F
        5213; the device's code 5460/5461/5462; encryptedNewBindingSecret not decrypting to ``"PK,DK,secret"`` of
        this device 5459; the device has a stored secret and encryptedOldBindingSecret does not decrypt to it 5462.

        Success stores the new secret and answers ``{"verified": 1}``, or 0 when the device had a stored secret and
        no old one was sent.
        """
        user = self._authenticate(request)
        fields = PureBtFields.from_body(_json_object(request))
        signed_code = fields.encrypted_code if fields.encrypted_code is not None else fields.clear_code or ""
        secret = self.state.user_domains[user.user_domain].secret
        expected = ble_signature(fields.bind.pk, fields.bind.dk, signed_code, fields.pwd or "", secret)
        self._check_signature(fields.signature, expected)
        product, device = self._bind_state(user, fields.bind)
        product_secret = product.product_secret or ""
        code = fields.binding_code(product_secret)
        self._check_binding_code(device, code)
        binding_secret = fields.new_binding_secret(product_secret)
        verified = 1
        if device.binding_secret is not None:
            if fields.old_secret is None:
                verified = 0
            elif fields.decrypt_secret(fields.old_secret, product_secret) != device.binding_secret:
                raise ApiError(5462)
        device.binding_secret = binding_secret
        self._bind(
            user,
            product,
            device,
            fields.bind,
            BINDING_TYPE_BLE,
            verified=verified,
            binding_code=code,
            bt_pwd=fields.pwd or "",
        )
        return {"verified": verified}

    # ----- sharing -----

    def _recipient(self, user: User, params: dict[str, str]) -> User | None:
        """The invited user in the caller's domain: by ``shareUid``, else ``email``, else ``phone``."""
        state = self.state
        if uid := _text(params.get("shareUid")):
            found = state.users.get(uid)
            return found if found is not None and found.user_domain == user.user_domain else None
        if email := _text(params.get("email")):
            return state.user_by_email(user.user_domain, email)
        phone = _text(params.get("phone")) or ""
        return state.user_by_phone(user.user_domain, phone.removeprefix("+"), None)

    def share_by_uid(self, request: web.Request) -> str:
        """``POST shareByUid`` (query parameters only): invite another user of the caller's domain.

        Order: 5106/5032; pk 5066; dk 5067; none of shareUid/email/phone 5891; coverMark (default 1) not 1..3 5133;
        sharingExpireAt (ms, optional) not an integer or not in the future 5145; the caller has no own binding of
        the device 5134; that binding is unverified 5360; recipient not found in the domain (or the caller
        themself) 5134; coverMark 3 with a live share to that recipient that ends no earlier than the new one 5134.

        coverMark 1 and 3 replace the caller's live shares of the device to that recipient (the new share keeps
        their acceptance), 2 adds one more. Success: the new share code (32 hex characters), pending until the
        recipient accepts it unless it replaced an accepted share.
        """
        user = self._authenticate(request)
        params = _query(request)
        pk = _required(params.get("pk"), 5066)
        dk = _required(params.get("dk"), 5067)
        if not any(_text(params.get(name)) for name in ("shareUid", "email", "phone")):
            raise ApiError(5891)
        cover_mark = _integer(params.get("coverMark"), 5133)
        cover_mark = COVER_REPLACE if cover_mark is None else cover_mark
        if cover_mark not in COVER_MARKS:
            raise ApiError(5133)
        expire_at = _integer(params.get("sharingExpireAt"), 5145)
        now_ms = self.backend.clock.now_ms()
        if expire_at is not None and expire_at <= now_ms:
            raise ApiError(5145)
        state = self.state
        binding = state.binding_of(user.uid, pk, dk)
        if binding is None:
            raise ApiError(5134)
        if binding.verified != 1:
            raise ApiError(5360)
        recipient = self._recipient(user, params)
        if recipient is None or recipient.uid == user.uid:
            raise ApiError(5134)
        live = [
            s
            for s in state.shares
            if s.owner_uid == user.uid
            and s.recipient_uid == recipient.uid
            and s.pk == pk
            and s.dk == dk
            and s.is_live(now_ms)
        ]
        if cover_mark == COVER_EXTEND_ONLY and any(not _later(expire_at, s.sharing_expire_at) for s in live):
            raise ApiError(5134)
        replaced = [] if cover_mark == COVER_ADD else live
        accepted = any(s.status == SHARE_ACCEPTED for s in replaced)
        for share in replaced:
            share.status = SHARE_REPLACED
        share = state.add_share(
            binding,
            recipient.uid,
            cover_mark=cover_mark,
            sharing_expire_at=expire_at,
            accepted=accepted,
            now=self.backend.clock.now(),
            auth_key=_text(params.get("authKey")),
        )
        return share.share_code

    # ----- unbinding and share management -----

    def unbind_device_dk(self, request: web.Request) -> dict[str, Any]:
        """``DELETE unbundlingDeviceDk`` (query parameters only).

        Order: 5106/5032; pk 5066; dk 5067; isInit (default false) not a boolean 5000; the caller has no own binding
        of the device 5052; a device of a pure-BLE product without pureBtResetCredentials and random, or whose
        credentials do not decrypt (AES-128-CBC, key = Product Secret, iv = random) to ``"PK,DK,bindingSecret"`` of
        this device (with its stored binding secret, when it has one) 5050.

        Success drops the caller's binding and revokes the shares the caller made of the device; isInit true also
        initialises the device (every binding and share of it ends, a pure-BLE binding secret is forgotten). Answers
        ``{"bindingSum"}``: the users still bound afterwards (own bindings plus accepted live shares).
        """
        user = self._authenticate(request)
        params = _query(request)
        pk = _required(params.get("pk"), 5066)
        dk = _required(params.get("dk"), 5067)
        is_init = _boolean(params.get("isInit"), default=False)
        state = self.state
        if state.binding_of(user.uid, pk, dk) is None:
            raise ApiError(5052)
        product = state.products[pk]
        if product.kind == PRODUCT_KIND_BLE:
            self._check_reset_credentials(state.devices[pk, dk], product, params)
        if is_init:
            state.reset_device(pk, dk)
        else:
            state.remove_binding(user.uid, pk, dk)
        now_ms = self.backend.clock.now_ms()
        shared = state.accepted_shares_of_device(pk, dk, now_ms)
        return {"bindingSum": len(state.bindings_of_device(pk, dk)) + len(shared)}

    @staticmethod
    def _check_reset_credentials(device: Device, product: Product, params: dict[str, str]) -> None:
        """5050 unless the pure-BLE reset credentials decrypt to this device's ``"PK,DK,bindingSecret"``."""
        credentials = _text(params.get("pureBtResetCredentials"))
        random = _text(params.get("random"))
        if credentials is None or random is None:
            raise ApiError(5050)
        try:
            plain = ble_decrypt(credentials, product.product_secret or "", random)
        except DecryptError as err:
            raise ApiError(5050) from err
        secret = _parse_binding_secret(plain, device.pk, device.dk)
        if secret is None or (device.binding_secret is not None and secret != device.binding_secret):
            raise ApiError(5050)

    def accept_share(self, request: web.Request) -> dict[str, Any]:
        """``POST shareDevice`` (query parameters only): the invited user accepts a share.

        Order: 5106/5032; shareCode 5136; deviceName longer than 254 5333; no such share, or it was replaced,
        revoked or has expired 5137; the share invites another user 5138; the caller has an own binding of the
        device 5049; the share is already accepted 6040; coverMark 3 while the caller holds another accepted live
        share of the device that ends no earlier than this one 5151.

        Success accepts the share: the device joins the caller's list (deviceType 2), named ``deviceName`` when
        given; other accepted shares of the device to the caller are replaced. Answers ``{}``.
        """
        user = self._authenticate(request)
        params = _query(request)
        code = _required(params.get("shareCode"), 5136)
        name = _text(params.get("deviceName"))
        if name is not None and len(name) > MAX_DEVICE_NAME:
            raise ApiError(5333)
        state = self.state
        now_ms = self.backend.clock.now_ms()
        share = state.share_by_code(code)
        if share is None or not share.is_live(now_ms):
            raise ApiError(5137)
        if share.recipient_uid != user.uid:
            raise ApiError(5138)
        if state.binding_of(user.uid, share.pk, share.dk) is not None:
            raise ApiError(5049)
        if share.status == SHARE_ACCEPTED:
            raise ApiError(6040)
        others = [s for s in state.accepted_shares_to(user.uid, now_ms) if s.pk == share.pk and s.dk == share.dk]
        if share.cover_mark == COVER_EXTEND_ONLY and any(
            not _later(share.sharing_expire_at, s.sharing_expire_at) for s in others
        ):
            raise ApiError(5151)
        for other in others:
            other.status = SHARE_REPLACED
        share.status = SHARE_ACCEPTED
        share.accepted_at = self.backend.clock.now()
        if name is not None:
            share.device_name = name
        return {}

    def owner_unshare(self, request: web.Request) -> dict[str, Any]:
        """``DELETE ownerUserUnshareDevice`` (query parameters only): the owner ends one share.

        Order: 5106/5032; shareCode 5136; no such share, or another user made it 5041; the share already ended
        (replaced, revoked or expired) 5142. Success revokes it (the device leaves the recipient's list); ``{}``.
        """
        user = self._authenticate(request)
        params = _query(request)
        code = _required(params.get("shareCode"), 5136)
        share = self.state.share_by_code(code)
        if share is None or share.owner_uid != user.uid:
            raise ApiError(5041)
        if not share.is_live(self.backend.clock.now_ms()):
            raise ApiError(5142)
        share.status = SHARE_REVOKED
        return {}

    def device_share_user_list(self, request: web.Request) -> list[dict[str, Any]]:
        """``GET deviceShareUserList``: the caller's live shares (pending or accepted) of one of the caller's devices.

        Order: 5106/5032; pk 5066; dk 5067; the caller has no own binding of the device 5141. A plain array of
        ``{shareInfo, userInfo}`` in share order; ``shareStatus`` 0 pending, 1 accepted (this simulator's values).
        """
        user = self._authenticate(request)
        params = _query(request)
        pk = _required(params.get("pk"), 5066)
        dk = _required(params.get("dk"), 5067)
        state = self.state
        binding = state.binding_of(user.uid, pk, dk)
        if binding is None:
            raise ApiError(5141)
        now_ms = self.backend.clock.now_ms()
        items: list[dict[str, Any]] = []
        for share_id, share in enumerate(state.shares, start=1):
            if share.owner_uid != user.uid or (share.pk, share.dk) != (pk, dk) or not share.is_live(now_ms):
                continue
            expire_at = share.sharing_expire_at
            share_info = {
                "shareCode": share.share_code,
                "shareId": share_id,
                "shareUid": share.recipient_uid,
                "ownerUid": share.owner_uid,
                "shareStatus": SHARE_STATUS_ACCEPTED if share.status == SHARE_ACCEPTED else SHARE_STATUS_PENDING,
                "coverMark": share.cover_mark,
                "acceptingExpireAt": None,
                "acceptingExpireAtTs": None,
                "sharingExpireAt": format_time(expire_at / 1000) if expire_at is not None else None,
                "sharingExpireAtTs": expire_at,
                "shareTime": epoch_ms(share.created_at),
                "shareTimeTs": epoch_ms(share.created_at),
                "acceptTime": epoch_ms(share.accepted_at),
                "acceptTimeTs": epoch_ms(share.accepted_at),
                "deviceName": share.device_name,
                "pk": share.pk,
                "dk": share.dk,
                "fid": binding.fid,
                "authKey": share.auth_key,
            }
            recipient = state.users.get(share.recipient_uid)
            user_info = (
                {
                    "uid": recipient.uid,
                    "nikeName": recipient.nickname,
                    "email": recipient.email,
                    "phone": recipient.phone,
                    "userDomain": recipient.user_domain,
                    "headimg": "",
                }
                if recipient is not None
                else None
            )
            items.append({"shareInfo": share_info, "userInfo": user_info})
        return items


def _later(new: int | None, old: int | None) -> bool:
    """Whether expiry ``new`` ends after ``old`` (``None`` = never ends)."""
    if old is None:
        return False
    return new is None or new > old


def build_app(backend: Backend) -> web.Application:
    """Make the aiohttp application: request recording (outermost), then fault injection, then the handlers.

    Args:
        backend: The simulator the handlers work on (its ``requests`` log and ``faults`` too).

    Returns:
        The application.
    """
    middlewares = [recording_middleware(backend.requests, backend.clock.now), fault_middleware(backend.faults)]
    app = web.Application(middlewares=middlewares)
    app.add_routes(CloudApi(backend).routes())
    return app
