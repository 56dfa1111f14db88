"""``CloudSimulator``: the simulated cloud's lifecycle (one host name or several) and the handles tests use."""

from __future__ import annotations

import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

from .app import build_app
from .data_file import load_state_file
from .faults import FaultSet
from .hosts import PRIMARY_HOST, HostTable, Listener, listen
from .state import Clock, SimulatorState
from .tokens import DEFAULT_ACCESS_LIFETIME, DEFAULT_REFRESH_LIFETIME, TokenStore

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable
    from types import TracebackType

    from aiohttp import web

    from .recording import RecordedRequest

DEMO_DATA: Final = Path(__file__).with_name("demo_data.toml")
"""The demo data shipped with the package."""


class CloudSimulator:
    """A local stand-in for the Quectel/Acceleronix end-user cloud, served over real HTTP.

    Attributes:
        state: The in-memory model (users, user domains, products, devices, bindings, shares).
        clock: The simulator's clock (``time.time()`` plus an offset moved by :meth:`advance_clock`).
        tokens: Issued tokens.
        faults: Faults to inject into the next matching requests.
        requests: Every request received, in order, faulted ones too.
        data_file: The file the state was loaded from, or ``None``.
    """

    def __init__(
        self,
        state: SimulatorState,
        *,
        clock: Clock | None = None,
        access_token_lifetime: int = DEFAULT_ACCESS_LIFETIME,
        refresh_token_lifetime: int = DEFAULT_REFRESH_LIFETIME,
        data_file: Path | None = None,
    ) -> None:
        """Create a simulator around a state (not started yet).

        Args:
            state: The model to serve.
            clock: The clock (a new one when ``None``).
            access_token_lifetime: Access token lifetime in seconds.
            refresh_token_lifetime: Refresh token lifetime in seconds.
            data_file: Where the state came from (shown in the CLI banner).
        """
        self.clock = clock or Clock()
        self.state = state
        self.tokens = TokenStore(
            self.clock, access_lifetime=access_token_lifetime, refresh_lifetime=refresh_token_lifetime
        )
        self.faults = FaultSet()
        self.requests: list[RecordedRequest] = []
        self.data_file = data_file
        self.host_table = HostTable()
        self._listeners: dict[str, Listener] = {}

    # ----- construction -----

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> Self:
        """Load a TOML data file (the layout of ``demo_data.toml``).

        Args:
            path: The file.
            **kwargs: Passed to the constructor (``access_token_lifetime``, ``refresh_token_lifetime``, ``clock``).

        Returns:
            The simulator (not started).
        """
        clock = kwargs.pop("clock", None) or Clock()
        state = load_state_file(path, now=clock.now())
        return cls(state, clock=clock, data_file=Path(path), **kwargs)

    @classmethod
    def from_demo_data(cls, **kwargs: Any) -> Self:
        """Load the demo data shipped with the package.

        Args:
            **kwargs: Passed to the constructor.

        Returns:
            The simulator (not started).
        """
        return cls.from_file(DEMO_DATA, **kwargs)

    # ----- settings -----

    @property
    def access_token_lifetime(self) -> int:
        """Lifetime of newly issued access tokens, in seconds."""
        return self.tokens.access_lifetime

    @access_token_lifetime.setter
    def access_token_lifetime(self, seconds: int) -> None:
        self.tokens.access_lifetime = seconds

    @property
    def refresh_token_lifetime(self) -> int:
        """Lifetime of newly issued refresh tokens, in seconds."""
        return self.tokens.refresh_lifetime

    @refresh_token_lifetime.setter
    def refresh_token_lifetime(self, seconds: int) -> None:
        self.tokens.refresh_lifetime = seconds

    # ----- lifecycle -----

    def make_app(self, host: str = PRIMARY_HOST) -> web.Application:
        """Build the aiohttp application of one listener (for embedding; :meth:`start` does this itself).

        Args:
            host: The listener's name.

        Returns:
            The application.
        """
        return build_app(self, host)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` in the running event loop (the primary listener).

        Args:
            host: Address to listen on.
            port: TCP port; 0 picks a free one.

        Returns:
            The base URL, also in :attr:`url`.

        Raises:
            RuntimeError: When already started.
        """
        return await self._start(PRIMARY_HOST, host, port)

    async def start_host(
        self, name: str, user_domains: Iterable[str], *, host: str = "127.0.0.1", port: int = 0
    ) -> str:
        """Serve user domains under a host name of their own: another listener over the same state.

        The user domains move to this listener: elsewhere (the primary, other listeners) their logins answer 5015,
        their tokens 5032 (see :mod:`quectel_simulator.routes_auth`). Two extra listeners given the same domain are
        aliases of one data center. State, clock, tokens, faults and the request log stay shared; each recorded
        request names its listener (``RecordedRequest.host``), and ``Fault(host=name)`` limits a fault to one.

        Args:
            name: The listener's name (anything but ``"primary"``), e.g. ``"iot-api.quecteleu.com"``.
            user_domains: The user domains it serves (each must be in the state); may be empty.
            host: Address to listen on.
            port: TCP port; 0 picks a free one.

        Returns:
            The listener's base URL, also in :meth:`host_url`.

        Raises:
            KeyError: A user domain the state does not have.
            ValueError: The primary's name.
            RuntimeError: A listener of that name is already running.
            OSError: The port cannot be opened.
        """
        domains = list(user_domains)
        unknown = [domain for domain in domains if domain not in self.state.user_domains]
        if unknown:
            raise KeyError(unknown)
        if name == PRIMARY_HOST:
            raise ValueError(f"{PRIMARY_HOST!r} is the listener start() opens; give this one another name")
        url = await self._start(name, host, port)
        # Assigned once listening: a port that cannot be opened leaves the domains where they were.
        self.host_table.assign(name, domains)
        return url

    async def _start(self, name: str, host: str, port: int) -> str:
        if name in self._listeners:
            raise RuntimeError(
                "the simulator is already running" if name == PRIMARY_HOST else f"{name!r} is already running"
            )
        listener = await listen(self.make_app(name), host, port)
        self._listeners[name] = listener
        return listener.url

    async def stop_host(self, name: str) -> None:
        """Stop one listener (no-op when it is not running); its user domains stay with it, so they go unanswered.

        Args:
            name: The listener (``"primary"`` for the one :meth:`start` opened).
        """
        listener = self._listeners.pop(name, None)
        if listener is not None:
            await listener.runner.cleanup()

    async def stop(self) -> None:
        """Stop serving on every listener (no-op when not started)."""
        for name in list(self._listeners):
            await self.stop_host(name)

    @property
    def running_now(self) -> bool:
        """Whether the simulator is serving (its primary listener)."""
        return PRIMARY_HOST in self._listeners

    @property
    def url(self) -> str:
        """The primary listener's base URL, e.g. ``http://127.0.0.1:8910``.

        Raises:
            RuntimeError: When not started.
        """
        return self.host_url(PRIMARY_HOST)

    def host_url(self, name: str) -> str:
        """The base URL of a listener.

        Args:
            name: The listener (``"primary"`` or a name given to :meth:`start_host`).

        Returns:
            The URL.

        Raises:
            RuntimeError: When that listener is not running.
        """
        listener = self._listeners.get(name)
        if listener is None:
            if name == PRIMARY_HOST:
                raise RuntimeError("the simulator is not running; await start() first")
            raise RuntimeError(f"no listener named {name!r} is running; await start_host() first")
        return listener.url

    @property
    def urls(self) -> dict[str, str]:
        """The running listeners' base URLs by name."""
        return {name: listener.url for name, listener in self._listeners.items()}

    def serves(self, host: str, user_domain: str) -> bool:
        """Whether a listener serves a user domain (its logins and its users' tokens are answered there).

        Args:
            host: The listener's name.
            user_domain: The user domain.

        Returns:
            ``True`` when it does.
        """
        return self.host_table.serves(host, user_domain)

    def hosts_of(self, user_domain: str) -> list[str]:
        """Name the listeners that serve a user domain (running or not).

        Args:
            user_domain: The user domain.

        Returns:
            ``["primary"]``, or the extra listeners it was given to.
        """
        return self.host_table.hosts_of(user_domain)

    @property
    def port(self) -> int:
        """The TCP port served on."""
        return int(self.url.rsplit(":", 1)[1])

    @asynccontextmanager
    async def running(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Self]:
        """Serve for the duration of an ``async with`` block.

        Args:
            host: Address to listen on.
            port: TCP port; 0 picks a free one.

        Yields:
            The started simulator.
        """
        await self.start(host, port)
        try:
            yield self
        finally:
            await self.stop()

    async def __aenter__(self) -> Self:
        """Start on 127.0.0.1 and a free port.

        Returns:
            The simulator.
        """
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Stop."""
        await self.stop()

    # ----- request log -----

    def requests_to(self, path_suffix: str, host: str | None = None) -> list[RecordedRequest]:
        """List the recorded requests whose path ends with ``path_suffix``.

        Args:
            path_suffix: E.g. ``"emailPwdLogin"``.
            host: Only those a listener received (``"primary"`` or a :meth:`start_host` name); ``None`` for all.

        Returns:
            The matching requests, in order.
        """
        return [r for r in self.requests if r.path.endswith(path_suffix) and (host is None or r.host == host)]

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()

    # ----- time and tokens -----

    def now(self) -> float:
        """Return the simulator's time (epoch seconds).

        Returns:
            ``time.time()`` plus the clock offset.
        """
        return self.clock.now()

    def advance_clock(self, seconds: float) -> None:
        """Move the simulator's clock forward: tokens, binding codes and lockouts expire by it.

        Args:
            seconds: How far.
        """
        self.clock.advance(seconds)

    def revoke_tokens(self, uid: str | None = None) -> int:
        """Invalidate tokens server-side; later calls with them get 5032.

        Args:
            uid: Only this user's tokens; all when ``None``.

        Returns:
            How many tokens were revoked.
        """
        return self.tokens.revoke(uid)

    def issue_tokens(self, uid: str) -> dict[str, Any]:
        """Issue a token pair without a login call (for tests and benchmarks).

        Args:
            uid: The user.

        Returns:
            The ``data`` a login would answer.

        Raises:
            KeyError: For an unknown uid.
        """
        if uid not in self.state.users:
            raise KeyError(uid)
        return self.tokens.issue_pair(uid)

    # ----- devices -----

    def report_binding_code(self, pk: str, dk: str, code: str | None = None, ttl: float = 600) -> str:
        """Simulate a device reporting a binding code to the cloud.

        Args:
            pk: Product key.
            dk: Device key.
            code: The code; 16 random upper-case hex characters when ``None``.
            ttl: Seconds it stays valid on the simulator's clock; 0 for never.

        Returns:
            The code.

        Raises:
            KeyError: When the device is not in the state.
        """
        device = self.state.devices[pk, dk]
        device.binding_code = code if code is not None else secrets.token_hex(8).upper()
        device.binding_code_expires_at = self.clock.now() + ttl if ttl > 0 else None
        return device.binding_code

    def set_online(self, pk: str, dk: str, online: bool = True) -> None:
        """Simulate a device connecting to or leaving the cloud (``onlineStatus`` in the device list).

        Args:
            pk: Product key.
            dk: Device key.
            online: The new state.

        Raises:
            KeyError: When the device is not in the state.
        """
        self.state.devices[pk, dk].online = online

    def unbind_elsewhere(self, uid: str, pk: str, dk: str) -> bool:
        """Simulate a user unbinding a device from another app: the binding goes, the shares it made end.

        Args:
            uid: The owner.
            pk: Product key.
            dk: Device key.

        Returns:
            Whether the user had bound the device.
        """
        return self.state.remove_binding(uid, pk, dk)

    def add_share(
        self,
        owner_uid: str,
        recipient_uid: str,
        pk: str,
        dk: str,
        *,
        accepted: bool = False,
        sharing_expire_at: int | None = None,
        cover_mark: int = 1,
    ) -> str:
        """Simulate the owner sharing a device from another app (as ``shareByUid`` with coverMark 2 would).

        Args:
            owner_uid: The owner (must have bound the device).
            recipient_uid: The invited user.
            pk: Product key.
            dk: Device key.
            accepted: Whether the recipient has accepted it already.
            sharing_expire_at: End of the recipient's access in epoch ms, ``None`` for no end.
            cover_mark: The share's coverMark.

        Returns:
            The new share code.

        Raises:
            KeyError: When the owner has not bound the device or the recipient is unknown.
        """
        binding = self.state.binding_of(owner_uid, pk, dk)
        if binding is None or recipient_uid not in self.state.users:
            raise KeyError((owner_uid, recipient_uid, pk, dk))
        share = self.state.add_share(
            binding,
            recipient_uid,
            cover_mark=cover_mark,
            sharing_expire_at=sharing_expire_at,
            accepted=accepted,
            now=self.clock.now(),
        )
        return share.share_code
