"""Loopback-only control routes: what a simulated device in another process tells the simulated cloud.

A real device reports its binding code to the cloud over its own MQTT link once it is on Wi-Fi, which the vendor does
not document. A :class:`~quectel_simulator.ble_device.SimulatedWifiDevice` in the simulator's own process calls
``CloudSimulator.report_binding_code`` for that; one in another process (inside Home Assistant, for
``scripts/develop`` and the end-to-end stage) has these routes instead, through
:class:`~quectel_simulator.remote_cloud.RemoteCloud`. They are the simulator's, not the cloud's: only the primary
listener has them, they answer plain JSON (no cloud envelope), they are neither recorded nor faulted, and a peer that
is not on a loopback address gets 403.

* ``GET /_simulator/devices/{pk}/{dk}``: ``{"product_key", "device_key", "online", "bound"}``; 404 when unknown.
* ``POST /_simulator/devices/{pk}/{dk}/report`` with ``{"binding_code": "<16 hex>", "ttl": 600}``: the device
  reports its binding code (valid ``ttl`` seconds, 0 for ever) and is online; answers as the ``GET`` does.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .codes import dump_json

if TYPE_CHECKING:
    from .backend import Backend

_LOGGER = logging.getLogger(__package__)

CONTROL_PREFIX: Final = "/_simulator/"
"""Paths under this prefix are the simulator's control routes (the middlewares let them through untouched)."""
DEVICE_PATH: Final = "/_simulator/devices/{pk}/{dk}"
REPORT_PATH: Final = "/_simulator/devices/{pk}/{dk}/report"
_BINDING_CODE: Final = re.compile(r"[0-9A-F]{16}")
_MAX_TTL: Final = 86_400.0


def is_control_path(path: str) -> bool:
    """Whether a request path is one of the control routes' (and not the cloud's)."""
    return path.startswith(CONTROL_PREFIX)


def is_loopback_peer(remote: str | None) -> bool:
    """Whether a request came from a loopback address (``request.remote``; ``None`` for a socket without one)."""
    if not remote:
        return False
    try:
        return ipaddress.ip_address(remote.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _answer(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(status=status, text=dump_json(payload), content_type="application/json")


class ControlRoutes:
    """The control handlers, over one simulator."""

    def __init__(self, backend: Backend) -> None:
        """Bind the handlers to a simulator (its state and clock)."""
        self.backend = backend

    def _check(self, request: web.Request) -> tuple[str, str] | web.Response:
        """The device a request names, or the refusal to answer."""
        if not is_loopback_peer(request.remote):
            return _answer({"error": "control routes answer loopback peers only"}, 403)
        pk, dk = request.match_info["pk"], request.match_info["dk"]
        if (pk, dk) not in self.backend.state.devices:
            return _answer({"error": f"no device {pk}/{dk}"}, 404)
        return pk, dk

    def _status(self, pk: str, dk: str) -> web.Response:
        device = self.backend.state.devices[pk, dk]
        bound = bool(self.backend.state.bindings_of_device(pk, dk))
        return _answer({"product_key": pk, "device_key": dk, "online": device.online, "bound": bound})

    async def device(self, request: web.Request) -> web.Response:
        """``GET``: what the cloud knows of a device."""
        checked = self._check(request)
        if isinstance(checked, web.Response):
            return checked
        return self._status(*checked)

    async def report(self, request: web.Request) -> web.Response:
        """``POST``: the device reports its binding code and comes online."""
        checked = self._check(request)
        if isinstance(checked, web.Response):
            return checked
        pk, dk = checked
        try:
            body = json.loads(await request.read())
        except ValueError:
            body = None
        code = body.get("binding_code") if isinstance(body, dict) else None
        ttl = body.get("ttl", 600) if isinstance(body, dict) else None
        if not isinstance(code, str) or not _BINDING_CODE.fullmatch(code):
            return _answer({"error": "binding_code: 16 upper-case hexadecimal characters"}, 400)
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 <= ttl <= _MAX_TTL:
            return _answer({"error": f"ttl: seconds, 0 (for ever) to {_MAX_TTL:.0f}"}, 400)
        self.backend.report_binding_code(pk, dk, code, ttl=float(ttl))
        self.backend.set_online(pk, dk)
        # Never the code itself: it binds the device.
        _LOGGER.info("Device %s/%s reported its binding code and is online (control route)", pk, dk)
        return self._status(pk, dk)


def control_routes(backend: Backend) -> list[web.RouteDef]:
    """The control routes of a simulator's primary listener."""
    routes = ControlRoutes(backend)
    return [web.get(DEVICE_PATH, routes.device), web.post(REPORT_PATH, routes.report)]
