"""The user id after a login: read from the access token (a JWT), ``userInfo`` only as a fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.quectel_iot.api import TokenPair
from tests.api.helpers import issued, make_client
from tests.common import DEMO_UID, FRIEND_UID

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator


def paths(sim: CloudSimulator) -> list[str]:
    return [request.path.rsplit("/", 1)[1] for request in sim.requests]


async def test_uid_from_the_token_after_a_login(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    client = make_client(session, simulator)
    assert await client.resolve_uid() == DEMO_UID  # logs in first: there are no tokens
    assert await client.resolve_uid() == DEMO_UID
    assert paths(simulator) == ["emailPwdLogin"]


async def test_uid_from_stored_tokens_makes_no_request(
    session: aiohttp.ClientSession, simulator: CloudSimulator
) -> None:
    client = make_client(session, simulator, tokens=issued(simulator, FRIEND_UID))
    assert client.uid == FRIEND_UID
    assert await client.resolve_uid() == FRIEND_UID
    assert simulator.requests == []


async def test_user_info_only_when_the_token_has_no_uid(
    session: aiohttp.ClientSession, simulator: CloudSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TokenPair, "uid", property(lambda _self: ""))
    client = make_client(session, simulator, tokens=issued(simulator))
    assert await client.resolve_uid() == DEMO_UID
    assert paths(simulator) == ["userInfo"]
    # The existing call keeps working as before.
    assert (await client.get_user_info()).uid == DEMO_UID
