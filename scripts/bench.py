"""The benchmark behind scripts/bench: the integration against raw aiohttp, in one run, on this machine.

A real Home Assistant core (``HomeAssistant`` with its registries and config entries in a temporary config folder,
its shared aiohttp session, HTTP on a free loopback port) loads the integration; the cloud simulator serves on
loopback from a process of its own (as the cloud is another machine: its work is not Home Assistant's). Every figure
is measured against a baseline taken in the same run: a raw aiohttp request on the same session to the same
endpoint. Figures are printed, never asserted.

Run it with ``bash scripts/bench`` (``--quick`` for a smoke run with small counts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import multiprocessing
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
import timeit
import tracemalloc
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from homeassistant import auth, bootstrap, config_entries, loader  # noqa: E402
from homeassistant.core import HomeAssistant  # noqa: E402
from homeassistant.helpers.aiohttp_client import async_get_clientsession  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402

from quectel_simulator import CloudSimulator  # noqa: E402
from quectel_simulator.state import Device  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine
    from multiprocessing.connection import Connection

    import aiohttp

DOMAIN = "quectel_iot"  # the integration is imported only once memory is being traced (figure 7)
DEMO_UID = "C1001"
DEMO_DOMAIN = "C.DM.90001.1"
DEMO_SECRET = "NYrvzavymo87KXspmZzDW9LRPdvgrmuGyoVw6AoDVcc4"  # the simulator's made-up demo domain  # noqa: S105
PK = "p11cell"
PATH_BIND_BY_DK = "/v2/binding/enduserapi/bindDeviceDk"
PATH_USER_INFO = "/v2/enduser/enduserapi/userInfo"


@dataclass
class Row:
    """One line of the table."""

    number: int
    what: str
    ours: str
    baseline: str
    result: str


@dataclass
class Bench:
    """The run's settings and the rows measured so far."""

    sequential: int
    concurrent_calls: int
    bulk: int
    concurrency: int
    setups: int
    profile: str = ""
    dependencies_mib: tuple[float, float] = (0.0, 0.0)
    rows: list[Row] = field(default_factory=list)


# --- the simulator, in a thread of its own ---------------------------------------------------------------------------


