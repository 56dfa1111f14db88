"""The simulated end-user cloud's application: the route table and the app factory.

The handlers live with their concern: :mod:`.routes_auth` (login, refresh, userInfo), :mod:`.routes_devices` (device
list, homes), :mod:`.routes_binding` (the binds and unbind), :mod:`.routes_sharing` (shares); they read their
parameters through :mod:`.params`.

Each handler checks its request in a fixed order and answers with the first refusal it meets:

1. authentication (``Authorization`` missing 5106, not a valid access token 5032), on authenticated endpoints;
2. missing parameters, in the order listed in the handler's docstring;
3. formats;
4. state (what the simulated cloud knows), in the order listed in the handler's docstring.

Parameters are read only from the place the vendor's pages give: the query string for ``bindDeviceDk``,
``shareByUid``, ``unbundlingDeviceDk``, ``shareDevice``, ``ownerUserUnshareDevice`` and ``shareUserUnshareDevice``
(and the reads), a JSON body for ``deviceBindingByWifi`` and ``deviceBindingByPureBt``; the login and refresh calls
take the query string and, like the Spring backend (and as every working third-party client sends them), also a
form-urlencoded body. A parameter sent in the wrong place is not seen, so the request
fails with the code for the missing parameter. Empty strings count as missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .codes import JSON_CONTENT_TYPE, SUCCESS, ApiError, dump_json, envelope
from .faults import fault_middleware
from .hosts import PRIMARY_HOST
from .params import recorded
from .recording import recording_middleware
from .routes_auth import AuthRoutes
from .routes_binding import BindingRoutes
from .routes_control import control_routes
from .routes_devices import DeviceRoutes
from .routes_sharing import SharingRoutes

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp.typedefs import Handler

    from .backend import Backend

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
RECIPIENT_UNSHARE_PATH: Final = "/v2/binding/enduserapi/shareUserUnshareDevice"
SHARE_USER_LIST_PATH: Final = "/v2/binding/enduserapi/deviceShareUserList"


type Operation = Callable[[web.Request], Any]
"""A handler's work: its return value becomes ``data`` of a 200 envelope, an :class:`ApiError` its code."""


def json_response(payload: Any, status: int = 200) -> web.Response:
    """Write a JSON body with the cloud's content type.

    Args:
        payload: The body.
        status: The HTTP status.

    Returns:
        The response.
    """
    return web.Response(status=status, body=dump_json(payload).encode(), headers={"Content-Type": JSON_CONTENT_TYPE})


def route_table(backend: Backend, host: str = PRIMARY_HOST) -> list[tuple[str, str, Operation]]:
    """List what the simulated cloud serves: method, path and operation.

    Args:
        backend: The simulator the operations work on.
        host: The listener they answer on.

    Returns:
        ``(method, path, operation)`` triples.
    """
    auth = AuthRoutes(backend, host)
    devices = DeviceRoutes(backend, host)
    binding = BindingRoutes(backend, host)
    sharing = SharingRoutes(backend, host)
    return [
        ("POST", EMAIL_LOGIN_PATH, auth.email_login),
        ("POST", PHONE_LOGIN_PATH, auth.phone_login),
        ("PUT", REFRESH_PATH, auth.refresh_token),
        ("GET", USER_INFO_PATH, auth.user_info),
        ("GET", USER_DEVICE_LIST_PATH, devices.user_device_list),
        ("GET", FAMILY_MODE_CONFIG_PATH, devices.family_mode_config),
        ("GET", FAMILY_LIST_PATH, devices.family_list),
        ("GET", FAMILY_ROOM_LIST_PATH, devices.family_room_list),
        ("POST", BIND_DEVICE_DK_PATH, binding.bind_device_dk),
        ("POST", BIND_WIFI_PATH, binding.bind_wifi),
        ("POST", BIND_PURE_BT_PATH, binding.bind_pure_bt),
        ("POST", SHARE_BY_UID_PATH, sharing.share_by_uid),
        ("DELETE", UNBIND_DEVICE_DK_PATH, binding.unbind_device_dk),
        ("POST", SHARE_DEVICE_PATH, sharing.accept_share),
        ("DELETE", OWNER_UNSHARE_PATH, sharing.owner_unshare),
        ("DELETE", RECIPIENT_UNSHARE_PATH, sharing.recipient_unshare),
        ("GET", SHARE_USER_LIST_PATH, sharing.device_share_user_list),
    ]


def endpoint(operation: Operation) -> Handler:
    """Wrap an operation into an aiohttp handler that always answers the cloud's envelope.

    Args:
        operation: The operation.

    Returns:
        The handler.
    """

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            code, payload = SUCCESS, envelope(SUCCESS, operation(request))
        except ApiError as err:
            code, payload = err.code, envelope(err.code, msg=err.msg)
        recorded(request).response_code = code
        return json_response(payload)

    return handle


def build_app(backend: Backend, host: str = PRIMARY_HOST) -> web.Application:
    """Make the aiohttp application: request recording (outermost), then fault injection, then the handlers.

    Args:
        backend: The simulator the handlers work on (its ``requests`` log and ``faults`` too).
        host: The listener the application serves (each listener has its own application over the same backend).

    Returns:
        The application.
    """
    middlewares = [
        recording_middleware(backend.requests, backend.clock.now, host),
        fault_middleware(backend.faults, host),
    ]
    app = web.Application(middlewares=middlewares)
    table = route_table(backend, host)
    app.add_routes([web.route(method, path, endpoint(operation)) for method, path, operation in table])
    if host == PRIMARY_HOST:
        # For simulated devices in another process (routes_control.py); not the cloud's, loopback peers only.
        app.add_routes(control_routes(backend))
    return app
