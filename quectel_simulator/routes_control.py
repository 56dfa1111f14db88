"""Loopback-only control routes: what a simulated device or a driver in another process tells the simulated cloud.

A real device reports its binding code to the cloud over its own MQTT link once it is on Wi-Fi, which the vendor does
not document. A :class:`~quectel_simulator.ble_device.SimulatedWifiDevice` in the simulator's own process calls
``CloudSimulator.report_binding_code`` for that; one in another process (inside Home Assistant, for
``scripts/develop`` and the end-to-end stage) has these routes instead, through
:class:`~quectel_simulator.remote_cloud.RemoteCloud`, as has ``scripts/bench``, which sets its scenario up by them.
They are the simulator's, not the cloud's: only the primary listener has them, they answer plain JSON (no cloud
envelope), they are neither recorded nor faulted, a peer that is not on a loopback address gets 403, and a ``POST``
whose body is not ``application/json`` gets 415 (a browser page may send ``text/plain`` to any address without
asking, but not JSON: so no web page the developer visits can drive them).

* ``GET /_simulator/devices/{pk}/{dk}``: ``{"product_key", "device_key", "online", "bound"}``; 404 when unknown.
* ``POST /_simulator/devices/{pk}/{dk}/report`` with ``{"binding_code": "<16 hex>", "ttl": 600}``: the device
  reports its binding code (valid ``ttl`` seconds, 0 for ever) and is online; answers as the ``GET`` does.
* ``POST /_simulator/devices`` with ``{"product_key", "device_keys": [...], "capabilities": 1}``: factory-new
  devices of a known product (their keys not taken yet); ``{"added": n}``.
* ``POST /_simulator/unbind`` with ``{"product_key", "device_keys": [...]}``: the devices' own bindings are
  dropped; ``{"removed": n}``.
* ``POST /_simulator/users/{uid}/tokens`` with ``{}``: a token pair for a user, as a login answers its ``data``.
* ``GET /_simulator/clock``, ``POST`` it with ``{"advance": seconds}``: ``{"now", "access_token_lifetime"}``.
* ``GET /_simulator/requests?path_suffix=...``: ``{"count": n}`` recorded requests whose path ends so;
  ``POST /_simulator/requests/clear`` with ``{}`` forgets them.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .codes import dump_json
from .control_paths import (
    CLEAR_REQUESTS_PATH,
    CLOCK_PATH,
    DEVICE_PATH,
    DEVICES_PATH,
    REPORT_PATH,
    REQUESTS_PATH,
    TOKENS_PATH,
    UNBIND_PATH,
)
from .model import Device

if TYPE_CHECKING:
    from .backend import Backend

_LOGGER = logging.getLogger(__package__)

_BINDING_CODE: Final = re.compile(r"[0-9A-F]{16}")
_MAX_TTL: Final = 86_400.0
_MAX_ADVANCE: Final = 10 * 365 * 86_400.0
_JSON: Final = "application/json"
_DEVICE_KEY: Final = re.compile(r"[0-9A-Za-z]{1,32}")


def is_loopback_peer(remote: str | None) -> bool:
    """Whether a request came from a loopback address (``request.remote``; ``None`` for a socket without one)."""
    if not remote:
        return False
    try:
        return ipaddress.ip_address(remote.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _answer(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(status=status, text=dump_json(payload), content_type=_JSON)


def _refused(request: web.Request) -> web.Response | None:
    """The refusal every control request gets unless it comes from loopback and, when it has a body, is JSON."""
    if not is_loopback_peer(request.remote):
        return _answer({"error": "control routes answer loopback peers only"}, 403)
    if request.method != "GET" and request.content_type != _JSON:
        return _answer({"error": f"control requests are {_JSON}, not {request.content_type}"}, 415)
    return None


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    """The request's body as a JSON object, or ``None`` (empty, not JSON, or not an object)."""
    try:
        body = json.loads(await request.read())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _device_keys(body: dict[str, Any]) -> tuple[str, list[str]] | web.Response:
    """``product_key`` and ``device_keys`` of a body, or the 400 that says what is wrong."""
    pk, keys = body.get("product_key"), body.get("device_keys")
    if not isinstance(pk, str) or not pk:
        return _answer({"error": "product_key: a product key"}, 400)
    if not isinstance(keys, list) or not all(isinstance(key, str) and _DEVICE_KEY.fullmatch(key) for key in keys):
        return _answer({"error": "device_keys: a list of device keys (letters and digits)"}, 400)
    return pk, keys


