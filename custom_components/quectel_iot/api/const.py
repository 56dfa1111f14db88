"""Endpoints, regions and protocol constants of the Quectel / Acceleronix end-user cloud."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Region(StrEnum):
    """Data centers. A user domain and its secret belong to exactly one of them.

    ``AUTO`` is not a data center: it asks :func:`~.discovery.discover_host` to find the one that knows the user
    domain. ``CUSTOM`` is one base URL given by the user (a private deployment, the simulator).
    """

    AUTO = "auto"
    EUROPE = "europe"
    CHINA = "china"
    NORTH_AMERICA = "north_america"
    CUSTOM = "custom"


REGION_BASE_URLS: Final[dict[Region, str]] = {
    Region.EUROPE: "https://iot-api.acceleronix.io",
    Region.CHINA: "https://iot-api.quectelcn.com",
    # Least certain of the three: only third-party clients name this host.
    Region.NORTH_AMERICA: "https://iot-api.landecia.com",
}
"""The host each data center is documented (or, for North America, best known) under; tried first."""

REGION_ALTERNATE_URLS: Final[dict[Region, tuple[str, ...]]] = {
    # Host names the vendor's brand apps use (WonderFree/Oukitel, Landbook decompiles; cloud_api.md section 1).
    Region.EUROPE: ("https://iot-api.quecteleu.com",),
    Region.CHINA: ("https://iot-gateway.quectel.com",),
    Region.NORTH_AMERICA: ("https://iot-api.quectelus.com",),
}
"""Other host names of the same data centers, tried after the documented one."""

DATA_CENTERS: Final[tuple[Region, ...]] = (Region.EUROPE, Region.NORTH_AMERICA, Region.CHINA)
"""The order ``auto`` tries data centers in when the user domain's prefix gives no hint (Frankfurt serves most of
the world: the vendor's "Supported Regions" page)."""

USER_DOMAIN_PREFIX_HINTS: Final[dict[str, Region]] = {
    # Seen in working clients: E.SP.4294967410 at iot-api.acceleronix.io and iot-api.quecteleu.com; U.SP.8589934603 at
    # iot-api.quectelus.com; U.DM.10351.1 at iot-api.landecia.com; C.DM.5903.1 at iot-api.quectelcn.com. But
    # C.DM.10351.1 is used at the European and North American hosts, so a hint only orders, it never excludes.
    "E": Region.EUROPE,
    "U": Region.NORTH_AMERICA,
    "C": Region.CHINA,
}
"""The data center to try first for a user domain's first letter (``E.SP.…``, ``U.DM.…``, ``C.DM.…``)."""

PATH_EMAIL_LOGIN: Final = "/v2/enduser/enduserapi/emailPwdLogin"
PATH_PHONE_LOGIN: Final = "/v2/enduser/enduserapi/phonePwdLogin"
PATH_REFRESH_TOKEN: Final = "/v2/enduser/enduserapi/refreshToken"  # noqa: S105 - a path, not a secret
PATH_USER_INFO: Final = "/v2/enduser/enduserapi/userInfo"
PATH_USER_DEVICE_LIST: Final = "/v2/binding/enduserapi/userDeviceList"
PATH_FAMILY_MODE_CONFIG: Final = "/v2/family/enduserapi/getFamilyModeConfig"
PATH_FAMILY_LIST: Final = "/v2/family/enduserapi/getFamilyList"
PATH_FAMILY_ROOM_LIST: Final = "/v2/family/enduserapi/getFamilyRoomList"
PATH_BIND_BY_DK: Final = "/v2/binding/enduserapi/bindDeviceDk"
PATH_BIND_BY_WIFI: Final = "/v2/binding/enduserapi/v2/deviceBindingByWifi"
PATH_BIND_BY_PURE_BLE: Final = "/v2/binding/enduserapi/deviceBindingByPureBt"
PATH_SHARE_BY_UID: Final = "/v2/binding/enduserapi/shareByUid"
PATH_UNBIND: Final = "/v2/binding/enduserapi/unbundlingDeviceDk"
PATH_ACCEPT_SHARE: Final = "/v2/binding/enduserapi/shareDevice"
PATH_OWNER_UNSHARE: Final = "/v2/binding/enduserapi/ownerUserUnshareDevice"
PATH_DEVICE_SHARE_USERS: Final = "/v2/binding/enduserapi/deviceShareUserList"
PATH_RECIPIENT_UNSHARE: Final = "/v2/binding/enduserapi/shareUserUnshareDevice"

SUCCESS_CODE: Final = 200
# Refresh this long before the access token's stated expiry, so a request never races the deadline.
TOKEN_REFRESH_MARGIN: Final = 300.0
DEFAULT_REQUEST_TIMEOUT: Final = 20.0
DEFAULT_PAGE_SIZE: Final = 50
# Reads are retried on transport faults; binds and shares never are (they are not idempotent).
READ_RETRIES: Final = 2
READ_RETRY_BACKOFF: Final = 0.5

CAPABILITIES_MIN: Final = 1
CAPABILITIES_MAX: Final = 15
DEVICE_NAME_MAX_LENGTH: Final = 254
PRODUCT_SECRET_LENGTH: Final = 16
RANDOM_LENGTH: Final = 16
