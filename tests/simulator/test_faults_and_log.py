"""The simulator's fault injection and request log."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest

from quectel_simulator import CloudSimulator, Fault, FaultSet, RecordedRequest
from tests.simulator.helpers import (
    BIND_WIFI,
    DEMO_PASSWORD,
    DEMO_UID,
    DEVICE_LIST,
    EMAIL_LOGIN,
    FAMILY_MODE,
    SECRET,
    USER_INFO,
    WIFI_DK,
    WIFI_PK,
    Cloud,
    email_login_params,
    wifi_body,
)

# ----- faults -----


async def test_fault_latency(cloud: Cloud, sim: CloudSimulator) -> None:
    sim.faults.add(Fault(kind="latency", delay=0.2, path="userInfo"))
    start = time.monotonic()
    assert await cloud.code("GET", USER_INFO, token=cloud.token()) == 200
    assert time.monotonic() - start >= 0.2
    assert sim.requests[-1].fault == "latency"
    assert sim.requests[-1].response_code == 200
    assert len(sim.faults) == 0


@pytest.mark.parametrize(("status", "expected"), [(None, 500), (503, 503), (502, 502), (599, 599)])
async def test_fault_http_status(
    sim: CloudSimulator, http: aiohttp.ClientSession, status: int | None, expected: int
) -> None:
    sim.faults.add(Fault(kind="http_status", status=status))
    async with http.get(sim.url + USER_INFO) as resp:
        assert resp.status == expected
        assert resp.content_type == "text/plain"
        assert (await resp.text()).startswith(str(expected))
    assert sim.requests[-1].fault == "http_status"
    assert sim.requests[-1].response_code is None
    assert sim.requests[-1].http_status == expected


async def test_fault_html(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.add(Fault(kind="html"))
    sim.faults.add(Fault(kind="html", status=504))
    async with http.post(sim.url + EMAIL_LOGIN) as resp:
        assert resp.status == 502
        assert resp.content_type == "text/html"
        assert "<html>" in await resp.text()
    async with http.post(sim.url + EMAIL_LOGIN) as resp:
        assert resp.status == 504
        assert "504 Gateway Timeout" in await resp.text()


async def test_fault_malformed_and_empty(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.add(Fault(kind="malformed_json"))
    sim.faults.add(Fault(kind="empty_body"))
    async with http.get(sim.url + USER_INFO) as resp:
        assert resp.status == 200
        assert await resp.text() == '{"code": 200, "data": '
        with pytest.raises(json.JSONDecodeError):
            await resp.json(content_type=None)
    async with http.get(sim.url + USER_INFO) as resp:
        assert resp.status == 200
        assert await resp.read() == b""
    assert [r.fault for r in sim.requests] == ["malformed_json", "empty_body"]


async def test_fault_drop(sim: CloudSimulator) -> None:
    sim.faults.add(Fault(kind="drop", path="emailPwdLogin"))
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.post(sim.url + EMAIL_LOGIN, params=email_login_params())
        # The fault is used up: the next request is answered.
        async with session.post(sim.url + EMAIL_LOGIN, params=email_login_params()) as resp:
            assert (await resp.json(content_type=None))["code"] == 200
    dropped, answered = sim.requests
    assert dropped.fault == "drop"
    assert dropped.response_code is None
    assert dropped.http_status is None
    assert answered.fault is None


async def test_fault_lost_response_acts_then_drops(cloud: Cloud, sim: CloudSimulator) -> None:
    # The cloud binds the device, but the answer never arrives: what makes a bind ambiguous for a client.
    sim.faults.add(Fault(kind="lost_response", path="deviceBindingByWifi"))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await cloud.call("POST", BIND_WIFI, token=cloud.token(), json_body=wifi_body())
    (lost,) = sim.requests
    assert lost.fault == "lost_response"
    assert sim.state.binding_of(DEMO_UID, WIFI_PK, WIFI_DK) is not None
    # Used up: the same bind now gets an answer (already bound to this account).
    body = await cloud.call("POST", BIND_WIFI, token=cloud.token(), json_body=wifi_body())
    assert body["code"] != 200


async def test_fault_code(cloud: Cloud, sim: CloudSimulator) -> None:
    sim.faults.add(Fault(kind="code", code=5032))
    sim.faults.add(Fault(kind="code", code=4026, msg="quota"))
    sim.faults.add(Fault(kind="code", code=4242))
    body = await cloud.call("GET", USER_INFO, token=cloud.token())
    assert body == {"code": 5032, "msg": "Token verification failed.", "data": None, "extMsg": None}
    assert (await cloud.call("GET", USER_INFO))["msg"] == "quota"
    assert (await cloud.call("GET", USER_INFO))["msg"] == "Error 4242."
    assert [r.response_code for r in sim.requests] == [5032, 4026, 4242]


async def test_fault_matching_and_counts(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    fault = sim.faults.add(Fault(kind="code", code=5000, path="userDeviceList", count=2))
    sim.faults.add(Fault(kind="code", code=5000, path="userInfo", method="POST"))
    assert await cloud.code("GET", USER_INFO, token=token) == 200
    assert await cloud.code("GET", DEVICE_LIST, token=token) == 5000
    assert fault.count == 1
    assert await cloud.code("GET", DEVICE_LIST, token=token) == 5000
    assert await cloud.code("GET", DEVICE_LIST, token=token) == 200
    assert len(sim.faults) == 1
    forever = sim.faults.add(Fault(kind="code", code=5000, count=None))
    for _ in range(3):
        assert await cloud.code("GET", FAMILY_MODE, token=token) == 5000
    assert forever in list(sim.faults)
    sim.faults.remove(forever)
    assert await cloud.code("GET", FAMILY_MODE, token=token) == 200
    sim.faults.add(Fault(kind="code", code=5000))
    sim.faults.clear()
    assert len(sim.faults) == 0
    assert await cloud.code("GET", FAMILY_MODE, token=token) == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "explode"},
        {"kind": "code"},
        {"kind": "latency", "count": 0},
        {"kind": "latency", "delay": -1},
    ],
)
def test_fault_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)


def test_fault_set_take() -> None:
    faults = FaultSet()
    assert faults.take("GET", "/x") is None
    first = faults.add(Fault(kind="empty_body", path="/a"))
    assert faults.take("GET", "/b") is None
    assert faults.take("GET", "/a/b") is first
    assert len(faults) == 0


# ----- request log -----


async def test_request_log(cloud: Cloud, sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    token = cloud.token()
    await cloud.call("POST", BIND_WIFI, token=token, json_body=wifi_body(), headers={"X-Test": "1"})
    await cloud.call("GET", DEVICE_LIST, token=token, params={"page": 1, "pageSize": 5})
    async with http.get(sim.url + "/no/such/path") as resp:
        assert resp.status == 404
    async with http.post(sim.url + DEVICE_LIST) as resp:
        assert resp.status == 405
    bind, listing, missing, wrong_method = sim.requests
    assert isinstance(bind, RecordedRequest)
    assert (bind.method, bind.path) == ("POST", BIND_WIFI)
    assert bind.json == wifi_body()
    assert json.loads(bind.body) == wifi_body()
    assert bind.headers["Authorization"] == token
    assert bind.headers["X-Test"] == "1"
    assert bind.query == {}
    assert bind.response_code == 200
    assert bind.fault is None
    assert bind.received_at > 0
    assert listing.query == {"page": "1", "pageSize": "5"}
    assert listing.json is None
    assert listing.body == b""
    assert (missing.http_status, missing.response_code) == (404, None)
    assert wrong_method.http_status == 405
    assert sim.requests_to("userDeviceList") == [listing, wrong_method]
    assert sim.requests_to("emailPwdLogin") == []
    sim.clear_requests()
    assert sim.requests == []


async def test_request_log_non_json_body(cloud: Cloud, sim: CloudSimulator) -> None:
    await cloud.call(
        "POST", BIND_WIFI, token=cloud.token(), data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert sim.requests[-1].json is None
    assert sim.requests[-1].body == b"{not json"
    assert sim.requests[-1].response_code == 5066


async def test_no_secrets_in_logs(cloud: Cloud, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="quectel_simulator")
    params = email_login_params()
    data = await cloud.ok("POST", EMAIL_LOGIN, params=params)
    await cloud.ok("GET", USER_INFO, token=data["accessToken"]["token"])
    text = caplog.text
    assert "emailPwdLogin" in text
    for secret in (params["pwd"], params["signature"], SECRET, DEMO_PASSWORD, data["accessToken"]["token"][7:40]):
        assert secret not in text
