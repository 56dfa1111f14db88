"""Reading what the client put on the wire, from the simulator's request log."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from quectel_simulator.recording import RecordedRequest

FORM = "application/x-www-form-urlencoded"


def form_of(request: RecordedRequest) -> dict[str, str]:
    """The form-urlencoded body of a request (every name once); fails when the body is not a form."""
    assert request.headers.get("Content-Type") == FORM, request.headers.get("Content-Type")
    pairs = parse_qsl(request.body.decode(), keep_blank_values=True, strict_parsing=True)
    assert len({name for name, _ in pairs}) == len(pairs), "a parameter was sent twice"
    return dict(pairs)


def content_type(request: RecordedRequest) -> str | None:
    """The request's Content-Type header, ``None`` when it sent none."""
    return next((value for name, value in request.headers.items() if name.lower() == "content-type"), None)
