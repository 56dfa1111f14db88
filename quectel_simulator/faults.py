"""Fault injection: make the next matching requests slow, broken or refused.

Faults are checked by an aiohttp middleware before any normal handling (authentication included). The first
registered fault that matches a request is applied to it; one with a ``count`` is used up after that many requests
and then removed. Kinds:

* ``latency``: wait ``delay`` seconds, then handle the request normally.
* ``http_status``: answer HTTP ``status`` (default 500) with a short ``text/plain`` body.
* ``html``: answer an HTML error page (``text/html``), HTTP ``status`` (default 502), as a proxy would.
* ``malformed_json``: HTTP 200 with the truncated body ``{"code": 200, "data": ``.
* ``empty_body``: HTTP 200 with an empty body.
* ``drop``: close the TCP connection without any response (the client sees a disconnect).
* ``lost_response``: handle the request normally (the cloud acts on it), then close the connection instead of
  answering: a response lost on the wire, the case that makes a bind ambiguous.
* ``code``: HTTP 200 and the envelope with business ``code`` (its published message unless ``msg`` is given).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Final, Literal, get_args

from aiohttp import web

from .codes import JSON_CONTENT_TYPE, dump_json, envelope
from .control_paths import is_control_path
from .hosts import PRIMARY_HOST
from .recording import RECORD_KEY

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from aiohttp.typedefs import Handler, Middleware

type FaultKind = Literal[
    "latency", "http_status", "html", "malformed_json", "empty_body", "drop", "lost_response", "code"
]
"""The fault kinds."""

FAULT_KINDS: Final[tuple[str, ...]] = get_args(FaultKind.__value__)
"""Every valid ``Fault.kind``."""

MALFORMED_BODY: Final = '{"code": 200, "data": '
"""The body of a ``malformed_json`` fault."""

HTML_PAGE: Final = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
"""The page of an ``html`` fault (what a reverse proxy in front of the cloud sends)."""


@dataclass
class Fault:
    """A fault to apply to matching requests.

    Attributes:
        kind: What to do (see the module docstring).
        path: Substring the request path must contain; ``None`` matches every path.
        count: How many matching requests it applies to; ``None`` until cleared.
        delay: Seconds to wait (``latency``).
        status: HTTP status (``http_status``: default 500; ``html``: default 502).
        code: Business code (``code``; required there).
        msg: Message for ``code``; the published one when ``None``.
        method: Only requests with this HTTP method; ``None`` for any.
        host: Only requests to this listener (``"primary"`` or a name given to ``start_host``); ``None`` for any.
    """

    kind: FaultKind
    path: str | None = None
    count: int | None = 1
    delay: float = 0.0
    status: int | None = None
    code: int | None = None
    msg: str | None = None
    method: str | None = None
    host: str | None = None

    def __post_init__(self) -> None:
        """Check the combination of fields.

        Raises:
            ValueError: An unknown kind, a ``code`` fault without a code, a count below 1 or a negative delay.
        """
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.kind == "code" and self.code is None:
            raise ValueError("a 'code' fault needs code=<business code>")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1 (or None for no limit)")
        if self.delay < 0:
            raise ValueError("delay must not be negative")

    def matches(self, method: str, path: str, host: str = PRIMARY_HOST) -> bool:
        """Whether the fault applies to a request.

        Args:
            method: The request's HTTP method.
            path: The request's path.
            host: The listener that received it.

        Returns:
            ``True`` when it applies.
        """
        return (
            (self.path is None or self.path in path)
            and (self.method is None or self.method.upper() == method.upper())
            and (self.host is None or self.host == host)
        )


class FaultSet:
    """The simulator's registered faults, in the order they were added."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Register a fault.

        Args:
            fault: The fault.

        Returns:
            The same fault (handy for ``remove``).
        """
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        """Unregister a fault if it is still there.

        Args:
            fault: The fault.
        """
        self._faults = [f for f in self._faults if f is not fault]

    def clear(self) -> None:
        """Unregister every fault."""
        self._faults.clear()

    def __len__(self) -> int:
        """Return how many faults are registered."""
        return len(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        """Iterate over the registered faults."""
        return iter(list(self._faults))

    def take(self, method: str, path: str, host: str = PRIMARY_HOST) -> Fault | None:
        """Find the first fault for a request and use one of its counts.

        Args:
            method: The request's HTTP method.
            path: The request's path.
            host: The listener that received it.

        Returns:
            The fault to apply, or ``None``.
        """
        for fault in self._faults:
            if fault.matches(method, path, host):
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self.remove(fault)
                return fault
        return None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _http_status(fault: Fault) -> web.Response:
    status = fault.status or HTTPStatus.INTERNAL_SERVER_ERROR
    return web.Response(status=status, text=f"{status} {_reason(status)}")


def _html(fault: Fault) -> web.Response:
    status = fault.status or HTTPStatus.BAD_GATEWAY
    page = HTML_PAGE.format(status=status, reason=_reason(status))
    return web.Response(status=status, text=page, content_type="text/html")


def _malformed_json(_fault: Fault) -> web.Response:
    return web.Response(body=MALFORMED_BODY.encode(), headers={"Content-Type": JSON_CONTENT_TYPE})


def _empty_body(_fault: Fault) -> web.Response:
    return web.Response(body=b"", headers={"Content-Type": JSON_CONTENT_TYPE})


def _code(fault: Fault) -> web.Response:
    body = dump_json(envelope(fault.code if fault.code is not None else 5000, msg=fault.msg))
    return web.Response(body=body.encode(), headers={"Content-Type": JSON_CONTENT_TYPE})


_CANNED: Final[dict[str, Callable[[Fault], web.Response]]] = {
    "http_status": _http_status,
    "html": _html,
    "malformed_json": _malformed_json,
    "empty_body": _empty_body,
    "code": _code,
}
"""Builders of the faults that answer with a fixed response."""


async def apply_fault(fault: Fault, request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a request according to a fault.

    Args:
        fault: The fault.
        request: The request.
        handler: The normal handler (used after a ``latency`` delay).

    The request must have passed the recording middleware (its :class:`RecordedRequest` notes the fault).

    Returns:
        The response (for ``drop``, a response that can no longer be written).
    """
    recorded = request[RECORD_KEY]
    recorded.fault = fault.kind
    if fault.kind == "code":
        recorded.response_code = fault.code
    if fault.kind == "latency":
        await asyncio.sleep(fault.delay)
        return await handler(request)
    if fault.kind == "lost_response":
        await handler(request)
    if fault.kind in {"drop", "lost_response"}:
        # Abort the socket (no bytes written). aiohttp then fails to write the response below, notices the lost
        # connection and stops quietly.
        transport = request.transport
        if transport is not None:  # pragma: no branch - None only once the client has gone already
            transport.abort()
        request.protocol.force_close()
        return web.Response(status=HTTPStatus.NO_CONTENT)
    return _CANNED[fault.kind](fault)


def fault_middleware(faults: FaultSet, host: str = PRIMARY_HOST) -> Middleware:
    """Make the middleware that applies registered faults before normal handling.

    Args:
        faults: The simulator's fault set.
        host: The listener's name (for faults limited to one listener).

    Returns:
        The middleware.
    """

    @web.middleware
    async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_control_path(request.path):
            return await handler(request)
        fault = faults.take(request.method, request.path, host)
        if fault is None:
            return await handler(request)
        return await apply_fault(fault, request, handler)

    return inject
