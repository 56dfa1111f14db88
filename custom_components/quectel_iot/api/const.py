"""Endpoints, regions and protocol constants of the Quectel / Acceleronix end-user cloud."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Region(StrEnum):
    """Data centers. A user domain and its secret belong to exactly one of them."""

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
