"""The simulated cloud of another process, as a simulated device reaches it: over the simulator's control routes.

:class:`~quectel_simulator.ble_device.SimulatedWifiDevice` takes a :class:`RemoteCloud` where it would take an
in-process :class:`~quectel_simulator.CloudSimulator`: once on "Wi-Fi" it reports its binding code through
``POST /_simulator/devices/{pk}/{dk}/report`` (:mod:`quectel_simulator.routes_control`), and it advertises "bound"
from the last :meth:`RemoteCloud.refresh`. Nothing here blocks: every call is an aiohttp request on the caller's
session (inside Home Assistant, its shared one).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp

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

    def _url(self, pk: str, dk: str, suffix: str = "") -> str:
        return f"{self.base_url.rstrip('/')}/_simulator/devices/{pk}/{dk}{suffix}"

    async def _request(self, method: str, pk: str, dk: str, suffix: str = "", body: Any = None) -> RemoteDevice:
        try:
            async with asyncio.timeout(self.timeout):
                async with self.session.request(method, self._url(pk, dk, suffix), json=body) as response:
                    payload = await response.json(content_type=None)
                    status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise RemoteCloudError(f"the simulator at {self.base_url} did not answer: {err!r}") from err
        if status == _NOT_FOUND:
            raise KeyError((pk, dk))
        if status != 200 or not isinstance(payload, dict):  # noqa: PLR2004 - HTTP OK
            error = payload.get("error") if isinstance(payload, dict) else payload
            raise RemoteCloudError(f"the simulator at {self.base_url} refused: HTTP {status}: {error}")
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
