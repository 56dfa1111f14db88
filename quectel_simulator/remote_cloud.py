"""The simulated cloud of another process, as a simulated device reaches it: over the simulator's control routes.

:class:`~quectel_simulator.ble_device.SimulatedWifiDevice` takes a :class:`RemoteCloud` where it would take an
in-process :class:`~quectel_simulator.CloudSimulator`: once on "Wi-Fi" it reports its binding code through
``POST /_simulator/devices/{pk}/{dk}/report`` (:mod:`quectel_simulator.routes_control`), and it advertises "bound"
from the last :meth:`RemoteCloud.refresh`. Nothing here blocks: every call is an aiohttp request on the caller's
session (inside Home Assistant, its shared one).

``scripts/bench`` drives a simulator in another process by the same client: new devices, dropped bindings, token
pairs without a login, the clock and the request log (:meth:`RemoteCloud.add_devices` and the methods after it).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp

from .control_paths import (
    CLEAR_REQUESTS_PATH,
    CLOCK_PATH,
    DEVICE_PATH,
    DEVICES_PATH,
    REQUESTS_PATH,
    TOKENS_PATH,
    UNBIND_PATH,
)

DEFAULT_TIMEOUT: Final = 10.0
_NOT_FOUND: Final = 404


class RemoteCloudError(Exception):
    """The simulator could not be reached, or refused a control request (the message says which)."""


@dataclass(frozen=True, slots=True)
class RemoteDevice:
    """What the simulated cloud knows of a device."""

    product_key: str
    device_key: str
    online: bool
    bound: bool


@dataclass(eq=False)
class RemoteCloud:
    """A cloud simulator at ``base_url`` (its primary listener, on a loopback address).

    Attributes:
        session: The aiohttp session requests go out on (not closed here).
        base_url: The simulator's URL, e.g. ``http://127.0.0.1:8910``.
        timeout: Seconds for one request.
    """

    session: aiohttp.ClientSession = field(repr=False)
    base_url: str
    timeout: float = DEFAULT_TIMEOUT
    _known: dict[tuple[str, str], RemoteDevice] = field(default_factory=dict, init=False, repr=False)

    async def _call(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        url = self.base_url.rstrip("/") + path
        try:
            async with asyncio.timeout(self.timeout):
                async with self.session.request(method, url, json=body, params=params) as response:
                    return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise RemoteCloudError(f"the simulator at {self.base_url} did not answer: {err!r}") from err

    def _refused(self, status: int, payload: Any) -> RemoteCloudError:
        error = payload.get("error") if isinstance(payload, dict) else payload
        return RemoteCloudError(f"the simulator at {self.base_url} refused: HTTP {status}: {error}")

    async def _control(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> dict[str, Any]:
        status, payload = await self._call(method, path, body, params)
        if status != 200 or not isinstance(payload, dict):  # noqa: PLR2004 - HTTP OK
            raise self._refused(status, payload)
        return payload

    async def _request(self, method: str, pk: str, dk: str, suffix: str = "", body: Any = None) -> RemoteDevice:
        status, payload = await self._call(method, DEVICE_PATH.format(pk=pk, dk=dk) + suffix, body)
        if status == _NOT_FOUND:
            raise KeyError((pk, dk))
        if status != 200 or not isinstance(payload, dict):  # noqa: PLR2004 - HTTP OK
            raise self._refused(status, payload)
        device = RemoteDevice(pk, dk, online=bool(payload.get("online")), bound=bool(payload.get("bound")))
        self._known[pk, dk] = device
        return device

    async def refresh(self, pk: str, dk: str) -> RemoteDevice:
        """Ask the simulator what it knows of a device now.

        Raises:
            KeyError: The simulator has no such device.
            RemoteCloudError: It did not answer, or refused.
        """
        return await self._request("GET", pk, dk)

    async def report_online(self, pk: str, dk: str, binding_code: str, *, ttl: float) -> RemoteDevice:
        """The device reports its binding code (valid ``ttl`` seconds, 0 for ever) and comes online.

        Raises:
            KeyError: The simulator has no such device.
            RemoteCloudError: It did not answer, or refused.
        """
        return await self._request("POST", pk, dk, "/report", {"binding_code": binding_code, "ttl": ttl})

    def is_bound(self, pk: str, dk: str) -> bool:
        """Whether the device was bound at the last answer about it (``False`` before any)."""
        known = self._known.get((pk, dk))
        return known is not None and known.bound

    async def add_devices(self, pk: str, device_keys: list[str], capabilities: int = 1) -> int:
        """Register factory-new devices of a known product; returns how many.

        Raises:
            RemoteCloudError: It did not answer, or refused (an unknown product, a key already taken).
        """
        body = {"product_key": pk, "device_keys": device_keys, "capabilities": capabilities}
        return int((await self._control("POST", DEVICES_PATH, body))["added"])

    async def unbind(self, pk: str, device_keys: list[str]) -> int:
        """Drop the own bindings of some devices; returns how many bindings went."""
        body = {"product_key": pk, "device_keys": device_keys}
        return int((await self._control("POST", UNBIND_PATH, body))["removed"])

    async def issue_tokens(self, uid: str) -> dict[str, Any]:
        """A token pair for a user, as a login answers its ``data`` (no login request is recorded)."""
        return await self._control("POST", TOKENS_PATH.format(uid=uid), {})

    async def clock(self, advance: float = 0.0) -> dict[str, Any]:
        """The simulator's clock, moved forward by ``advance`` seconds first: ``now``, ``access_token_lifetime``."""
        if advance:
            return await self._control("POST", CLOCK_PATH, {"advance": advance})
        return await self._control("GET", CLOCK_PATH)

    async def count_requests(self, path_suffix: str) -> int:
        """How many recorded requests went to a path ending with ``path_suffix``."""
        return int((await self._control("GET", REQUESTS_PATH, params={"path_suffix": path_suffix}))["count"])

    async def clear_requests(self) -> None:
        """Forget the recorded requests."""
        await self._control("POST", CLEAR_REQUESTS_PATH, {})
