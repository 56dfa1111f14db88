"""The benchmark behind scripts/bench: the integration against raw aiohttp, in one run, on this machine.

A real Home Assistant core (``HomeAssistant`` with its registries and config entries in a temporary config folder,
its shared aiohttp session, HTTP on a free loopback port) loads the integration; the cloud simulator serves on
loopback from a process of its own (as the cloud is another machine: its work is not Home Assistant's), and the bench
sets each figure's scene up through its control routes (``RemoteCloud``). The figures are in ``bench_rows.py``, the
core, the simulator and the timing helpers in ``bench_core.py``. Every figure
is measured against a baseline taken in the same run: a raw aiohttp request on the same session to the same
endpoint. Figures are printed, never asserted.

Run it with ``bash scripts/bench`` (``--quick`` for a smoke run with small counts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import platform
import sys
import tempfile
import timeit
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: quectel_simulator, scripts.*

from quectel_simulator.ble_device import SimulatedWifiDevice
from scripts.bench_core import (
    Simulator,
    gather_limited,
    setup_dependencies,
    start_home_assistant,
    stop_home_assistant,
    traced,
)
from scripts.bench_rows import Bench, Measurement, Row
from scripts.dev_support.demo import DemoAccount
from scripts.dev_support.ha_config import NEW_WIFI_DEVICE


async def run(bench: Bench) -> None:
    """Measure the seven figures and print the table."""
    simulator = Simulator(DemoAccount.load().cellular_product)
    url = await simulator.start()
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
            await simulator.stop()
    print_table(bench)


async def profile(target: str, measurement: Measurement) -> None:
    """``--profile``: where the time goes in 500 bind_by_dk actions (one by one, or concurrent) or 50 setups."""
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    assert measurement.entry is not None
    entry_id = measurement.entry.entry_id
    keys = await measurement.simulator.new_devices(500)
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
    """Figure 6: microseconds per advertisement, a Quectel one (as the simulated device advertises) and another's."""
    from custom_components.quectel_iot.api import parse_advertisement  # noqa: PLC0415

    device = SimulatedWifiDevice(*NEW_WIFI_DEVICE)
    ours, name = device.manufacturer_data(), device.local_name
    other = {0x004C: bytes.fromhex("0215fda50693a4e24fb1afcfc6eb0764782527114c0bc5")}
    if parse_advertisement(ours, name) is None:
        raise RuntimeError("the simulated device's advertisement does not parse")
    number = 100_000

    def best(data: dict[int, bytes], local_name: str | None) -> float:
        runs = timeit.repeat(lambda: parse_advertisement(data, local_name), number=number, repeat=5)
        return min(runs) / number * 1e6

    return Row(6, "parse_advertisement per advertisement, best of 5 x 100000 (a Quectel one / another vendor's)",
               f"{best(ours, name):.2f} us / {best(other, None):.2f} us", "-", "-")  # fmt: skip


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
