"""Turning config entry data into an account: credentials, title, unique id, the sign-in and a client.

An entry stores the region the user chose (``auto``, a data center, or ``custom``) and, since region ``auto``, the
host that signed the account in (``base_url``) with its data center. Entries made before keep only their region:
they talk to that region's documented host, as they always did.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import CONF_PASSWORD
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import (
    REGION_BASE_URLS,
    Credentials,
    EmailCredentials,
    PhoneCredentials,
    QuecCloudClient,
    Region,
    TokenPair,
    discover_host,
)
from .const import (
    CONF_ACCOUNT,
    CONF_BASE_URL,
    CONF_DATA_CENTER,
    CONF_INTERNATIONAL_CODE,
    CONF_REGION,
    CONF_TOKENS,
    CONF_USER_DOMAIN,
    CONF_USER_DOMAIN_SECRET,
    DEFAULT_INTERNATIONAL_CODE,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .api import HostDiscovery, TokensCallback

# Seconds a sign-in waits for each host. A login is one small POST that the cloud answers within a second or two even
# across continents (a TLS handshake from Europe to Shanghai is about four round trips of ~250 ms), so 10 s is ample
# for a slow link; and it bounds "auto" over hosts that swallow packets (a firewall) at about a minute for its six
# hosts, where the client's usual 20 s would keep the form waiting two. Unreachable hosts (no DNS name, connection
# refused) fail at once, so this matters only for silent ones.
SIGN_IN_REQUEST_TIMEOUT: Final = 10.0

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{3,19}$")
_INTERNATIONAL_CODE = re.compile(r"^\+?[0-9]{1,4}$")


def is_email(account: str) -> bool:
    """Whether the account is an email address (otherwise it is a phone number)."""
    return "@" in account


def normalize_international_code(code: str | None) -> str:
    """``"+86"`` -> ``"86"``; raises ``ValueError`` for anything that is not 1-4 digits."""
    code = (code or DEFAULT_INTERNATIONAL_CODE).strip()
    if not _INTERNATIONAL_CODE.match(code):
        raise ValueError("invalid international code")
    return code.lstrip("+")


def normalize_account(account: str, international_code: str | None) -> tuple[str, str]:
    """Validate the account; return it cleaned, with the international code to use ("" for an email).

    A phone number written with its country prefix (``+86 138...``) loses that prefix, so the cloud receives the
    national number and the code separately.
    """
    account = account.strip()
    if is_email(account):
        if not _EMAIL.match(account):
            raise ValueError("invalid email address")
        return account, ""
    if not _PHONE.match(account):
        raise ValueError("invalid phone number")
    code = normalize_international_code(international_code)
    digits = re.sub(r"[ \-]", "", account)
    if digits.startswith("+"):
        digits = digits[1:]
        if digits.startswith(code) and len(digits) > len(code) + 3:
            digits = digits[len(code) :]
    return digits, code


def credentials_from_data(data: Mapping[str, Any]) -> Credentials:
    """The login credentials stored in an entry (or given to a flow)."""
    account = str(data[CONF_ACCOUNT])
    if is_email(account):
        return EmailCredentials(account, str(data[CONF_PASSWORD]))
    return PhoneCredentials(
        account, str(data[CONF_PASSWORD]), str(data.get(CONF_INTERNATIONAL_CODE) or DEFAULT_INTERNATIONAL_CODE)
    )


def account_title(data: Mapping[str, Any]) -> str:
    """The entry title: the email, or ``+<code> <phone>``."""
    account = str(data[CONF_ACCOUNT])
    if is_email(account):
        return account
    return f"+{data.get(CONF_INTERNATIONAL_CODE) or DEFAULT_INTERNATIONAL_CODE} {account}"


def account_unique_id(user_domain: str, uid: str) -> str:
    """A user id is unique only within its user domain."""
    return f"{user_domain}:{uid}".lower()


def data_center_of(data: Mapping[str, Any]) -> Region:
    """The data center an entry talks to: the one its host belongs to, else (older entries) its region."""
    return Region(data.get(CONF_DATA_CENTER) or data[CONF_REGION])


def entry_base_url(data: Mapping[str, Any]) -> str:
    """The host an entry talks to: the one that signed it in, else (older entries) its region's documented host."""
    return str(data.get(CONF_BASE_URL) or REGION_BASE_URLS[data_center_of(data)])


async def async_sign_in(hass: HomeAssistant, data: Mapping[str, Any], *, discover: bool) -> HostDiscovery:
    """Log in with the credentials in ``data``, always anew (the stored tokens are not used).

    With ``discover``, the region's hosts are tried in turn (every known host for ``auto``; a data center's
    documented host, then its alternates); otherwise only the entry's own host (reauth, and a reconfigure that keeps
    the region). ``custom`` is always its base URL alone. See ``api.discovery.discover_host`` for when it moves on.
    """
    session = async_get_clientsession(hass)
    region = Region(data[CONF_REGION])
    base_url: str | None = None
    if region is Region.CUSTOM:
        base_url = str(data[CONF_BASE_URL])
    elif not discover:
        # One URL to try: the entry's own host (the data center it belongs to is already stored).
        region, base_url = Region.CUSTOM, entry_base_url(data)
    return await discover_host(
        session,
        user_domain=str(data[CONF_USER_DOMAIN]),
        user_domain_secret=str(data[CONF_USER_DOMAIN_SECRET]),
        credentials=credentials_from_data(data),
        region=region,
        base_url=base_url,
        request_timeout=SIGN_IN_REQUEST_TIMEOUT,
    )


def build_client(
    hass: HomeAssistant, data: Mapping[str, Any], *, on_tokens_updated: TokensCallback | None = None
) -> QuecCloudClient:
    """A client on Home Assistant's shared session (TLS verification on), from entry data, at the entry's host."""
    stored_tokens = data.get(CONF_TOKENS)
    return QuecCloudClient(
        async_get_clientsession(hass),
        user_domain=str(data[CONF_USER_DOMAIN]),
        user_domain_secret=str(data[CONF_USER_DOMAIN_SECRET]),
        region=data_center_of(data),
        base_url=entry_base_url(data),
        credentials=credentials_from_data(data),
        tokens=TokenPair.from_dict(stored_tokens) if stored_tokens else None,
        on_tokens_updated=on_tokens_updated,
    )
