"""Several host names for one simulated cloud: which listener serves which user domain, and the listeners themselves.

The real cloud answers under more than one host name (cloud_api.md 1: ``iot-api.acceleronix.io`` and
``iot-api.quecteleu.com`` in Europe, ``iot-api.landecia.com`` and ``iot-api.quectelus.com`` in North America), and a
user domain is known at its own data center only. ``CloudSimulator.start_host`` stands in for that: each extra
listener serves the user domains it is given; the primary listener serves every user domain no extra listener has.
All listeners share one state, clock, token store, fault set and request log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Iterable

PRIMARY_HOST: Final = "primary"
"""The name of the simulator's first listener (``CloudSimulator.start``); ``start_host`` names the others."""
SHUTDOWN_TIMEOUT: Final = 1.0
"""Seconds a listener's stop waits for requests still being handled (a ``latency`` fault, say)."""


@dataclass(frozen=True)
class Listener:
    """One running aiohttp server.

    Attributes:
        runner: The aiohttp runner (cleaned up to stop).
        url: The base URL, e.g. ``http://127.0.0.1:8910``.
    """

    runner: web.AppRunner
    url: str


async def listen(app: web.Application, host: str, port: int) -> Listener:
    """Serve an application on ``host:port`` in the running event loop.

    Args:
        app: The application.
        host: Address to listen on.
        port: TCP port; 0 picks a free one.

    Returns:
        The listener.
    """
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_port = runner.addresses[0][1]
    url_host = f"[{host}]" if ":" in host else host
    return Listener(runner, f"http://{url_host}:{bound_port}")


class HostTable:
    """Which listener serves which user domain."""

    def __init__(self) -> None:
        """Start with the primary listener serving every user domain."""
        self._extra: dict[str, frozenset[str]] = {}

    def assign(self, name: str, user_domains: Iterable[str]) -> None:
        """Give user domains to an extra listener (replacing what it had); they leave the primary.

        Args:
            name: The extra listener's name (not :data:`PRIMARY_HOST`).
            user_domains: The user domains it serves.

        Raises:
            ValueError: For the primary's name.
        """
        if name == PRIMARY_HOST:
            raise ValueError(f"{PRIMARY_HOST!r} is the primary listener; it serves every user domain left over")
        self._extra[name] = frozenset(user_domains)

    def serves(self, name: str, user_domain: str) -> bool:
        """Whether a listener serves a user domain.

        Args:
            name: The listener.
            user_domain: The user domain.

        Returns:
            For an extra listener, whether it was given the domain; for the primary, whether no extra one was.
        """
        if name == PRIMARY_HOST:
            return not any(user_domain in domains for domains in self._extra.values())
        return user_domain in self._extra.get(name, frozenset())

    def hosts_of(self, user_domain: str) -> list[str]:
        """List the listeners that serve a user domain.

        Args:
            user_domain: The user domain.

        Returns:
            Their names: the primary alone, or the extra listeners given the domain (in the order they were named).
        """
        extra = [name for name, domains in self._extra.items() if user_domain in domains]
        return extra or [PRIMARY_HOST]

    def user_domains_of(self, name: str) -> frozenset[str] | None:
        """The user domains an extra listener serves.

        Args:
            name: The listener.

        Returns:
            Its domains, or ``None`` for the primary (every domain no extra listener has) or an unknown name.
        """
        return self._extra.get(name)
