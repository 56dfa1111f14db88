"""What every group of routes shares: the simulator they work on, the listener they answer on, and the token check.

A simulator may listen under several host names (``CloudSimulator.start_host``), each serving its own user domains
over one shared state: a listener knows only the users of the domains it serves. A token of a user whose domain this
listener does not serve answers 5032, as a token from another data center would (its signature is not this one's).
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any, Protocol

from .codes import ApiError
from .hosts import PRIMARY_HOST

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

    def serves(self, host: str, user_domain: str) -> bool:
        """Whether a listener serves a user domain (knows it and its users)."""
        ...

    def report_binding_code(self, pk: str, dk: str, code: str | None = None, ttl: float = 600) -> str:
        """A device reports a binding code (the control routes)."""
        ...

    def set_online(self, pk: str, dk: str, online: bool = True) -> None:
        """A device connects to or leaves the cloud (the control routes)."""
        ...

    @property
    def access_token_lifetime(self) -> int:
        """Seconds an access token is valid (the control routes)."""
        ...

    def issue_tokens(self, uid: str) -> dict[str, Any]:
        """A token pair without a login request (the control routes)."""
        ...

    def advance_clock(self, seconds: float) -> None:
        """Move the clock forward (the control routes)."""
        ...

    def requests_to(self, path_suffix: str, host: str | None = None) -> list[RecordedRequest]:
        """The recorded requests whose path ends with ``path_suffix`` (the control routes)."""
        ...

    def clear_requests(self) -> None:
        """Forget the recorded requests (the control routes)."""
        ...


class Routes:
    """A group of handlers bound to one simulator's state, clock and tokens, answering on one listener."""

    def __init__(self, backend: Backend, host: str = PRIMARY_HOST) -> None:
        """Bind the handlers to a simulator.

        Args:
            backend: The simulator (its ``state``, ``clock`` and ``tokens``).
            host: The listener these handlers answer on.
        """
        self.backend = backend
        self.host = host

    @property
    def state(self) -> SimulatorState:
        """The simulator's current state."""
        return self.backend.state

    def known_user(self, uid: str | None) -> User | None:
        """A user of a domain this listener serves.

        Args:
            uid: The uid (from a token), or ``None``.

        Returns:
            The user, or ``None`` when unknown here.
        """
        user = self.state.users.get(uid) if uid is not None else None
        if user is None or not self.backend.serves(self.host, user.user_domain):
            return None
        return user

    def authenticate(self, request: web.Request) -> User:
        """The caller of an authenticated endpoint.

        Args:
            request: The request.

        Returns:
            The user the access token belongs to.

        Raises:
            ApiError: 5106 without ``Authorization``; 5032 for anything but a valid access token issued here to a user
                of a domain this listener serves.
        """
        value = request.headers.get("Authorization")
        if not value:
            raise ApiError(5106)
        user = self.known_user(self.backend.tokens.check_access(value))
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
