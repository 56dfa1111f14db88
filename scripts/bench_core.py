"""What scripts/bench measures with: a Home Assistant core outside pytest, the cloud simulator in a process of its own
driven over its control routes, and the timing and memory helpers."""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from homeassistant import auth, bootstrap, config_entries, loader
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from quectel_simulator.remote_cloud import RemoteCloud
from scripts.dev_support.processes import LOOPBACK, ManagedProcess, free_port, start_simulator

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

# --- the simulator, in a process of its own --------------------------------------------------------------------------


class Simulator:
    """``python -m quectel_simulator`` in a process of its own, as the cloud is another machine (its CPU time is not
    Home Assistant's, and it does not compete with Home Assistant for the GIL), driven over its control routes
    (``RemoteCloud``, as the simulated devices of scripts/develop and the end-to-end stage reach it)."""

    def __init__(self, product_key: str) -> None:
        """Nothing runs yet; devices are made of ``product_key`` (a multi-user product)."""
        self.product_key = product_key
        self.url = ""
        self._process: ManagedProcess | None = None
        self._session: aiohttp.ClientSession | None = None
        self._cloud: RemoteCloud | None = None
        self._log_dir = tempfile.TemporaryDirectory(prefix="quectel-bench-simulator-")
        self._next_device = 0
        self._made: list[str] = []

    async def start(self) -> str:
        """Start the process (demo data, warnings only: no line per request); returns its base URL."""
        port = free_port()
        log = Path(self._log_dir.name) / "simulator.log"
        self._process = await asyncio.to_thread(start_simulator, port, log, log_level="WARNING")
        self.url = f"http://{LOOPBACK}:{port}"
        # A session of its own: the control requests stay out of Home Assistant's connection pool.
        self._session = aiohttp.ClientSession()
        self._cloud = RemoteCloud(self._session, self.url)
        return self.url

    async def stop(self) -> None:
        """Stop the process."""
        if self._session is not None:
            await self._session.close()
        if self._process is not None:
            await asyncio.to_thread(self._process.stop)
        self._log_dir.cleanup()

    @property
    def cloud(self) -> RemoteCloud:
        """The control client (after ``start``)."""
        assert self._cloud is not None
        return self._cloud

    async def new_devices(self, count: int) -> list[str]:
        """Register ``count`` fresh devices of the product; returns their device keys."""
        keys = [f"be{self._next_device + n:010x}" for n in range(count)]
        self._next_device += count
        await self.cloud.add_devices(self.product_key, keys)
        self._made += keys
        return keys

    async def forget_bindings(self) -> None:
        """Drop the bench's bindings (the simulator looks bindings up in a list: keep it as short as at the start)."""
        await self.cloud.unbind(self.product_key, self._made)

    async def issue_tokens(self, uid: str) -> dict[str, Any]:
        """A token pair for ``uid``, as a login would answer (no login request)."""
        return await self.cloud.issue_tokens(uid)

    async def expire_access_tokens(self) -> None:
        """Move the simulator's clock past the lifetime of every access token issued so far."""
        lifetime = (await self.cloud.clock())["access_token_lifetime"]
        await self.cloud.clock(advance=float(lifetime) + 1)

    async def count(self, path_suffix: str) -> int:
        """How many requests to an endpoint the simulator has received."""
        return await self.cloud.count_requests(path_suffix)

    async def clear_requests(self) -> None:
        """Forget the request log."""
        await self.cloud.clear_requests()


# --- a Home Assistant core outside pytest ----------------------------------------------------------------------------


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
    http = {"http": {"server_host": [LOOPBACK], "server_port": free_port()}}
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
