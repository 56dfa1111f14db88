"""Turning config entry data into an account: credentials, title, unique id and a client."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_PASSWORD
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import Credentials, EmailCredentials, PhoneCredentials, QuecCloudClient, Region, TokenPair
from .const import (
    CONF_ACCOUNT,
    CONF_BASE_URL,
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

    from .api.client import TokensCallback

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


def build_client(
    hass: HomeAssistant, data: Mapping[str, Any], *, on_tokens_updated: TokensCallback | None = None
) -> QuecCloudClient:
    """A client on Home Assistant's shared session (TLS verification on), from entry or flow data."""
    stored_tokens = data.get(CONF_TOKENS)
    region = Region(data[CONF_REGION])
    return QuecCloudClient(
        async_get_clientsession(hass),
        user_domain=str(data[CONF_USER_DOMAIN]),
        user_domain_secret=str(data[CONF_USER_DOMAIN_SECRET]),
        region=region,
        base_url=data.get(CONF_BASE_URL) if region is Region.CUSTOM else None,
        credentials=credentials_from_data(data),
        tokens=TokenPair.from_dict(stored_tokens) if stored_tokens else None,
        on_tokens_updated=on_tokens_updated,
    )
