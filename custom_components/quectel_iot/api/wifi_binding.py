"""Binding a Wi-Fi device once it has reported its binding code: the poll after a set-up over Bluetooth.

While the device joins Wi-Fi the cloud answers 5460 ("binding code not reported"): nothing was bound, so asking again
is safe. Every other refusal ends the wait at once. A bind whose answer was lost on the wire may have bound the device,
so it is never sent again before the account's device list says it was not (binds are not idempotent).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .exceptions import QuecApiError, QuecCloudTimeoutError, QuecConnectionError
from .models_binding import WifiBindResult
from .models_devices import DeviceType

if TYPE_CHECKING:
    from .client import QuecCloudClient
    from .models_binding import WifiBindRequest

_LOGGER = logging.getLogger(__name__)

CODE_NOT_REPORTED: Final = 5460
"""The cloud's "binding code not reported yet": the device is still on its way to the cloud."""


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """How often to ask: every ``fast_interval`` s for the first ``fast_period`` s, then every ``interval`` s."""

    fast_interval: float = 1.0
    fast_period: float = 30.0
    interval: float = 3.0

    def delay(self, elapsed: float) -> float:
        """Seconds to the next bind, ``elapsed`` seconds after the first."""
        return self.fast_interval if elapsed < self.fast_period else self.interval


POLL_SCHEDULE: Final = PollSchedule()
"""As the vendor's iOS app: every second for 30 s (a device that reaches the cloud is bound within a second of it),
then every 3 s (Quectel's WeChat sample)."""


async def bind_when_reported(
    client: QuecCloudClient,
    request: WifiBindRequest,
    *,
    wait_seconds: float,
    schedule: PollSchedule | None = None,
) -> WifiBindResult:
    """Bind the device with ``request`` as soon as the cloud has its binding code, asking until ``wait_seconds``.

    Raises:
        QuecCloudTimeoutError: The device did not reach the cloud in time (nothing was bound).
        QuecApiError: Any other refusal of the bind, at once.
        QuecError: The device list read after a lost answer failed.
    """
    schedule = schedule or POLL_SCHEDULE
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + wait_seconds
    while True:
        try:
            return await client.bind_by_wifi(request)
        except QuecApiError as err:
            if err.code != CODE_NOT_REPORTED:
                raise
        except QuecConnectionError:
            # No answer (timeout, lost connection, garbled reply): the cloud may have bound it all the same.
            bound = await bound_here(client, request)
            if bound is not None:
                return bound
            _LOGGER.debug("A Wi-Fi bind got no answer and the device list does not have the device: asking again")
        now = loop.time()
        delay = schedule.delay(now - started)
        if now + delay > deadline:
            raise QuecCloudTimeoutError(wait_seconds)
        await asyncio.sleep(delay)


async def bound_here(client: QuecCloudClient, request: WifiBindRequest) -> WifiBindResult | None:
    """The device as the account's own list has it (a bind whose answer was lost did bind it), else ``None``."""
    for device in await client.get_devices():
        own = device.device_type is DeviceType.OWN
        if own and (device.product_key, device.device_key) == (request.product_key, request.device_key):
            return WifiBindResult.from_device(device)
    return None