class SimulatorThread:
    """The cloud simulator on its own event loop, so that its CPU time is not Home Assistant's."""

    def __init__(self) -> None:
        """Load the demo data; nothing runs yet."""
        self.sim = CloudSimulator.from_demo_data()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="simulator", daemon=True)
        self._next_device = 0

    def start(self) -> str:
        """Serve on 127.0.0.1 and a free port; returns the base URL."""
        self._thread.start()
        return self.run(self.sim.start(host="127.0.0.1", port=0))

    def stop(self) -> None:
        """Stop serving and end the thread."""
        self.run(self.sim.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    def run[T](self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the simulator's loop and wait for it (from the bench's thread)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def call[T](self, function: Callable[[], T]) -> T:
        """Run a function on the simulator's loop (state changes stay on its thread) and wait for it."""
        done: Future[T] = Future()

        def run() -> None:
            try:
                done.set_result(function())
            except Exception as err:  # noqa: BLE001 - handed back to the caller
                done.set_exception(err)

        self.loop.call_soon_threadsafe(run)
        return done.result()

    def new_devices(self, count: int) -> list[str]:
        """Register ``count`` fresh devices of the multi-user cellular product; returns their device keys."""
        keys = [f"be{self._next_device + n:010x}" for n in range(count)]
        self._next_device += count

        def add() -> None:
            for key in keys:
                self.sim.state.devices[PK, key] = Device(pk=PK, dk=key, name=key, capabilities=1)

        self.call(add)
        return keys

    def forget_bindings(self) -> None:
        """Drop the bench's bindings (the simulator looks bindings up in a list: keep it as short as at the start)."""

        def forget() -> None:
            self.sim.state.bindings = [b for b in self.sim.state.bindings if not b.dk.startswith("be")]

        self.call(forget)

    def issue_tokens(self, uid: str) -> dict[str, Any]:
        """A token pair for ``uid``, as a login would answer (no request)."""
        return self.call(lambda: self.sim.issue_tokens(uid))

    def expire_access_tokens(self) -> None:
        """Move the simulator's clock past the lifetime of every access token issued so far."""
        self.call(lambda: self.sim.advance_clock(self.sim.access_token_lifetime + 1))

    def count(self, path_suffix: str) -> int:
        """How many requests to an endpoint the simulator has received."""
        return self.call(lambda: len(self.sim.requests_to(path_suffix)))

    def clear_requests(self) -> None:
        """Forget the request log."""
        self.call(self.sim.clear_requests)


def serve_simulator(connection: Connection) -> None:
    """The simulator process: a ``SimulatorThread`` driven by the bench's commands over a pipe."""
    simulator = SimulatorThread()
    connection.send(simulator.start())
    while True:
        name, args = connection.recv()
        if name == "stop":
            simulator.stop()
            connection.send(("ok", None))
            return
        try:
            connection.send(("ok", getattr(simulator, name)(*args)))
        except Exception as err:  # noqa: BLE001 - reported to the bench
            connection.send(("error", repr(err)))


class SimulatorProcess:
    """The simulator in a process of its own, as the cloud is another machine: its CPU time is not Home
    Assistant's, and it does not compete with Home Assistant for the GIL. Same commands as ``SimulatorThread``."""

    def __init__(self) -> None:
        """Nothing runs yet."""
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=serve_simulator, args=(child,), name="simulator", daemon=True)

    def start(self) -> str:
        """Start the process; returns the simulator's base URL."""
        self._process.start()
        return str(self._connection.recv())

    def stop(self) -> None:
        """Stop the simulator and its process."""
        self._ask("stop")
        self._process.join(timeout=10)

    def _ask(self, name: str, *args: Any) -> Any:
        self._connection.send((name, args))
        status, value = self._connection.recv()
        if status != "ok":
            raise RuntimeError(f"simulator command {name} failed: {value}")
        return value

    def new_devices(self, count: int) -> list[str]:
        """See ``SimulatorThread.new_devices``."""
        return list(self._ask("new_devices", count))

    def forget_bindings(self) -> None:
        """See ``SimulatorThread.forget_bindings``."""
        self._ask("forget_bindings")

    def issue_tokens(self, uid: str) -> dict[str, Any]:
        """See ``SimulatorThread.issue_tokens``."""
        return dict(self._ask("issue_tokens", uid))

    def expire_access_tokens(self) -> None:
        """See ``SimulatorThread.expire_access_tokens``."""
        self._ask("expire_access_tokens")

    def count(self, path_suffix: str) -> int:
        """See ``SimulatorThread.count``."""
        return int(self._ask("count", path_suffix))

    def clear_requests(self) -> None:
        """See ``SimulatorThread.clear_requests``."""
        self._ask("clear_requests")


# --- a Home Assistant core outside pytest ----------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on loopback (for HA's HTTP server, a dependency of the Bluetooth stack)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_home_assistant(config_dir: str) -> HomeAssistant:
    """A running core with empty registries and config entries stored in ``config_dir`` (as a fresh install)."""
    hass = HomeAssistant(config_dir)
    hass.config.skip_pip = True
    loader.async_setup(hass)
    hass.config_entries = config_entries.ConfigEntries(hass, {})
    # What bootstrap does before it sets up integrations: registries, config entries, translations, templates;
    # then the auth manager (HTTP needs it).
    if not await bootstrap.async_load_base_functionality(hass):
        raise RuntimeError("Home Assistant could not load its registries")
    hass.auth = await auth.auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    await hass.async_start()
    return hass


async def setup_dependencies(hass: HomeAssistant) -> None:
    """HA's own integrations ours depends on: the Bluetooth stack (bluetooth_adapters) and HTTP, on loopback."""
    http = {"http": {"server_host": ["127.0.0.1"], "server_port": free_port()}}
    if not await async_setup_component(hass, "http", http):
        raise RuntimeError("HTTP did not set up")
    if not await async_setup_component(hass, "bluetooth_adapters", {}):
        raise RuntimeError("the Bluetooth stack did not set up")
    await hass.async_block_till_done()


