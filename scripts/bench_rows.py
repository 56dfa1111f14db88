"""The figures of scripts/bench, each against its baseline from the same run (scripts/bench.py prints them)."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant import config_entries
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component

from scripts.bench_core import Simulator, gather_limited, median_ms, raw_request, timed
from scripts.dev_support.demo import DemoAccount

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant


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


class Measurement:
    """The figures, each against its baseline from the same run."""

    def __init__(self, bench: Bench, hass: HomeAssistant, simulator: Simulator, url: str) -> None:
        """Nothing is loaded yet."""
        self.bench = bench
        self.hass = hass
        self.simulator = simulator
        self.url = url
        self.session = async_get_clientsession(hass)
        self.entry: config_entries.ConfigEntry[Any] | None = None
        self.client: Any = None
        self.demo = DemoAccount.load()
        self.pk = self.demo.cellular_product

    async def load_integration(self) -> None:
        """Set up the integration and add the demo account with tokens the simulator issued (as after the flow)."""
        from custom_components.quectel_iot.api import TokenPair  # noqa: PLC0415 - inside the memory figure
        from custom_components.quectel_iot.const import DOMAIN  # noqa: PLC0415

        if not await async_setup_component(self.hass, DOMAIN, {}):
            raise RuntimeError("the integration did not set up")
        demo = self.demo
        tokens = TokenPair.from_api(await self.simulator.issue_tokens(demo.uid))
        self.entry = config_entries.ConfigEntry(
            data={"region": "custom", "base_url": self.url, "user_domain": demo.user_domain,
                  "user_domain_secret": demo.user_domain_secret, "account": demo.email,
                  "international_code": demo.international_code, "password": demo.password,
                  "tokens": tokens.as_dict()},
            discovery_keys=MappingProxyType({}), domain=DOMAIN, minor_version=1, options={},
            source=config_entries.SOURCE_USER, subentries_data=None, title=demo.email,
            unique_id=f"{demo.user_domain}:{demo.uid}".lower(), version=1,
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
        from custom_components.quectel_iot.api.const import PATH_BIND_BY_DK  # noqa: PLC0415 - after figure 7

        await raw_request(
            self.session, "POST", self.url + PATH_BIND_BY_DK, self.token, {"pk": self.pk, "dk": device_key}
        )

    async def service_bind(self, device_key: str) -> None:
        """The action, as an automation calls it."""
        from custom_components.quectel_iot.const import DOMAIN  # noqa: PLC0415 - after figure 7

        assert self.entry is not None
        data = {"config_entry_id": self.entry.entry_id, "product_key": self.pk, "device_key": device_key}
        await self.hass.services.async_call(DOMAIN, "bind_by_dk", data, blocking=True, return_response=True)

    async def sequential(self) -> None:
        """Figures 1 and 2: one bind at a time, interleaved with the baseline so that drift hits both alike."""
        from custom_components.quectel_iot.api import BindByDkRequest  # noqa: PLC0415

        for key in await self.simulator.new_devices(20):  # warm up: connections, caches, first-call imports
            await self.raw_bind(key)
        for key in await self.simulator.new_devices(20):
            await self.service_bind(key)
        count = self.bench.sequential
        raw: list[float] = []
        action: list[float] = []
        api: list[float] = []
        keys = iter(await self.simulator.new_devices(count * 4))
        for _ in range(count):
            raw.append(await timed(partial(self.raw_bind, next(keys))))
            action.append(await timed(partial(self.service_bind, next(keys))))
            api.append(await timed(partial(self.client.bind_by_dk, BindByDkRequest(self.pk, next(keys)))))
            raw.append(await timed(partial(self.raw_bind, next(keys))))
        await self.simulator.forget_bindings()
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
            pair = TokenPair.from_api(await self.simulator.issue_tokens(self.demo.uid))
            expires_at = time.time() - 1 if known_to_client else pair.access.expires_at
            self.client._tokens = TokenPair(Token(pair.access.value, expires_at), pair.refresh)  # noqa: SLF001
            if not known_to_client:
                await self.simulator.expire_access_tokens()
            keys = await self.simulator.new_devices(self.bench.concurrent_calls)
            await self.simulator.clear_requests()
            results = await asyncio.gather(*(self.service_bind(key) for key in keys), return_exceptions=True)
            failed = sum(1 for result in results if isinstance(result, BaseException))
            counts.append(
                (await self.simulator.count("refreshToken"), await self.simulator.count("emailPwdLogin"), failed)
            )
            await self.simulator.forget_bindings()
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
            keys = await self.simulator.new_devices(count)
            seconds = await gather_limited([partial(call, key) for key in keys], concurrency)
            await self.simulator.forget_bindings()
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
        from custom_components.quectel_iot.api.const import PATH_USER_INFO  # noqa: PLC0415 - after figure 7

        assert self.entry is not None
        entry = self.entry
        await self.simulator.clear_requests()
        setups: list[float] = []
        reads: list[float] = []
        for _ in range(self.bench.setups):
            await self.hass.config_entries.async_unload(entry.entry_id)
            setups.append(await timed(partial(self.hass.config_entries.async_setup, entry.entry_id)))
            if entry.state is not config_entries.ConfigEntryState.LOADED:
                raise RuntimeError(f"setup failed: {entry.reason}")
            self.client = entry.runtime_data.client
            user_info = partial(raw_request, self.session, "GET", self.url + PATH_USER_INFO, self.token)
            reads.append(await timed(user_info))
        logins = await self.simulator.count("emailPwdLogin")
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