class ControlRoutes:
    """The control handlers, over one simulator."""

    def __init__(self, backend: Backend) -> None:
        """Bind the handlers to a simulator (its state and clock)."""
        self.backend = backend

    def _check(self, request: web.Request) -> tuple[str, str] | web.Response:
        """The device a request names, or the refusal to answer."""
        if refused := _refused(request):
            return refused
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
        body = await _json_object(request)
        code = body.get("binding_code") if body is not None else None
        ttl = body.get("ttl", 600) if body is not None else None
        if not isinstance(code, str) or not _BINDING_CODE.fullmatch(code):
            return _answer({"error": "binding_code: 16 upper-case hexadecimal characters"}, 400)
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 <= ttl <= _MAX_TTL:
            return _answer({"error": f"ttl: seconds, 0 (for ever) to {_MAX_TTL:.0f}"}, 400)
        self.backend.report_binding_code(pk, dk, code, ttl=float(ttl))
        self.backend.set_online(pk, dk)
        # Never the code itself: it binds the device.
        _LOGGER.info("Device %s/%s reported its binding code and is online (control route)", pk, dk)
        return self._status(pk, dk)

    async def add_devices(self, request: web.Request) -> web.Response:
        """``POST``: factory-new devices of a known product."""
        if refused := _refused(request):
            return refused
        body = await _json_object(request) or {}
        checked = _device_keys(body)
        if isinstance(checked, web.Response):
            return checked
        pk, keys = checked
        capabilities = body.get("capabilities", 1)
        if isinstance(capabilities, bool) or not isinstance(capabilities, int) or not 0 <= capabilities <= 0xFF:  # noqa: PLR2004
            return _answer({"error": "capabilities: a bitmask 0..255"}, 400)
        devices = self.backend.state.devices
        if pk not in self.backend.state.products:
            return _answer({"error": f"no product {pk}"}, 404)
        if taken := [key for key in keys if (pk, key) in devices]:
            return _answer({"error": f"device keys taken: {', '.join(taken)}"}, 409)
        for key in keys:
            devices[pk, key] = Device(pk=pk, dk=key, name=key, capabilities=capabilities)
        return _answer({"added": len(keys)})

    async def unbind(self, request: web.Request) -> web.Response:
        """``POST``: drop the own bindings of some devices."""
        if refused := _refused(request):
            return refused
        checked = _device_keys(await _json_object(request) or {})
        if isinstance(checked, web.Response):
            return checked
        pk, keys = checked
        wanted = set(keys)
        state = self.backend.state
        kept = [binding for binding in state.bindings if binding.pk != pk or binding.dk not in wanted]
        removed = len(state.bindings) - len(kept)
        state.bindings = kept
        return _answer({"removed": removed})

    async def tokens(self, request: web.Request) -> web.Response:
        """``POST``: a token pair for a user without a login request."""
        if refused := _refused(request):
            return refused
        uid = request.match_info["uid"]
        if await _json_object(request) is None:
            return _answer({"error": "body: a JSON object ({})"}, 400)
        if uid not in self.backend.state.users:
            return _answer({"error": f"no user {uid}"}, 404)
        return _answer(self.backend.issue_tokens(uid))

    def _clock(self) -> web.Response:
        return _answer({"now": self.backend.clock.now(), "access_token_lifetime": self.backend.access_token_lifetime})

    async def clock(self, request: web.Request) -> web.Response:
        """``GET``: the simulator's time; ``POST``: move it forward first."""
        if refused := _refused(request):
            return refused
        if request.method == "POST":
            body = await _json_object(request) or {}
            advance = body.get("advance")
            if isinstance(advance, bool) or not isinstance(advance, int | float) or not 0 <= advance <= _MAX_ADVANCE:
                return _answer({"error": "advance: seconds, 0 or more (ten years at most)"}, 400)
            self.backend.advance_clock(float(advance))
        return self._clock()

    async def requests(self, request: web.Request) -> web.Response:
        """``GET``: how many recorded requests went to a path ending so."""
        if refused := _refused(request):
            return refused
        return _answer({"count": len(self.backend.requests_to(request.query.get("path_suffix", "")))})

    async def clear_requests(self, request: web.Request) -> web.Response:
        """``POST``: forget the recorded requests."""
        if refused := _refused(request):
            return refused
        if await _json_object(request) is None:
            return _answer({"error": "body: a JSON object ({})"}, 400)
        self.backend.clear_requests()
        return _answer({"count": 0})


def control_routes(backend: Backend) -> list[web.RouteDef]:
    """The control routes of a simulator's primary listener."""
    routes = ControlRoutes(backend)
    return [
        web.get(DEVICE_PATH, routes.device),
        web.post(REPORT_PATH, routes.report),
        web.post(DEVICES_PATH, routes.add_devices),
        web.post(UNBIND_PATH, routes.unbind),
        web.post(TOKENS_PATH, routes.tokens),
        web.get(CLOCK_PATH, routes.clock),
        web.post(CLOCK_PATH, routes.clock),
        web.get(REQUESTS_PATH, routes.requests),
        web.post(CLEAR_REQUESTS_PATH, routes.clear_requests),
    ]
