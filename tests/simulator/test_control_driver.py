"""The control routes a driver in another process sets a scenario up by (``scripts/bench``), and the JSON-only rule.

A browser page may send a ``text/plain`` (or form) ``POST`` to any address, loopback included, without asking first;
a JSON one it may not. So every control ``POST`` that is not ``application/json`` is refused with 415, and nothing
changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from quectel_simulator.control_paths import CLEAR_REQUESTS_PATH, CLOCK_PATH, DEVICES_PATH, TOKENS_PATH, UNBIND_PATH
from quectel_simulator.remote_cloud import RemoteCloud, RemoteCloudError
from quectel_simulator.state import Binding

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator

PK, DK, UID = "p11wifi", "a0b1c2d3e4f7", "C1001"
CELL = "p11cell"
USER_INFO = "/v2/enduser/enduserapi/userInfo"


async def post(http: aiohttp.ClientSession, url: str, data: bytes, content_type: str) -> tuple[int, Any]:
    async with http.post(url, data=data, headers={"Content-Type": content_type}) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"/_simulator/devices/{PK}/{DK}/report", b'{"binding_code": "0123456789ABCDEF", "ttl": 0}'),
        (DEVICES_PATH, b'{"product_key": "p11cell", "device_keys": ["be0000000001"]}'),
        (UNBIND_PATH, b'{"product_key": "p11cell", "device_keys": ["c0ffee000001"]}'),
        (TOKENS_PATH.format(uid=UID), b"{}"),
        (CLOCK_PATH, b'{"advance": 7200}'),
        (CLEAR_REQUESTS_PATH, b"{}"),
    ],
)
async def test_a_post_that_is_not_json_is_refused(
    sim: CloudSimulator, http: aiohttp.ClientSession, path: str, body: bytes, content_type: str
) -> None:
    await http.get(sim.url + USER_INFO)  # one recorded request, which a clear must not forget here
    before = (
        sim.state.devices[PK, DK].binding_code,
        len(sim.state.devices),
        list(sim.state.bindings),
        len(sim.tokens.issued),  # no token may be issued
        sim.now(),
    )
    status, answer = await post(http, sim.url + path, body, content_type)
    assert status == 415
    assert answer == {"error": f"control requests are application/json, not {content_type}"}
    after = (
        sim.state.devices[PK, DK].binding_code,
        len(sim.state.devices),
        list(sim.state.bindings),
        len(sim.tokens.issued),
        sim.now(),
    )
    assert after[:4] == before[:4]
    assert after[4] == pytest.approx(before[4], abs=5)  # the clock did not jump two hours
    assert [request.path for request in sim.requests] == [USER_INFO]


async def test_the_same_body_as_json_is_taken(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    body = b'{"binding_code": "0123456789ABCDEF", "ttl": 0}'
    status, answer = await post(http, f"{sim.url}/_simulator/devices/{PK}/{DK}/report", body, "application/json")
    assert (status, answer["online"]) == (200, True)
    assert sim.state.devices[PK, DK].binding_code == "0123456789ABCDEF"


async def test_devices_and_bindings(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    cloud = RemoteCloud(http, sim.url)
    assert await cloud.add_devices(CELL, ["be0000000001", "be0000000002"], capabilities=5) == 2
    added = sim.state.devices[CELL, "be0000000002"]
    assert (added.name, added.capabilities, added.online, added.binding_code) == ("be0000000002", 5, False, None)
    with pytest.raises(RemoteCloudError, match="HTTP 409: device keys taken: be0000000001"):
        await cloud.add_devices(CELL, ["be0000000003", "be0000000001"])
    assert (CELL, "be0000000003") not in sim.state.devices  # all or nothing
    with pytest.raises(RemoteCloudError, match="HTTP 404: no product nope"):
        await cloud.add_devices("nope", ["be0000000003"])
    with pytest.raises(RemoteCloudError, match="HTTP 400: device_keys"):
        await cloud.add_devices(CELL, ["not a key"])
    with pytest.raises(RemoteCloudError, match="HTTP 400: capabilities"):
        await cloud.add_devices(CELL, ["be0000000003"], capabilities=256)

    sim.state.bindings.append(Binding(uid=UID, pk=CELL, dk="be0000000001", auth_key="k"))
    sim.state.bindings.append(Binding(uid="C1002", pk=CELL, dk="be0000000001", auth_key="k"))
    kept = [binding for binding in sim.state.bindings if binding.dk != "be0000000001"]
    assert await cloud.unbind(CELL, ["be0000000001", "be0000000002"]) == 2
    assert sim.state.bindings == kept
    assert await cloud.unbind(CELL, []) == 0
    with pytest.raises(RemoteCloudError, match="HTTP 400: product_key"):
        await cloud.unbind("", ["be0000000001"])


async def test_tokens_clock_and_request_log(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    cloud = RemoteCloud(http, sim.url)
    tokens = await cloud.issue_tokens(UID)
    token = tokens["accessToken"]["token"]
    assert sim.tokens.check_access(token) == UID
    with pytest.raises(RemoteCloudError, match="HTTP 404: no user C9999"):
        await cloud.issue_tokens("C9999")
    assert sim.requests == []  # no login was recorded

    async with http.get(sim.url + USER_INFO, headers={"Authorization": token}) as response:
        assert (await response.json())["code"] == 200
    assert await cloud.count_requests("userInfo") == 1
    assert await cloud.count_requests("emailPwdLogin") == 0
    await cloud.clear_requests()
    assert sim.requests == []

    clock = await cloud.clock()
    assert clock == {"now": pytest.approx(sim.now(), abs=5), "access_token_lifetime": sim.access_token_lifetime}
    moved = await cloud.clock(advance=sim.access_token_lifetime + 1)
    assert moved["now"] == pytest.approx(clock["now"] + sim.access_token_lifetime + 1, abs=5)
    assert sim.tokens.check_access(token) is None  # expired by the simulator's clock
    for advance in (-1, True, "5"):
        status, answer = await post(
            http, sim.url + CLOCK_PATH, f'{{"advance": {advance!r}}}'.encode(), "application/json"
        )
        assert status == 400, advance
        assert answer["error"].startswith("advance")
