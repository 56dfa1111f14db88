"""The simulator's lifecycle, data files and command line."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from quectel_simulator import CloudSimulator, SimulatorState
from quectel_simulator import __main__ as cli
from quectel_simulator.data_file import DataFileError
from tests.simulator.helpers import (
    BIND_WIFI,
    BLE_CODE,
    BLE_PK,
    BLE_PS,
    BLE_STORED_SECRET,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_UID,
    DISABLED_DOMAIN,
    DOMAIN,
    EMAIL_LOGIN,
    FRIEND_UID,
    OTHER_DOMAIN,
    OTHER_SECRET,
    REPO,
    SECRET,
    USER_INFO,
    WIFI_CODE,
    WIFI_PK,
    Cloud,
    email_login_params,
    jwt_claims,
)

# ----- lifecycle and data files -----


async def test_lifecycle() -> None:
    sim = CloudSimulator.from_demo_data()
    with pytest.raises(RuntimeError):
        _ = sim.url
    assert sim.running_now is False
    await sim.stop()  # no-op
    async with sim as started:
        assert started.running_now
        assert started.url == f"http://127.0.0.1:{started.port}"
        with pytest.raises(RuntimeError):
            await started.start()
    assert sim.running_now is False
    # Restartable, and a busy port is reported.
    async with sim.running(port=0):
        other = CloudSimulator.from_demo_data()
        with pytest.raises(OSError):
            await other.start(port=sim.port)
        assert other.running_now is False


def test_demo_data_contents() -> None:
    sim = CloudSimulator.from_demo_data()
    state = sim.state
    assert state.data_center == "EU"
    domain = state.user_domains[DOMAIN]
    assert domain.secret == SECRET
    assert len(domain.secret) == 44
    assert not set(domain.secret) & set("0OIl")
    assert state.user_domains[OTHER_DOMAIN].secret == OTHER_SECRET
    assert state.user_domains[DISABLED_DOMAIN].enabled is False
    demo = state.users[DEMO_UID]
    assert (demo.email, demo.phone, demo.international_code, demo.password) == (
        DEMO_EMAIL,
        DEMO_PHONE,
        "86",
        DEMO_PASSWORD,
    )
    assert demo.family_mode is True
    roles = {family.fid: role for family, role in state.families_of(DEMO_UID)}
    assert roles == {"fam-demo-home": 1, "fam-neighbour": 3}
    assert len(state.families["fam-demo-home"].rooms) == 2
    assert state.users[FRIEND_UID].password == "friend1234"
    modes = {p.pk: p.binding_mode for p in state.products.values()}
    assert modes == {"p11wifi": 1, "p11cell": 1, "p11uniq": 2, "p11rota": 3, "p11blee": 1, "p11priv": 1}
    assert state.products[BLE_PK].product_secret == BLE_PS
    assert len(BLE_PS) == 16
    assert "p11priv" not in domain.products
    assert any(d.data_center != "EU" for d in state.devices.values())
    for device in state.devices.values():
        assert len(device.dk) == 12
        int(device.dk, 16)
        if device.binding_code is not None:
            assert device.binding_code_expires_at is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
[[user_domains]]
domain = "U.DM.1.1"
secret = "s"
products = ["pk1"]

[[users]]
uid = "U1"
user_domain = "U.DM.1.1"
email = "u@example.com"
password = "password1"
registered_at = 1700000000

[[products]]
pk = "pk1"
name = "P"

[[devices]]
pk = "pk1"
dk = "dk000001"
binding_code = "00000000000000AB"
binding_code_ttl = 30
"""


async def test_from_file(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    sim = CloudSimulator.from_file(_write(tmp_path, MINIMAL), access_token_lifetime=5)
    assert sim.access_token_lifetime == 5
    assert sim.state.data_center == "EU"
    assert sim.state.users["U1"].registered_at == 1700000000
    device = sim.state.devices["pk1", "dk000001"]
    assert device.binding_code_expires_at is not None
    assert device.data_center == "EU"
    async with sim.running():
        cloud = Cloud(sim, http)
        params = email_login_params("u@example.com", "password1", domain="U.DM.1.1", secret="s")
        data = await cloud.ok("POST", EMAIL_LOGIN, params=params)
        token = data["accessToken"]["token"]
        assert jwt_claims(token)["exp"] - jwt_claims(token)["iat"] == 5
        body = {"productKey": "pk1", "deviceKey": "dk000001", "bindingCode": "00000000000000AB"}
        assert await cloud.code("POST", BIND_WIFI, token=token, json_body=body) == 200
        assert "(in-memory state)" not in cli.banner(sim)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("simulator = 3", "must be a table"),
        ("user_domains = 3", "array of tables"),
        ('[[user_domains]]\nsecret = "s"', "missing 'domain'"),
        ('[[user_domains]]\ndomain = 1\nsecret = "s"', "must be str"),
        ('[[user_domains]]\ndomain = "d"\nsecret = "s"\nproducts = [1]', "list of strings"),
        ('[[user_domains]]\ndomain = "d"\nsecret = "s"\nenabled = 1', "must be bool"),
        ('[[users]]\nuid = "u"\nuser_domain = "nope"\npassword = "p"', "unknown user domain"),
        ('[[families]]\nfid = "f"\nname = "n"\nmembers = { U9 = 1 }', "unknown users"),
        ('[[families]]\nfid = "f"\nname = "n"\nmembers = { U9 = 7 }', "must be 1, 2 or 3"),
        ('[[devices]]\npk = "p"\ndk = "d"', "unknown product"),
        ('[[products]]\npk = "p"\nname = "n"\nbinding_mode = true', "must be int"),
        ('[[bindings]]\nuid = "u"\npk = "p"\ndk = "d"', "unknown user or device"),
        ('[[shares]]\nshare_code = "c"\nowner_uid = "u"\nrecipient_uid = "r"\npk = "p"\ndk = "d"', "owner binding"),
        ('[[users]]\nuid = "u"\nuser_domain = "d"\npassword = "p"\nregistered_at = "yesterday"', "date-time"),
    ],
)
def test_data_file_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        CloudSimulator.from_file(_write(tmp_path, text))


