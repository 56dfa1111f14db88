"""The bind after a Wi-Fi set-up (``api.bind_when_reported``) against the simulator, with no Home Assistant.

The simulated device reports its binding code when the test says so (``CloudSimulator.report_binding_code``); until
then the cloud answers 5460 and the loop keeps asking. Every bind is a real request over loopback.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from custom_components.quectel_iot.api import (
    POLL_SCHEDULE,
    BindOptions,
    DeviceType,
    PollSchedule,
    QuecBindingCodeError,
    QuecCloudTimeoutError,
    WifiBindRequest,
    bind_when_reported,
)
from quectel_simulator import Fault
from tests.common import DEMO_UID, WIFI_CODE, WIFI_DK, WIFI_PK

if TYPE_CHECKING:
    from custom_components.quectel_iot.api import QuecCloudClient
    from quectel_simulator import CloudSimulator

NEW_DK = "a0b1c2d3e4f7"  # in the demo data, never reported a binding code
CODE = "A1B2C3D4E5F60718"
BIND = "deviceBindingByWifi"
FAST = PollSchedule(fast_interval=0.02, fast_period=0.1, interval=0.05)


def request(dk: str = NEW_DK, code: str = CODE) -> WifiBindRequest:
    return WifiBindRequest(WIFI_PK, dk, code, BindOptions(device_name="Plug"))


def owners_of(simulator: CloudSimulator, dk: str) -> list[str]:
    return [binding.uid for binding in simulator.state.bindings_of_device(WIFI_PK, dk)]


def test_the_schedule_is_the_vendor_apps() -> None:
    assert (POLL_SCHEDULE.fast_interval, POLL_SCHEDULE.fast_period, POLL_SCHEDULE.interval) == (1.0, 30.0, 3.0)
    assert [POLL_SCHEDULE.delay(t) for t in (0.0, 29.9, 30.0, 89.0)] == [1.0, 1.0, 3.0, 3.0]


async def test_bound_within_a_second_of_the_report(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    task = asyncio.create_task(bind_when_reported(client, request(), wait_seconds=30))
    await asyncio.sleep(1.5)  # two "not reported" answers at least, then the report lands between two polls
    assert not task.done()
    simulator.report_binding_code(WIFI_PK, NEW_DK, CODE)
    reported = time.monotonic()
    result = await task
    assert time.monotonic() - reported <= 1.5  # the next poll is at most 1 s away (3 s before), plus a loaded CI
    assert (result.product_key, result.device_key) == (WIFI_PK, NEW_DK)
    assert result.auth_key
    assert owners_of(simulator, NEW_DK) == [DEMO_UID]
    binds = simulator.requests_to(BIND)
    assert len(binds) >= 3
    assert all(bind.json == binds[0].json for bind in binds)  # the same request every time
    assert binds[0].json is not None
    assert binds[0].json["bindingCode"] == CODE
    assert binds[0].json["deviceName"] == "Plug"
    assert simulator.requests_to("userDeviceList") == []  # every answer arrived: no list read


async def test_not_reported_keeps_asking_until_the_deadline(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    started = time.monotonic()
    with pytest.raises(QuecCloudTimeoutError) as caught:
        await bind_when_reported(client, request(), wait_seconds=0.4, schedule=FAST)
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 1.0  # it stops before a sleep would pass the deadline, not long after
    assert caught.value.seconds == 0.4
    assert caught.value.key == "cloud_timeout"
    assert "0 s" in str(caught.value)
    binds = simulator.requests_to(BIND)
    assert len(binds) >= 6  # 0.02 s apart for 0.1 s, then 0.05 s apart
    assert owners_of(simulator, NEW_DK) == []


async def test_another_refusal_ends_the_wait_at_once(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    # WIFI_DK has reported WIFI_CODE: a different code is refused as wrong, and that is final.
    with pytest.raises(QuecBindingCodeError) as caught:
        await bind_when_reported(client, request(WIFI_DK, CODE), wait_seconds=5, schedule=FAST)
    assert caught.value.code != 5460
    assert len(simulator.requests_to(BIND)) == 1
    assert owners_of(simulator, WIFI_DK) == []


async def test_a_lost_answer_reads_the_list_and_does_not_bind_again(
    client: QuecCloudClient, simulator: CloudSimulator
) -> None:
    simulator.faults.add(Fault("lost_response", path=BIND))  # the cloud binds it, the answer never arrives
    result = await bind_when_reported(client, request(WIFI_DK, WIFI_CODE), wait_seconds=5, schedule=FAST)
    assert len(simulator.requests_to(BIND)) == 1
    assert len(simulator.requests_to("userDeviceList")) == 1
    assert (result.product_key, result.device_key) == (WIFI_PK, WIFI_DK)
    listed = next(device for device in await client.get_devices() if device.device_key == WIFI_DK)
    assert listed.device_type is DeviceType.OWN
    assert (result.auth_key, result.product_name, result.binding_mode) == (
        listed.auth_key,
        listed.product_name,
        listed.bind_mode,
    )


async def test_a_dropped_bind_not_in_the_list_is_sent_again(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault("drop", path=BIND))  # never reached the cloud: nothing bound
    result = await bind_when_reported(client, request(WIFI_DK, WIFI_CODE), wait_seconds=5, schedule=FAST)
    assert len(simulator.requests_to(BIND)) == 2
    assert len(simulator.requests_to("userDeviceList")) == 1
    assert result.device_key == WIFI_DK
    assert owners_of(simulator, WIFI_DK) == [DEMO_UID]
