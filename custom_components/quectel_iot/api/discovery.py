"""Find the host that knows a user domain, by logging in on each candidate in turn.

A user domain and its secret live in one data center (cloud_api.md 1), and each data center answers under more than
one host name; users cannot be expected to know which. ``discover_host`` tries the candidates in an order guided by
the user domain's first letter and stops at the first host that logs the account in.

It moves on only when the host does not know the user domain (the name is unknown there, or known under another
secret) or could not be reached. Everything else is final, first of all a wrong password or a lockout: trying them on
another host would only burn the account's remaining attempts. So is an account the host does not know (5031/5004):
that host knows the user domain, and the account belongs to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .client import QuecCloudClient
from .const import (
    DATA_CENTERS,
    DEFAULT_REQUEST_TIMEOUT,
    READ_RETRY_BACKOFF,
    REGION_ALTERNATE_URLS,
    REGION_BASE_URLS,
    USER_DOMAIN_PREFIX_HINTS,
    Region,
)
from .exceptions import QuecApiError, QuecConnectionError, QuecError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import aiohttp

    from .client import TokensCallback
    from .models_auth import Credentials, TokenPair

_LOGGER = logging.getLogger(__name__)

# The refusals that mean "this user domain is not here", the more telling first: when every host refuses, the most
# telling refusal is raised.
_NOT_HERE_RANK: Final[dict[int, int]] = {
    # Signature refused: the host has a user domain of that name, under another secret, so not this user domain (the
    # same name may exist on another data center; ha-pecron-local moves on on 5420 too). Also what a mistyped secret
    # gives, and the verdict then says so. A password whose signature is refused is never checked, so no attempt counts.
    5420: 0,
    5421: 0,
    # The user domain does not exist here.
    5015: 1,
}
NOT_HERE_CODES: Final[frozenset[int]] = frozenset(_NOT_HERE_RANK)
"""Login refusals after which the next candidate host is tried."""


@dataclass(frozen=True, slots=True)
class HostCandidate:
    """One base URL to try, and the data center it belongs to (``CUSTOM`` for a user-given URL)."""

    base_url: str
    data_center: Region


@dataclass(frozen=True, slots=True)
class HostDiscovery:
    """The host that logged the account in.

    ``client`` holds the new tokens and is bound to ``base_url``; store ``base_url`` (and ``data_center``) and pass
    it as ``QuecCloudClient(base_url=...)`` after a restart, so the stored tokens are used with no login.
    """

    client: QuecCloudClient
    base_url: str
    data_center: Region
    tokens: TokenPair
    uid: str


def known_hosts() -> dict[Region, tuple[str, ...]]:
    """Every known host per data center, the documented one first (read at call time, so tests can patch it)."""
    return {
        region: (REGION_BASE_URLS[region], *REGION_ALTERNATE_URLS.get(region, ()))
        for region in DATA_CENTERS
        if region in REGION_BASE_URLS
    }


def data_center_order(user_domain: str) -> tuple[Region, ...]:
    """The data centers in the order ``auto`` tries them: the user domain's hint first, then the default order."""
    hint = USER_DOMAIN_PREFIX_HINTS.get(user_domain.strip()[:1].upper())
    if hint is None:
        return DATA_CENTERS
    return (hint, *(region for region in DATA_CENTERS if region is not hint))


def candidate_hosts(
    region: Region,
    user_domain: str,
    *,
    base_url: str | None = None,
    hosts: Mapping[Region, Sequence[str]] | None = None,
) -> tuple[HostCandidate, ...]:
    """The hosts to try, in order, for a region choice.

    ``AUTO``: every data center in ``hosts``, ordered by :func:`data_center_order`. A data center: its own hosts.
    ``CUSTOM``: ``base_url`` alone. ``hosts`` defaults to :func:`known_hosts`; a URL listed twice is tried once.
    """
    if region is Region.CUSTOM:
        if not base_url:
            raise ValueError("A custom region needs a base URL")
        return (HostCandidate(base_url.rstrip("/"), Region.CUSTOM),)
    table = known_hosts() if hosts is None else hosts
    regions = data_center_order(user_domain) if region is Region.AUTO else (region,)
    candidates: list[HostCandidate] = []
    seen: set[str] = set()
    for data_center in regions:
        for url in table.get(data_center, ()):
            normalized = url.rstrip("/")
            if normalized not in seen:
                seen.add(normalized)
                candidates.append(HostCandidate(normalized, data_center))
    if not candidates:
        raise ValueError(f"No known host for region {region.value}")
    return tuple(candidates)


