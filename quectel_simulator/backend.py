"""What every group of routes shares: the simulator they work on, and the check of the caller's token."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Protocol

from .codes import ApiError

if TYPE_CHECKING:
    from aiohttp import web

    from .faults import FaultSet
    from .model import User
    from .recording import RecordedRequest
    from .state import Clock, SimulatorState
    from .tokens import TokenStore


class Backend(Protocol):
    """What the handlers need from the simulator."""

    @property
    def state(self) -> SimulatorState:
        """The in-memory model."""
        ...

    @property
    def clock(self) -> Clock:
        """The simulator's clock."""
        ...

    @property
    def tokens(self) -> TokenStore:
        """The token store."""
        ...

    @property
    def requests(self) -> list[RecordedRequest]:
        """The request log the recording middleware appends to."""
        ...

    @property
    def faults(self) -> FaultSet:
        """The faults the fault middleware applies."""
        ...


class Routes:
    """A group of handlers bound to one simulator's state, clock and tokens."""

    def __init__(self, backend: Backend) -> None:
        """Bind the handlers to a simulator.

        Args:
            backend: The simulator (its ``state``, ``clock`` and ``tokens``).
        """
        self.backend = backend

    @property
    def state(self) -> SimulatorState:
        """The simulator's current state."""
        return self.backend.state

    def authenticate(self, request: web.Request) -> User:
        """The caller of an authenticated endpoint.

        Args:
            request: The request.

        Returns:
            The user the access token belongs to.

        Raises:
            ApiError: 5106 without ``Authorization``; 5032 for anything but a valid access token issued here.
        """
        value = request.headers.get("Authorization")
        if not value:
            raise ApiError(5106)
        uid = self.backend.tokens.check_access(value)
        user = self.state.users.get(uid) if uid is not None else None
        if user is None:
            raise ApiError(5032)
        return user


def check_signature(given: str, expected: str) -> None:
    """Compare a request's signature with the one it should carry.

    Args:
        given: The ``signature`` sent.
        expected: The lowercase hex signature computed here.

    Raises:
        ApiError: 5420 unless ``given`` is exactly ``expected``.
    """
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(5420)
