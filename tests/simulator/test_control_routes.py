"""The simulator's loopback-only control routes, and a simulated device in "another process" reaching the cloud by them.

The device here lives in the test's process, but talks to the simulator only over HTTP (``RemoteCloud``), as the one
inside Home Assistant does in ``scripts/develop`` and the end-to-end stage.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import Mock

import pytest
from aiohttp.test_utils import make_mocked_request

from quectel_simulator import Fault
from quectel_simulator.ble_device import SimulatedWifiDevice
from quectel_simulator.control_paths import is_control_path
from quectel_simulator.remote_cloud import RemoteCloud, RemoteCloudError, RemoteDevice
from quectel_simulator.routes_control import ControlRoutes, is_loopback_peer
from tests.simulator.helpers import OTHER_DOMAIN
from tests.simulator.test_ble_device import BIND_WIFI, DEMO_UID, DK, PK, Central, bind, set_wifi

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator

CODE = "0123456789ABCDEF"


def device_url(sim: CloudSimulator, pk: str = PK, dk: str = DK) -> str:
    return f"{sim.url}/_simulator/devices/{pk}/{dk}"


async def call(http: aiohttp.ClientSession, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    async with http.request(method, url, json=body) as response:
        return response.status, await response.json(content_type=None)


async def test_status_and_report(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.set_online(PK, DK, online=False)
    status = {"product_key": PK, "device_key": DK, "online": False, "bound": False}
    assert await call(http, "GET", device_url(sim)) == (200, status)
    body = {"productKey": PK, "deviceKey": DK, "bindingCode": CODE}
    assert await bind(sim, http, body) == 5460  # nothing reported yet

    assert await call(http, "POST", device_url(sim) + "/report", {"binding_code": CODE, "ttl": 0}) == (
        200,
        {**status, "online": True},
    )
    device = sim.state.devices[PK, DK]
    assert (device.binding_code, device.binding_code_expires_at, device.online) == (CODE, None, True)
    assert await bind(sim, http, body) == 200
    assert await call(http, "GET", device_url(sim)) == (200, {**status, "online": True, "bound": True})

    await call(http, "POST", device_url(sim, dk="a0b1c2d3e4f8") + "/report", {"binding_code": CODE, "ttl": 30})
    expires = sim.state.devices[PK, "a0b1c2d3e4f8"].binding_code_expires_at
    assert expires is not None
    assert expires == pytest.approx(sim.now() + 30, abs=2)
    # Not cloud requests: the request log has the binds only.
    assert [request.path for request in sim.requests] == [BIND_WIFI, BIND_WIFI]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"binding_code": "0123"}, "binding_code"),
        ({"binding_code": "0123456789abcdef"}, "binding_code"),
        ({"ttl": 5}, "binding_code"),
        ({"binding_code": CODE, "ttl": -1}, "ttl"),
        ({"binding_code": CODE, "ttl": True}, "ttl"),
        ({"binding_code": CODE, "ttl": "5"}, "ttl"),
        ({"binding_code": CODE, "ttl": 86_401}, "ttl"),
        ([CODE], "binding_code"),
    ],
)
async def test_report_refusals(sim: CloudSimulator, http: aiohttp.ClientSession, body: Any, error: str) -> None:
    status, answer = await call(http, "POST", device_url(sim) + "/report", body)
    assert status == 400
    assert answer["error"].startswith(error)
    assert sim.state.devices[PK, DK].binding_code is None


async def test_not_json_unknown_device_and_not_on_extra_hosts(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    headers = {"Content-Type": "application/json"}  # declared JSON, but not JSON
    async with http.post(device_url(sim) + "/report", data=b"{not json", headers=headers) as response:
        assert response.status == 400
    assert await call(http, "GET", device_url(sim, dk="ffffffffffff")) == (
        404,
        {"error": "no device p11wifi/ffffffffffff"},
    )
    other = await sim.start_host("eu", [OTHER_DOMAIN])
    async with http.get(f"{other}/_simulator/devices/{PK}/{DK}") as response:
        assert response.status == 404  # the primary listener's only
        assert "online" not in await response.text()


async def test_never_faulted(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.add(Fault(kind="code", code=4026))  # every path
    assert (await call(http, "GET", device_url(sim)))[0] == 200
    assert len(sim.faults) == 1  # still waiting for a cloud request
    assert await bind(sim, http, {"productKey": PK, "deviceKey": DK, "bindingCode": CODE}) == 4026


def test_paths_and_peers() -> None:
    assert is_control_path("/_simulator/devices/a/b")
    assert not is_control_path("/v2/binding/enduserapi/userDeviceList")
    assert not is_control_path("/_simulatorx")
    for peer in ("127.0.0.1", "127.8.9.1", "::1"):
        assert is_loopback_peer(peer), peer
    for peer in (None, "", "10.0.0.7", "192.168.1.2", "fe80::1%eth0", "2001:db8::1", "not an address"):
        assert not is_loopback_peer(peer), peer


@pytest.mark.parametrize("method", ["device", "report"])
async def test_a_peer_off_loopback_is_refused(sim: CloudSimulator, method: str) -> None:
    transport = Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        ("192.168.1.20", 40000) if name == "peername" else default
    )
    request = make_mocked_request(
        "POST", f"/_simulator/devices/{PK}/{DK}/report", match_info={"pk": PK, "dk": DK}, transport=transport
    )
    response = await getattr(ControlRoutes(sim), method)(request)
    assert response.status == 403
    assert sim.state.devices[PK, DK].binding_code is None


async def test_remote_cloud(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.set_online(PK, DK, online=False)
    cloud = RemoteCloud(http, sim.url + "/")
    assert not cloud.is_bound(PK, DK)  # nothing asked yet
    assert await cloud.refresh(PK, DK) == RemoteDevice(PK, DK, online=False, bound=False)
    assert await cloud.report_online(PK, DK, CODE, ttl=60) == RemoteDevice(PK, DK, online=True, bound=False)
    assert await bind(sim, http, {"productKey": PK, "deviceKey": DK, "bindingCode": CODE}) == 200
    assert not cloud.is_bound(PK, DK)  # as of the last answer
    await cloud.refresh(PK, DK)
    assert cloud.is_bound(PK, DK)
    with pytest.raises(KeyError):
        await cloud.refresh(PK, "ffffffffffff")
    with pytest.raises(RemoteCloudError, match="refused: HTTP 400: binding_code"):
        await cloud.report_online(PK, DK, "lower-case", ttl=60)
    assert "session" not in repr(cloud)
    url = sim.url
    await sim.stop()
    with pytest.raises(RemoteCloudError, match=f"the simulator at {url} did not answer"):
        await RemoteCloud(http, url, timeout=2).refresh(PK, DK)


async def test_a_device_with_a_remote_cloud_reports_and_advertises_bound(
    sim: CloudSimulator, http: aiohttp.ClientSession
) -> None:
    cloud = RemoteCloud(http, sim.url)
    device = SimulatedWifiDevice(PK, DK, cloud=cloud, networks={"Home": "right"}, join_delay=0)
    central = Central(device)
    device.write(set_wifi(b"Home", b"right"))
    await central.reply()
    await asyncio.wait_for(device.reached_cloud.wait(), 5)
    reported = sim.state.devices[PK, DK]
    assert (reported.binding_code, reported.online) == (device.binding_code, True)
    assert device.manufacturer_data()[0x5551][-3:] == b"\x0a" + (0x0606).to_bytes(
        2, "little"
    )  # status: Wi-Fi configured, bindable
    assert await bind(sim, http, {"productKey": PK, "deviceKey": DK, "bindingCode": device.binding_code}) == 200
    await cloud.refresh(PK, DK)
    assert device.bound
    assert device.manufacturer_data()[0x5551][-3:] == b"\x06" + (0x0606).to_bytes(
        2, "little"
    )  # status: Wi-Fi configured, bound
    with pytest.raises(KeyError):
        device.bind_elsewhere(DEMO_UID)  # needs the simulator's state in this process
    with pytest.raises(ValueError, match="in this process"):
        SimulatedWifiDevice(PK, DK, cloud=cloud, bound_elsewhere_by=DEMO_UID)
    await device.close()


async def test_a_device_whose_report_fails_stays_offline(
    sim: CloudSimulator, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    device = SimulatedWifiDevice(PK, "ffffffffffff", cloud=RemoteCloud(http, sim.url), join_delay=0)  # unknown there
    central = Central(device)
    with caplog.at_level(logging.WARNING, "quectel_simulator.ble_device"):
        device.write(set_wifi(b"Home", b"x"))
        await central.reply()
        for _ in range(100):
            if caplog.records:
                break
            await asyncio.sleep(0.02)
    assert [record.getMessage() for record in caplog.records] == [
        "Simulated device QUEC_BLE_FFFF could not report to the cloud: ('p11wifi', 'ffffffffffff')"
    ]
    assert not device.reached_cloud.is_set()
    await device.close()