def test_data_file_naive_datetime(tmp_path: Path) -> None:
    text = MINIMAL.replace("registered_at = 1700000000", "registered_at = 2025-01-01T00:00:00")
    sim = CloudSimulator.from_file(_write(tmp_path, text))
    assert sim.state.users["U1"].registered_at == 1735689600


# ----- CLI -----


def test_cli_arguments() -> None:
    parser = cli.build_parser()
    args = parser.parse_args([])
    assert (args.host, args.port, args.data, args.access_token_lifetime) == ("127.0.0.1", 8910, None, 7200)
    assert args.refresh_token_lifetime == 2_592_000
    args = parser.parse_args(
        ["--host", "192.0.2.1", "--port", "0", "--data", "x.toml", "--access-token-lifetime", "60"]
    )
    assert (args.host, args.port, args.data, args.access_token_lifetime) == ("192.0.2.1", 0, Path("x.toml"), 60)
    for bad in (
        ["--port", "70000"],
        ["--port", "http"],
        ["--access-token-lifetime", "0"],
        ["--access-token-lifetime", "x"],
    ):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)


async def test_cli_banner(sim: CloudSimulator) -> None:
    text = cli.banner(sim)
    assert text.startswith(f"Quectel cloud simulator listening on {sim.url}\n")
    for expected in (
        "region:             custom",
        f"base URL:           {sim.url}",
        DOMAIN,
        SECRET,
        DEMO_EMAIL,
        DEMO_PHONE,
        "international code 86",
        DEMO_PASSWORD,
        "friend@example.com",
        "friend1234",
        "domain disabled",
        f"binding code {WIFI_CODE} (never expires)",
        f"binding code {BLE_CODE}",
        f"product secret {BLE_PS}",
        "not authorized for C.DM.90001.1",
        "data center CN",
        "bound to C1002",
        "shared to C1001 (accepted)",
        f"stored binding secret {BLE_STORED_SECRET}",
        "Press Ctrl-C to stop.",
    ):
        assert expected in text, expected
    sim.report_binding_code(WIFI_PK, "a0b1c2d3e4f7", ttl=100)
    assert "s left)" in cli.banner(sim)


async def test_cli_banner_without_users(http: aiohttp.ClientSession) -> None:
    async with CloudSimulator(SimulatorState()).running() as empty:
        text = cli.banner(empty)
    assert "Demo account" not in text
    assert "(in-memory state)" in text


def _running(sim: CloudSimulator) -> bool:
    return sim.running_now


async def test_cli_serve_until_stopped() -> None:
    stop = asyncio.Event()
    out = io.StringIO()
    sim = CloudSimulator.from_demo_data()
    task = asyncio.create_task(cli.serve(sim, "127.0.0.1", 0, stop=stop, out=out))
    for _ in range(100):
        if "Press Ctrl-C" in out.getvalue():
            break
        await asyncio.sleep(0.01)
    assert _running(sim)
    assert "listening on http://127.0.0.1:" in out.getvalue()
    stop.set()
    await task
    assert not _running(sim)
    assert out.getvalue().endswith("Simulator stopped.\n")


def test_cli_main(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    served: list[tuple[CloudSimulator, str, int]] = []

    async def fake_serve(sim: CloudSimulator, host: str, port: int, **_: Any) -> None:
        served.append((sim, host, port))

    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["--port", "0", "--access-token-lifetime", "30"]) == 0
    sim, host, port = served[-1]
    assert (host, port, sim.access_token_lifetime) == ("127.0.0.1", 0, 30)
    assert cli.main(["--data", str(_write(tmp_path, MINIMAL)), "--refresh-token-lifetime", "99"]) == 0
    assert served[-1][0].refresh_token_lifetime == 99
    assert "U1" in served[-1][0].state.users
    assert cli.main(["--data", str(tmp_path / "missing.toml")]) == 2
    assert cli.main(["--data", str(_write(tmp_path, "users = 3"))]) == 2
    assert "cannot load the data file" in capsys.readouterr().err

    async def busy(sim: CloudSimulator, host: str, port: int, **_: Any) -> None:
        raise OSError("address in use")

    monkeypatch.setattr(cli, "serve", busy)
    assert cli.main([]) == 1
    assert "cannot listen on 127.0.0.1:8910" in capsys.readouterr().err


async def test_cli_subprocess(http: aiohttp.ClientSession) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "quectel_simulator",
        "--port",
        "0",
        "--log-level",
        "WARNING",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert first.startswith("Quectel cloud simulator listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        async with http.get(url + USER_INFO) as resp:
            assert (await resp.json(content_type=None))["code"] == 5106
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0
        assert "Simulator stopped." in out.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
