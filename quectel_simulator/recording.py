"""The request log: every request the simulator receives, in arrival order, faulted ones too."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .control_paths import is_control_path
from .hosts import PRIMARY_HOST

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler, Middleware

_LOGGER = logging.getLogger(__package__)


@dataclass
class RecordedRequest:
    """One request as the simulator saw it.

    Attributes:
        method: HTTP method.
        path: URL path, without the query string.
        query: Query parameters (the first value of each name).
        json: The body parsed as JSON, or ``None`` (empty or not JSON).
        body: The raw body.
        headers: Request headers (names as sent).
        fault: The kind of fault applied to this request, or ``None``.
        response_code: The envelope ``code`` answered, or ``None`` (no envelope: a non-JSON fault, a drop, a 404).
        http_status: The HTTP status answered, or ``None`` (dropped, or still in progress).
        received_at: The simulator's clock when the request arrived (epoch seconds).
        host: The name of the listener that received it (:data:`PRIMARY_HOST` unless ``start_host`` named it).
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any | None
    body: bytes
    headers: dict[str, str]
    fault: str | None = None
    response_code: int | None = None
    http_status: int | None = None
    received_at: float = 0.0
    host: str = PRIMARY_HOST


RECORD_KEY = web.RequestKey("quectel_simulator_record", RecordedRequest)
"""Where the middleware leaves the request's :class:`RecordedRequest` for the handlers."""


def _parse_json(body: bytes) -> Any | None:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def first_values(pairs: Any) -> dict[str, str]:
    """Reduce a multi-dict (or pairs) to the first value of each key.

    Args:
        pairs: A ``MultiDict``-like mapping with ``items()``, or an iterable of pairs.

    Returns:
        A plain dict.
    """
    result: dict[str, str] = {}
    items = pairs.items() if hasattr(pairs, "items") else pairs
    for key, value in items:
        result.setdefault(str(key), str(value))
    return result


def recording_middleware(log: list[RecordedRequest], now: Any, host: str = PRIMARY_HOST) -> Middleware:
    """Make the outermost middleware: records the request, then lets faults and handlers run.

    Args:
        log: The list to append to (``CloudSimulator.requests``).
        now: A callable returning the simulator's time.
        host: The listener's name, noted on each request.

    Returns:
        The middleware.
    """

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_control_path(request.path):  # the simulator's own routes, not a request to the cloud
            return await handler(request)
        body = await request.read()
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            query=first_values(request.query),
            json=_parse_json(body),
            body=body,
            headers={str(key): value for key, value in request.headers.items()},
            received_at=now(),
            host=host,
        )
        log.append(recorded)
        request[RECORD_KEY] = recorded
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            recorded.http_status = exc.status
            _LOGGER.info("%s %s -> HTTP %s", request.method, request.path, exc.status)
            raise
        if recorded.fault != "drop":
            recorded.http_status = response.status
        # Paths and codes only: query strings and bodies carry passwords, signatures and tokens.
        _LOGGER.info(
            "%s %s -> HTTP %s, code %s%s",
            request.method,
            request.path,
            recorded.http_status,
            recorded.response_code,
            f" (fault {recorded.fault})" if recorded.fault else "",
        )
        return response

    return record
