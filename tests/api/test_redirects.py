"""Redirects are never followed: a 307/308 to a login must not carry the login form to the host it names."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from custom_components.quectel_iot.api import (
    EmailCredentials,
    QuecCloudClient,
    QuecConnectionError,
    QuecResponseError,
    Region,
    Token,
    TokenPair,
)
from tests.common import DEMO_DOMAIN, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SECRET

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    import aiohttp


class Listener:
    """One loopback aiohttp listener that counts what it receives."""

    def __init__(self, handler: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None) -> None:
        self.received: list[tuple[str, str, bytes]] = []
        self._handler = handler
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _record(self, request: web.Request) -> web.StreamResponse:
        self.received.append((request.method, request.path_qs, await request.read()))
        if self._handler is not None:
            return await self._handler(request)
        return web.json_response({"code": 200, "msg": "", "data": None})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._record)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def target(socket_enabled: None) -> AsyncIterator[Listener]:
    """The host a redirect names: it must never hear from the client."""
    listener = Listener()
    await listener.start()
    yield listener
    await listener.stop()


async def redirecting(target: Listener, status: int) -> Listener:
    async def redirect(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": target.url + request.path_qs})

    listener = Listener(redirect)
    await listener.start()
    return listener


def client_of(session: aiohttp.ClientSession, base_url: str, tokens: TokenPair | None = None) -> QuecCloudClient:
    return QuecCloudClient(
        session,
        user_domain=DEMO_DOMAIN,
        user_domain_secret=DEMO_SECRET,
        region=Region.CUSTOM,
        base_url=base_url,
        credentials=EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
        tokens=tokens,
        retry_backoff=0,
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirected_login_reaches_nobody_else(
    session: aiohttp.ClientSession, target: Listener, status: int
) -> None:
    first = await redirecting(target, status)
    try:
        with pytest.raises(QuecConnectionError) as caught:
            await client_of(session, first.url).login()
    finally:
        await first.stop()
    assert len(first.received) == 1  # the login itself, once: a redirect is not a fault worth a retry
    assert first.received[0][0] == "POST"
    assert target.received == []
    err = caught.value
    assert isinstance(err, QuecResponseError)
    assert err.http_status == status
    message = str(err)
    assert f"HTTP {status}" in message
    assert "redirect" in message
    for leak in ("http", "127.0.0.1", target.url.rsplit(":", 1)[1], first.url.rsplit(":", 1)[1], "/v2/"):
        assert leak not in message


async def test_a_redirected_read_is_not_followed_or_retried(session: aiohttp.ClientSession, target: Listener) -> None:
    first = await redirecting(target, 307)
    far = time.time() + 3600
    client = client_of(session, first.url, tokens=TokenPair(Token("Bearer a", far), Token("Bearer r", far)))
    try:
        with pytest.raises(QuecResponseError, match=r"redirect \(HTTP 307\)"):
            await client.get_devices()
    finally:
        await first.stop()
    assert [method for method, _path, _body in first.received] == ["GET"]  # reads retry 5xx, never a redirect
    assert target.received == []
