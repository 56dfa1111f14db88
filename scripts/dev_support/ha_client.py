"""A real Home Assistant as a user's browser reaches it: onboarding, the login flow, the REST and websocket APIs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import aiohttp
import requests

from .processes import HTTP_TIMEOUT, E2EError, wait_for


@dataclass(frozen=True, slots=True)
class HaUser:
    """A local Home Assistant user (owner, administrator) created through HA's onboarding API."""

    name: str
    username: str
    password: str


DEV_USER = HaUser(name="Developer", username="dev", password="quectel-dev")  # noqa: S106 - local, in the README
"""The login of the development Home Assistant (documented in the README)."""


def client_id(base_url: str) -> str:
    """The OAuth client id HA's own frontend uses (its base URL)."""
    return f"{base_url}/"


def _check(response: requests.Response, what: str) -> Any:
    if response.status_code >= HTTPStatus.BAD_REQUEST:
        raise E2EError(f"{what}: HTTP {response.status_code}: {response.text[:500]}")
    return response.json() if response.content else None


def _token_from_code(base_url: str, code: str) -> str:
    response = requests.post(
        f"{base_url}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": client_id(base_url)},
        timeout=HTTP_TIMEOUT,
    )
    return str(_check(response, "POST /auth/token")["access_token"])


def onboard(base_url: str, user: HaUser) -> tuple[bool, str]:
    """Finish HA's onboarding with ``user`` as the owner, or log in when onboarding is done.

    Returns:
        Whether onboarding created the user now, and an access token of the user.
    """
    status = requests.get(f"{base_url}/api/onboarding", timeout=HTTP_TIMEOUT)
    if status.status_code == HTTPStatus.NOT_FOUND:  # onboarding finished: its views are gone
        return False, login(base_url, user)
    steps = {step["step"]: step["done"] for step in _check(status, "GET /api/onboarding")}
    if steps.get("user"):
        # An interrupted first start: the user exists, the rest is still open.
        token = login(base_url, user)
    else:
        created = requests.post(
            f"{base_url}/api/onboarding/users",
            json={
                "client_id": client_id(base_url),
                "name": user.name,
                "username": user.username,
                "password": user.password,
                "language": "en",
            },
            timeout=HTTP_TIMEOUT,
        )
        token = _token_from_code(base_url, _check(created, "POST /api/onboarding/users")["auth_code"])
    headers = {"Authorization": f"Bearer {token}"}
    if not steps.get("analytics"):
        _check(
            requests.post(f"{base_url}/api/onboarding/analytics", headers=headers, timeout=HTTP_TIMEOUT),
            "POST /api/onboarding/analytics",
        )
    if not steps.get("integration"):
        _check(
            requests.post(
                f"{base_url}/api/onboarding/integration",
                headers=headers,
                json={"client_id": client_id(base_url), "redirect_uri": f"{base_url}/?auth_callback=1"},
                timeout=HTTP_TIMEOUT,
            ),
            "POST /api/onboarding/integration",
        )
    return not steps.get("user"), token


def login(base_url: str, user: HaUser) -> str:
    """Log in through HA's login flow (what the login page does) and return an access token."""
    flow = requests.post(
        f"{base_url}/auth/login_flow",
        json={
            "client_id": client_id(base_url),
            "handler": ["homeassistant", None],
            "redirect_uri": f"{base_url}/?auth_callback=1",
        },
        timeout=HTTP_TIMEOUT,
    )
    flow_id = _check(flow, "POST /auth/login_flow")["flow_id"]
    result = _check(
        requests.post(
            f"{base_url}/auth/login_flow/{flow_id}",
            json={"client_id": client_id(base_url), "username": user.username, "password": user.password},
            timeout=HTTP_TIMEOUT,
        ),
        "POST /auth/login_flow/<flow_id>",
    )
    if result.get("type") != "create_entry":
        raise E2EError(f"cannot log in to Home Assistant as {user.username!r}: {result.get('errors')}")
    return _token_from_code(base_url, result["result"])


@dataclass
class HaApi:
    """HA's REST and websocket APIs with a user's access token."""

    base_url: str
    token: str

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str) -> Any:
        """GET a REST path and return its JSON (E2EError on an HTTP error)."""
        return _check(requests.get(self.base_url + path, headers=self._headers, timeout=HTTP_TIMEOUT), f"GET {path}")

    def post(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        """POST JSON to a REST path and return its JSON (E2EError on an HTTP error)."""
        response = requests.post(self.base_url + path, headers=self._headers, json=payload or {}, timeout=HTTP_TIMEOUT)
        return _check(response, f"POST {path}")

    def wait_running(self, timeout: float = 120) -> None:
        """Wait until HA reports that it has finished starting (state RUNNING)."""
        wait_for(
            "Home Assistant to finish starting", lambda: self.get("/api/config").get("state") == "RUNNING", timeout
        )

    def ws(self, message: dict[str, Any], timeout: float = HTTP_TIMEOUT) -> Any:
        """Send one websocket command and return its result (E2EError when it fails)."""
        return asyncio.run(asyncio.wait_for(self._ws(message), timeout))

    async def _ws(self, message: dict[str, Any]) -> Any:
        url = self.base_url.replace("http://", "ws://", 1) + "/api/websocket"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            hello = await ws.receive_json()
            if hello.get("type") != "auth_required":
                raise E2EError(f"websocket: unexpected greeting {hello}")
            await ws.send_json({"type": "auth", "access_token": self.token})
            auth = await ws.receive_json()
            if auth.get("type") != "auth_ok":
                raise E2EError(f"websocket: authentication failed: {auth}")
            await ws.send_json({"id": 1, **message})
            while True:
                reply = await ws.receive_json()
                if reply.get("id") == 1 and reply.get("type") == "result":
                    break
        if not reply.get("success"):
            raise E2EError(f"websocket {message.get('type')}: {reply.get('error')}")
        return reply.get("result")
