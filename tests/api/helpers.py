"""Shared helpers of the API-layer tests: a client on the simulator, and tokens issued without a login."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from custom_components.quectel_iot.api import EmailCredentials, QuecCloudClient, Region, Token, TokenPair
from tests.common import DEMO_DOMAIN, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SECRET, DEMO_UID

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator


def make_client(
    session: aiohttp.ClientSession,
    sim: CloudSimulator,
    *,
    credentials: Any = None,
    tokens: TokenPair | None = None,
    secret: str = DEMO_SECRET,
    domain: str = DEMO_DOMAIN,
    saved: list[TokenPair] | None = None,
    **kwargs: Any,
) -> QuecCloudClient:
    """A client of the demo account on the simulator (no backoff between read retries)."""
    return QuecCloudClient(
        session,
        user_domain=domain,
        user_domain_secret=secret,
        region=Region.CUSTOM,
        base_url=sim.url + "/",
        credentials=credentials if credentials is not None else EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
        tokens=tokens,
        on_tokens_updated=saved.append if saved is not None else None,
        retry_backoff=0,
        **kwargs,
    )


def issued(sim: CloudSimulator, uid: str = DEMO_UID, *, access_expires_at: float | None = None) -> TokenPair:
    """A token pair issued by the simulator without a login request (as if stored by HA)."""
    pair = TokenPair.from_api(sim.issue_tokens(uid))
    if access_expires_at is not None:
        pair = TokenPair(Token(pair.access.value, access_expires_at), pair.refresh)
    return pair