async def discover_host(
    session: aiohttp.ClientSession,
    *,
    user_domain: str,
    user_domain_secret: str,
    credentials: Credentials,
    region: Region = Region.AUTO,
    base_url: str | None = None,
    hosts: Mapping[Region, Sequence[str]] | None = None,
    on_tokens_updated: TokensCallback | None = None,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    retry_backoff: float = READ_RETRY_BACKOFF,
) -> HostDiscovery:
    """Log in on each candidate host (see :func:`candidate_hosts`) until one knows the account.

    Returns the logged-in client, the base URL and data center that answered, the tokens and the uid (read from the
    access token; ``userInfo`` only when the token does not carry it). ``on_tokens_updated`` hears only the winning
    host's tokens.

    Raises:
        QuecUserDomainError: Every host refused the user domain (5015; 5420 when a host knows the name under another
            secret).
        QuecAuthenticationError: The first host that knows the user domain refused the password or does not know
            the account (final: no other host is tried).
        QuecRateLimitError: The account or the IP is locked (final: no other host is tried).
        QuecConnectionError: A data center could not be reached on any of its hosts, and no host logged in; the
            first such failure is raised (its subclass and HTTP status intact).
        QuecApiError: Any other refusal, as the host gave it (final).
        ValueError: ``CUSTOM`` without ``base_url``, or no host known for the region.
    """
    candidates = candidate_hosts(region, user_domain, base_url=base_url, hosts=hosts)
    refusals: list[QuecApiError] = []
    unreachable: list[tuple[Region, QuecConnectionError]] = []
    answered: set[Region] = set()
    for candidate in candidates:
        client = QuecCloudClient(
            session,
            user_domain=user_domain,
            user_domain_secret=user_domain_secret,
            region=candidate.data_center,
            base_url=candidate.base_url,
            credentials=credentials,
            on_tokens_updated=on_tokens_updated,
            request_timeout=request_timeout,
            retry_backoff=retry_backoff,
        )
        try:
            tokens = await client.login()
        except QuecConnectionError as err:
            _LOGGER.debug("Login at %s: %s; trying the next host", candidate.base_url, err.key)
            unreachable.append((candidate.data_center, err))
            continue
        except QuecApiError as err:
            answered.add(candidate.data_center)
            if err.code not in NOT_HERE_CODES:
                _LOGGER.debug("Login at %s refused (code %s): final", candidate.base_url, err.code)
                raise
            _LOGGER.debug("Login at %s refused (code %s); trying the next host", candidate.base_url, err.code)
            refusals.append(err)
            continue
        _LOGGER.debug("Logged in at %s (%s)", candidate.base_url, candidate.data_center.value)
        uid = await client.resolve_uid()
        return HostDiscovery(client, candidate.base_url, candidate.data_center, tokens, uid)
    raise _verdict(refusals, unreachable, answered)


def _verdict(
    refusals: list[QuecApiError], unreachable: list[tuple[Region, QuecConnectionError]], answered: set[Region]
) -> QuecError:
    """What to raise when no host logged in."""
    # A data center none of whose hosts answered may hold the account: "unknown" would be a guess.
    # (With no refusal at all, every host was unreachable.)
    silent = [err for data_center, err in unreachable if data_center not in answered]
    if silent:
        return silent[0]
    return min(refusals, key=lambda err: _NOT_HERE_RANK[err.code or 0])