async def stop_home_assistant(hass: HomeAssistant) -> None:
    """Stop the core (writes the registries to the temporary folder)."""
    await hass.async_stop(force=True)


# --- measuring ------------------------------------------------------------------------------------------------------


def median_ms(samples: list[float]) -> float:
    """Median of seconds, in milliseconds."""
    return statistics.median(samples) * 1000


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    """Seconds one awaited call takes."""
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def raw_request(
    session: aiohttp.ClientSession, method: str, url: str, token: str, params: dict[str, str] | None = None
) -> dict[str, Any]:
    """The baseline: one request by hand on the same session, its body read and parsed, nothing else."""
    async with session.request(method, url, params=params, headers={"Authorization": token}) as response:
        payload: dict[str, Any] = json.loads(await response.read())
    if payload.get("code") != 200:  # noqa: PLR2004
        raise RuntimeError(f"the simulator refused a baseline request: {payload}")
    return payload


async def gather_limited(calls: list[Callable[[], Awaitable[Any]]], concurrency: int) -> float:
    """Run the calls with at most ``concurrency`` in flight; seconds for all of them."""
    queue = list(reversed(calls))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def traced(step: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """MiB Python allocates during a step: the peak, and what stays allocated after it (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    await step()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mib = 1024 * 1024
    return peak / mib, current / mib


async def run(bench: Bench) -> None:
    """Measure the seven figures and print the table."""
    simulator = SimulatorProcess()
    url = simulator.start()
    with tempfile.TemporaryDirectory(prefix="quectel-bench-") as config_dir:
        hass = await start_home_assistant(config_dir)
        try:
            bench.dependencies_mib = await traced(lambda: setup_dependencies(hass))
            measurement = Measurement(bench, hass, simulator, url)
            # Memory first: nothing of ours is imported before it.
            memory = await traced(measurement.load_integration)
            measurement.connect()
            if bench.profile:
                await profile(bench.profile, measurement)
                return
            await measurement.sequential()
            await measurement.expired_token()
            await measurement.bulk()
            await measurement.setup()
            bench.rows.append(parse_row())
            measurement.memory(*memory)
        finally:
            await stop_home_assistant(hass)
            simulator.stop()
    print_table(bench)


class Measurement:
    """The figures, each against its baseline from the same run."""

    def __init__(self, bench: Bench, hass: HomeAssistant, simulator: SimulatorProcess, url: str) -> None:
        """Nothing is loaded yet."""
        self.bench = bench
        self.hass = hass
        self.simulator = simulator
        self.url = url
        self.session = async_get_clientsession(hass)
        self.entry: config_entries.ConfigEntry[Any] | None = None
        self.client: Any = None

    async def load_integration(self) -> None:
        """Set up the integration and add the demo account with tokens the simulator issued (as after the flow)."""
        from custom_components.quectel_iot.api import TokenPair  # noqa: PLC0415 - inside the memory figure

        if not await async_setup_component(self.hass, DOMAIN, {}):
            raise RuntimeError("the integration did not set up")
        tokens = TokenPair.from_api(self.simulator.issue_tokens(DEMO_UID))
        self.entry = config_entries.ConfigEntry(
            data={"region": "custom", "base_url": self.url, "user_domain": DEMO_DOMAIN,
                  "user_domain_secret": DEMO_SECRET, "account": "demo@example.com", "international_code": "86",
                  "password": "demo1234", "tokens": tokens.as_dict()},
            discovery_keys=MappingProxyType({}), domain=DOMAIN, minor_version=1, options={},
            source=config_entries.SOURCE_USER, subentries_data=None, title="demo@example.com",
            unique_id=f"{DEMO_DOMAIN}:{DEMO_UID}".lower(), version=1,
        )  # fmt: skip
        await self.hass.config_entries.async_add(self.entry)
        await self.hass.async_block_till_done()

    async def settle(self) -> None:
        """Let the integration finish what binds set off (a device-list poll a moment later), outside any timing.

        The bench also drops its bindings from the simulator between rounds, so that poll removes the devices from
        Home Assistant again: work real use never sees, kept out of the next round.
        """
        from custom_components.quectel_iot import coordinator  # noqa: PLC0415

        await asyncio.sleep(getattr(coordinator, "REFRESH_COOLDOWN", 0.0) + 0.5)
        await self.hass.async_block_till_done()

    def connect(self) -> None:
        """The loaded entry's client, and its token for the baseline requests."""
        assert self.entry is not None
        if self.entry.state is not config_entries.ConfigEntryState.LOADED:
            raise RuntimeError(f"the account entry did not load: {self.entry.state} {self.entry.reason}")
        self.client = self.entry.runtime_data.client

    @property
    def token(self) -> str:
        """The access token the client holds now (the baseline uses the same one)."""
        return str(self.client.tokens.access.value)

    async def raw_bind(self, device_key: str) -> None:
        """The baseline: the bind request by hand, its body read and parsed, nothing else."""
        await raw_request(self.session, "POST", self.url + PATH_BIND_BY_DK, self.token, {"pk": PK, "dk": device_key})

    async def service_bind(self, device_key: str) -> None:
        """The action, as an automation calls it."""
        assert self.entry is not None
        data = {"config_entry_id": self.entry.entry_id, "product_key": PK, "device_key": device_key}
        await self.hass.services.async_call(DOMAIN, "bind_by_dk", data, blocking=True, return_response=True)

    async def sequential(self) -> None:
        """Figures 1 and 2: one bind at a time, interleaved with the baseline so that drift hits both alike."""
        from custom_components.quectel_iot.api import BindByDkRequest  # noqa: PLC0415

        for key in self.simulator.new_devices(20):  # warm up: connections, caches, first-call imports
            await self.raw_bind(key)
        for key in self.simulator.new_devices(20):
            await self.service_bind(key)
        count = self.bench.sequential
        raw: list[float] = []
        action: list[float] = []
        api: list[float] = []
        keys = iter(self.simulator.new_devices(count * 4))
        for _ in range(count):
            raw.append(await timed(partial(self.raw_bind, next(keys))))
            action.append(await timed(partial(self.service_bind, next(keys))))
            api.append(await timed(partial(self.client.bind_by_dk, BindByDkRequest(PK, next(keys)))))
            raw.append(await timed(partial(self.raw_bind, next(keys))))
        self.simulator.forget_bindings()
        await self.settle()
        baseline = f"{median_ms(raw):.2f} ms (raw POST)"
        self.bench.rows.append(
            Row(1, f"One bind_by_dk action (hass.services.async_call), median of {count}",
                f"{median_ms(action):.2f} ms", baseline, f"x{median_ms(action) / median_ms(raw):.2f}")
        )  # fmt: skip
        self.bench.rows.append(
            Row(2, f"One bind through the API layer (QuecCloudClient.bind_by_dk), median of {count}",
                f"{median_ms(api):.2f} ms", baseline, f"x{median_ms(api) / median_ms(raw):.2f}")
        )  # fmt: skip

    async def expired_token(self) -> None:
        """Figure 3: concurrent actions while the access token has expired.

        Once as the client knows it (its expiry time has passed, as after two hours of running: the bench ages the
        running client's token in place), once as only the cloud knows it (the simulator's clock moves past the
        expiry, so the cloud answers 5032).
        """
        from custom_components.quectel_iot.api import Token, TokenPair  # noqa: PLC0415

        counts = []
        for known_to_client in (True, False):
            pair = TokenPair.from_api(self.simulator.issue_tokens(DEMO_UID))
            expires_at = time.time() - 1 if known_to_client else pair.access.expires_at
            self.client._tokens = TokenPair(Token(pair.access.value, expires_at), pair.refresh)  # noqa: SLF001
            if not known_to_client:
                self.simulator.expire_access_tokens()
            keys = self.simulator.new_devices(self.bench.concurrent_calls)
            self.simulator.clear_requests()
            results = await asyncio.gather(*(self.service_bind(key) for key in keys), return_exceptions=True)
            failed = sum(1 for result in results if isinstance(result, BaseException))
            counts.append((self.simulator.count("refreshToken"), self.simulator.count("emailPwdLogin"), failed))
            self.simulator.forget_bindings()
            await self.settle()
        (known, known_logins, known_failed), (told, told_logins, told_failed) = counts
        self.bench.rows.append(
            Row(3, f"{self.bench.concurrent_calls} concurrent bind_by_dk actions, access token expired "
                "(expiry passed / cloud answers 5032)",
                f"{known} / {told} refresh requests, {known_logins + told_logins} logins, "
                f"{known_failed + told_failed} failed",
                "1 / 1 refresh needed", "as needed" if (known, told) == (1, 1) else "MORE THAN NEEDED")
        )  # fmt: skip

    async def bulk(self) -> None:
        """Figure 4: binds at a fixed concurrency, against the same number of raw POSTs at the same concurrency."""
        count, concurrency = self.bench.bulk, self.bench.concurrency

        async def rate(call: Callable[[str], Awaitable[None]]) -> float:
            keys = self.simulator.new_devices(count)
            seconds = await gather_limited([partial(call, key) for key in keys], concurrency)
            self.simulator.forget_bindings()
            await self.settle()
            return count / seconds

        # Alternate three rounds of each (other processes on the machine come and go); medians.
        raws: list[float] = []
        actions: list[float] = []
        for _ in range(3):
            raws.append(await rate(self.raw_bind))
            actions.append(await rate(self.service_bind))
        raw, action = statistics.median(raws), statistics.median(actions)
        self.bench.rows.append(
            Row(4, f"{count} bind_by_dk actions at concurrency {concurrency}: throughput, median of 3 rounds",
                f"{action:.0f} binds/s", f"{raw:.0f} binds/s (raw POST)", f"x{action / raw:.2f}")
        )  # fmt: skip

    async def setup(self) -> None:
        """Figure 5: setup with stored tokens (unload, then set up: what a restart does), against the one read a
        setup needs at least (userInfo) made by hand."""
        assert self.entry is not None
        entry = self.entry
        self.simulator.clear_requests()
        setups: list[float] = []
        reads: list[float] = []
        for _ in range(self.bench.setups):
            await self.hass.config_entries.async_unload(entry.entry_id)
            setups.append(await timed(partial(self.hass.config_entries.async_setup, entry.entry_id)))
            if entry.state is not config_entries.ConfigEntryState.LOADED:
                raise RuntimeError(f"setup failed: {entry.reason}")
            self.client = entry.runtime_data.client
            reads.append(await timed(partial(raw_request, self.session, "GET", self.url + PATH_USER_INFO, self.token)))
        logins = self.simulator.count("emailPwdLogin")
        self.bench.rows.append(
            Row(5, f"Config entry setup with stored tokens, median of {self.bench.setups}",
                f"{median_ms(setups):.2f} ms, {logins} logins", f"{median_ms(reads):.2f} ms (raw userInfo GET)",
                f"x{median_ms(setups) / median_ms(reads):.2f}")
        )  # fmt: skip

    def memory(self, peak: float, kept: float) -> None:
        """Figure 7, measured first (see ``run``), next to the dependencies' own figure."""
        deps_peak, deps_kept = self.bench.dependencies_mib
        self.bench.rows.append(
            Row(7, "Memory: loading the integration and its account (tracemalloc)",
                f"{peak:.1f} MiB peak, {kept:.1f} MiB kept",
                f"{deps_peak:.1f} MiB peak, {deps_kept:.1f} MiB kept (its dependencies: HTTP, Bluetooth stack)", "-")
        )  # fmt: skip


async def profile(target: str, measurement: Measurement) -> None:
    """``--profile``: where the time goes in 500 bind_by_dk actions (one by one, or concurrent) or 50 setups."""
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    assert measurement.entry is not None
    entry_id = measurement.entry.entry_id
    keys = measurement.simulator.new_devices(500)
    profiler = cProfile.Profile()
    profiler.enable()
    if target == "actions":
        for key in keys:
            await measurement.service_bind(key)
    elif target == "bulk":
        await gather_limited([partial(measurement.service_bind, key) for key in keys], measurement.bench.concurrency)
    else:
        for _ in range(50):
            await measurement.hass.config_entries.async_unload(entry_id)
            await measurement.hass.config_entries.async_setup(entry_id)
    profiler.disable()
    stats = pstats.Stats(profiler)
    own = waiting = 0.0
    for (filename, _line, name), entry in stats.stats.items():  # type: ignore[attr-defined]
        if f"custom_components{os.sep}quectel_iot" in filename:
            own += entry[2]
        elif "poll" in name and "epoll" in name:
            waiting += entry[2]  # the event loop waiting for the simulator's answers
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(50)
    total = stats.total_tt - waiting  # type: ignore[attr-defined]
    runs = len(keys) if target != "setup" else 50
    print(
        f"Profiled {runs} {'setups' if target == 'setup' else 'actions'}: {total / runs * 1000:.3f} ms each in "
        f"Home Assistant's process, waits excluded (profiler overhead included); the integration's own code: "
        f"{own / runs * 1000:.3f} ms ({own / total:.0%})."
    )


def parse_row() -> Row:
    """Figure 6: microseconds per advertisement, a Quectel one and someone else's."""
    from custom_components.quectel_iot.api import QUECTEL_MANUFACTURER_ID, parse_advertisement  # noqa: PLC0415

    pk, dk = b"p11blee", bytes.fromhex("d0d1d2d3d4d5")
    ours = {QUECTEL_MANUFACTURER_ID: b"EC\x00\x03" + bytes([len(pk)]) + pk + bytes([len(dk)]) + dk + b"\x01\x48\x00"}
    other = {0x004C: bytes.fromhex("0215fda50693a4e24fb1afcfc6eb0764782527114c0bc5")}
    if parse_advertisement(ours, "QUEC_BLE_D4D5") is None:
        raise RuntimeError("the sample advertisement no longer parses")
    number = 100_000

    def best(data: dict[int, bytes], name: str | None) -> float:
        runs = timeit.repeat(lambda: parse_advertisement(data, name), number=number, repeat=5)
        return min(runs) / number * 1e6

    return Row(6, "parse_advertisement per advertisement, best of 5 x 100000 (a Quectel one / another vendor's)",
               f"{best(ours, 'QUEC_BLE_D4D5'):.2f} us / {best(other, None):.2f} us", "-", "-")  # fmt: skip


def print_table(bench: Bench) -> None:
    """The table, in Markdown (it goes into the README as is)."""
    header = ("#", "Measured", "Integration", "Baseline (same run)", "Ratio / check")
    lines = [header, *((str(r.number), r.what, r.ours, r.baseline, r.result) for r in bench.rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    rendered = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |" for line in lines]
    rendered.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    print()
    print(
        f"quectel_iot benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    print("\n".join(rendered))


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run, not figures to publish")
    parser.add_argument(
        "--profile",
        choices=["actions", "bulk", "setup"],
        default="",
        help="instead: profile 500 actions one by one or at the bulk concurrency, or 50 setups",
    )
    args = parser.parse_args()
    if args.quick:
        bench = Bench(sequential=20, concurrent_calls=50, bulk=100, concurrency=20, setups=5)
    else:
        bench = Bench(sequential=200, concurrent_calls=200, bulk=1000, concurrency=20, setups=20)
    bench.profile = args.profile
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Known and expected here: a custom integration, and no zlib-ng on this machine.
    for name in ("homeassistant.loader", "aiohttp_fast_zlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(bench))


if __name__ == "__main__":
    main()
