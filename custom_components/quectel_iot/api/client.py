"""Async client for the Quectel / Acceleronix end-user cloud (``/enduserapi/``), on an injected aiohttp session."""

from __future__ import annotations

import asyncio
import copy
import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .const import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    PATH_ACCEPT_SHARE,
    PATH_BIND_BY_DK,
    PATH_BIND_BY_PURE_BLE,
    PATH_BIND_BY_WIFI,
    PATH_DEVICE_SHARE_USERS,
    PATH_FAMILY_LIST,
    PATH_FAMILY_MODE_CONFIG,
    PATH_FAMILY_ROOM_LIST,
    PATH_OWNER_UNSHARE,
    PATH_RECIPIENT_UNSHARE,
    PATH_REFRESH_TOKEN,
    PATH_SHARE_BY_UID,
    PATH_UNBIND,
    PATH_USER_DEVICE_LIST,
    PATH_USER_INFO,
    READ_RETRIES,
    READ_RETRY_BACKOFF,
    REGION_BASE_URLS,
    TOKEN_REFRESH_MARGIN,
    Region,
)
from .exceptions import (
    QuecApiError,
    QuecAuthenticationError,
    QuecNotFoundError,
    QuecRateLimitError,
    QuecTokenError,
)
from .models_auth import Credentials, TokenPair, UserInfo
from .models_binding import (
    BindByDkRequest,
    BindResult,
    PureBleBindRequest,
    PureBleBindResult,
    UnbindRequest,
    UnbindResult,
    WifiBindRequest,
    WifiBindResult,
)
from .models_devices import Device, DeviceType, Page
from .models_homes import Family, FamilyModeConfig, Room
from .models_sharing import DeviceShare, LeaveShareResult, ShareRequest, ShareResult
from .transport import CloudTransport

if TYPE_CHECKING:
    import aiohttp

__all__ = ["QuecCloudClient", "TokensCallback"]

_LOGGER = logging.getLogger(__name__)
_MAX_PAGES = 200  # a guard against a cloud that always says "hasNextPage"


type TokensCallback = Callable[[TokenPair], None]


class QuecCloudClient(CloudTransport):
    """One account of one user domain on one data center.

    The session is injected and never closed here. Tokens are renewed on demand: shortly before the access token
    expires, and when the cloud answers 5032. Concurrent callers share one renewal (refresh, or a fresh login when the
    refresh is refused). ``on_tokens_updated`` is told about every new token pair so its owner can persist it.

    ``base_url``, when given, is used whatever the region (the host that :func:`~.discovery.discover_host` found,
    stored and reused after a restart). Without it the region's documented host is used; ``AUTO`` and ``CUSTOM``
    need one.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        user_domain: str,
        user_domain_secret: str,
        region: Region = Region.EUROPE,
        base_url: str | None = None,
        credentials: Credentials | None = None,
        tokens: TokenPair | None = None,
        on_tokens_updated: TokensCallback | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        read_retries: int = READ_RETRIES,
        retry_backoff: float = READ_RETRY_BACKOFF,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Set up the client; no request is made until the first call."""
        if base_url is None:
            if region is Region.CUSTOM:
                raise ValueError("A custom region needs a base URL")
            if region is Region.AUTO:
                raise ValueError("Region auto needs a base URL: the one discover_host found")
            base_url = REGION_BASE_URLS[region]
        super().__init__(session, base_url, request_timeout=request_timeout, retry_backoff=retry_backoff)
        self._region = region
        self._user_domain = user_domain
        self._user_domain_secret = user_domain_secret
        self._credentials = credentials
        self._tokens = tokens
        self._on_tokens_updated = on_tokens_updated
        self._read_retries = read_retries
        self._clock = clock
        self._token_lock = asyncio.Lock()
        self._refresh_margin = TOKEN_REFRESH_MARGIN
        # The last login the cloud refused during a renewal, and until when not to try again (see _renew_tokens).
        self._refused_login: QuecApiError | None = None
        self._refused_login_until = 0.0

    def __repr__(self) -> str:
        """Identify the account without any secret."""
        return f"QuecCloudClient(base_url={self._base_url!r}, user_domain={self._user_domain!r}, uid={self.uid!r})"

    @property
    def region(self) -> Region:
        """The region the client was made for (the data center of ``base_url``, or ``CUSTOM``)."""
        return self._region

    @property
    def user_domain(self) -> str:
        """The user domain the account lives in."""
        return self._user_domain

    @property
    def tokens(self) -> TokenPair | None:
        """The current token pair, if any."""
        return self._tokens

    @property
    def uid(self) -> str:
        """The logged-in user's id ("" before the first login)."""
        return self._tokens.uid if self._tokens else ""

    # --- authentication ---------------------------------------------------------------------------------------------

    async def login(self) -> TokenPair:
        """Log in with the stored credentials (always a new session, even with valid tokens)."""
        async with self._token_lock:
            self._refused_login = None
            tokens = await self._login_unlocked()
            self._store_tokens(tokens)
            return tokens

    async def _login_unlocked(self) -> TokenPair:
        credentials = self._credentials
        if credentials is None:
            raise QuecAuthenticationError("The session expired and no credentials are stored to log in again")
        path, form = credentials.login_path, credentials.to_api(self._user_domain, self._user_domain_secret)
        _LOGGER.debug("Logging in to user domain %s", self._user_domain)
        # Placement: the vendor's pages list these as query parameters (their curl sends an empty body), and the
        # backend (Spring's @RequestParam, cloud_api.md 2.2) reads either place. Every client proven against the live
        # cloud (ha-pecron-local, unofficial-pecron-api, landbook-ha, ha-oukitel-powerstation, Sunbooster-API) sends
        # a form body, so that is the shape with evidence; it also keeps the encrypted password and the signature out
        # of the URL, which proxies and server logs record. A login is never retried by itself: failures lock.
        return TokenPair.from_api(await self._send("POST", path, form=form, headers={}, retries=0))

    async def _refresh(self, refresh_token: str) -> TokenPair:
        # A form body, as Sunbooster-API and an ioBroker adapter send it against the live cloud (cloud_api.md 3.7).
        data = await self._send("PUT", PATH_REFRESH_TOKEN, form={"refreshToken": refresh_token}, headers={}, retries=0)
        return TokenPair.from_api(data)

    def _store_tokens(self, tokens: TokenPair) -> None:
        self._tokens = tokens
        self._refused_login = None
        # A cloud with short-lived tokens (a private deployment, the simulator) must not look expired on arrival.
        lifetime = tokens.access.expires_at - self._clock()
        self._refresh_margin = min(TOKEN_REFRESH_MARGIN, max(lifetime / 4, 0.0))
        if self._on_tokens_updated is not None:
            self._on_tokens_updated(tokens)

    async def _valid_tokens(self) -> TokenPair:
        tokens = self._tokens
        if tokens is None or tokens.access.expires_within(self._refresh_margin, self._clock()):
            return await self._renew_tokens(stale=tokens)
        return tokens

    async def _renew_tokens(self, *, stale: TokenPair | None) -> TokenPair:
        """Refresh, or log in again; callers that wait on the lock reuse the winner's tokens."""
        async with self._token_lock:
            current = self._tokens
            now = self._clock()
            if (
                current is not None
                and current is not stale
                and not current.access.expires_within(self._refresh_margin, now)
            ):
                return current
            if self._refused_login is not None and now < self._refused_login_until:
                # Every call would otherwise log in again with credentials the cloud refused, and a few such
                # attempts lock the account: wait for new credentials (an explicit login) or the end of the lockout.
                raise self._repeat_refusal(self._refused_login, now)
            renewed: TokenPair | None = None
            if current is not None and not current.refresh.expires_within(0, now):
                try:
                    renewed = await self._refresh(current.refresh.value)
                except QuecRateLimitError:
                    raise
                except QuecApiError as err:
                    _LOGGER.debug("Token refresh refused (code %s); logging in again", err.code)
            if renewed is None:
                try:
                    renewed = await self._login_unlocked()
                except QuecAuthenticationError as err:
                    self._refused_login, self._refused_login_until = err, math.inf
                    raise
                except QuecRateLimitError as err:
                    self._refused_login, self._refused_login_until = err, now + (err.retry_after or 0.0)
                    raise
            self._store_tokens(renewed)
            return renewed

    def _repeat_refusal(self, refusal: QuecApiError, now: float) -> QuecApiError:
        """A fresh copy of a refused login's error (a lockout counts down), raised without a request."""
        _LOGGER.debug("Not logging in again: the cloud refused the last login (code %s)", refusal.code)
        if isinstance(refusal, QuecRateLimitError):
            return QuecRateLimitError(
                str(refusal),
                code=refusal.code,
                cloud_message=refusal.cloud_message,
                retry_after=self._refused_login_until - now,
            )
        return copy.copy(refusal)

    # --- transport --------------------------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        retries: int = 0,
    ) -> Any:
        """An authenticated call: one retry after renewing the token when the cloud rejects it (5032/5106).

        A token rejection means the cloud did not act on the request, so retrying is safe even for a bind.
        """
        tokens = await self._valid_tokens()
        for attempt in range(2):
            try:
                return await self._send(
                    method,
                    path,
                    params=params,
                    json_body=json_body,
                    headers={"Authorization": tokens.access.value},
                    retries=retries,
                )
            except QuecTokenError:
                if attempt:
                    raise
                tokens = await self._renew_tokens(stale=tokens)
        raise AssertionError  # pragma: no cover - the loop always returns or raises

    # --- reads ------------------------------------------------------------------------------------------------------

    async def resolve_uid(self) -> str:
        """The logged-in user's id, without a ``userInfo`` request when the access token carries it.

        Logs in (or refreshes) first when no valid token is at hand. Every working client reads the uid from the
        access token (a JWT); ``userInfo`` is asked only when the token is not a JWT or has no ``uid`` claim.
        """
        tokens = await self._valid_tokens()
        return tokens.uid or (await self.get_user_info()).uid

    async def get_user_info(self) -> UserInfo:
        """The logged-in user (``userInfo``)."""
        return UserInfo.from_api(await self._call("GET", PATH_USER_INFO, retries=self._read_retries))

    async def get_device_page(self, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> Page[Device]:
        """One page of the account's own and shared devices."""
        data = await self._call(
            "GET",
            PATH_USER_DEVICE_LIST,
            params={"page": str(page), "pageSize": str(page_size)},
            retries=self._read_retries,
        )
        return Page.from_api(data, Device.from_api)

    async def get_devices(self, page_size: int = DEFAULT_PAGE_SIZE) -> list[Device]:
        """Every device of the account, own and shared, across all pages."""
        devices: list[Device] = []
        for page_number in range(1, _MAX_PAGES + 1):
            page = await self.get_device_page(page_number, page_size)
            devices.extend(page.items)
            if not page.has_next or not page.items:
                break
        return devices

    async def get_family_mode_config(self) -> FamilyModeConfig:
        """Whether home mode is on."""
        return FamilyModeConfig.from_api(await self._call("GET", PATH_FAMILY_MODE_CONFIG, retries=self._read_retries))

    async def get_families(self, page_size: int = DEFAULT_PAGE_SIZE) -> list[Family]:
        """Every home the account belongs to."""
        return [Family.from_api(item) for item in await self._all_pages(PATH_FAMILY_LIST, {}, page_size)]

    async def get_rooms(self, family_id: str, page_size: int = DEFAULT_PAGE_SIZE) -> list[Room]:
        """The rooms of one home."""
        items = await self._all_pages(PATH_FAMILY_ROOM_LIST, {"fid": family_id}, page_size)
        return [Room.from_api(item) for item in items]

    async def _all_pages(self, path: str, params: Mapping[str, str], page_size: int) -> list[dict[str, Any]]:
        collected: list[dict[str, Any]] = []
        for page_number in range(1, _MAX_PAGES + 1):
            data = await self._call(
                "GET",
                path,
                params={**params, "page": str(page_number), "pageSize": str(page_size)},
                retries=self._read_retries,
            )
            page = Page.from_api(data, dict)
            collected.extend(page.items)
            if not page.has_next or not page.items:
                break
        return collected

    # --- binding and sharing (never retried: they are not idempotent) -----------------------------------------------

    async def bind_by_dk(self, request: BindByDkRequest) -> BindResult:
        """``bindDeviceDk``: all parameters in the query string."""
        return BindResult.from_api(await self._call("POST", PATH_BIND_BY_DK, params=request.to_api()), request)

    async def bind_by_wifi(self, request: WifiBindRequest) -> WifiBindResult:
        """``deviceBindingByWifi``: a JSON body."""
        return WifiBindResult.from_api(await self._call("POST", PATH_BIND_BY_WIFI, json_body=request.to_api()), request)

    async def bind_by_pure_ble(self, request: PureBleBindRequest) -> PureBleBindResult:
        """``deviceBindingByPureBt``: encrypts the binding secret(s) with the product secret and signs the call."""
        body = request.to_api(self._user_domain_secret)
        return PureBleBindResult.from_api(await self._call("POST", PATH_BIND_BY_PURE_BLE, json_body=body), request)

    async def share_device(self, request: ShareRequest) -> ShareResult:
        """``shareByUid``: invite exactly one recipient; all parameters in the query string."""
        return ShareResult.from_api(await self._call("POST", PATH_SHARE_BY_UID, params=request.to_api()), request)

    # --- unbinding and share management (never retried either) ----------------------------------------------------

    async def unbind_device(self, request: UnbindRequest) -> UnbindResult:
        """``unbundlingDeviceDk`` (DELETE): all parameters in the query string."""
        return UnbindResult.from_api(await self._call("DELETE", PATH_UNBIND, params=request.to_api()), request)

    async def accept_share(self, share_code: str, device_name: str | None = None) -> None:
        """``shareDevice``: the recipient accepts a share (query ``shareCode``, optional ``deviceName``)."""
        params = {"shareCode": share_code}
        if device_name is not None:
            params["deviceName"] = device_name
        await self._call("POST", PATH_ACCEPT_SHARE, params=params)

    async def revoke_share(self, share_code: str) -> None:
        """``ownerUserUnshareDevice`` (DELETE): the owner ends one share."""
        await self._call("DELETE", PATH_OWNER_UNSHARE, params={"shareCode": share_code})

    async def leave_share(self, share_code: str) -> None:
        """``shareUserUnshareDevice`` (DELETE, query ``shareCode``): the recipient gives up a device shared with it.

        The share code is the one the device list carries for a shared device (``Device.share_code``).
        """
        await self._call("DELETE", PATH_RECIPIENT_UNSHARE, params={"shareCode": share_code})

    async def leave_shared_device(self, product_key: str, device_key: str) -> LeaveShareResult:
        """Leave the share of a device by its keys: its share code is read from the device list first.

        Raises:
            QuecNotFoundError: No device with these keys is shared with the account (``code`` is ``None``: the
                cloud was not asked to leave).
        """
        devices = await self.get_devices()
        share_code = next(
            (
                device.share_code
                for device in devices
                if (device.product_key, device.device_key) == (product_key, device_key)
                and device.device_type is DeviceType.SHARED
            ),
            "",
        )
        if not share_code:
            raise QuecNotFoundError("No device with these keys is shared with this account")
        await self.leave_share(share_code)
        return LeaveShareResult(product_key, device_key)

    async def get_device_shares(self, product_key: str, device_key: str) -> list[DeviceShare]:
        """``deviceShareUserList``: the shares of a device the account owns, with their recipients.

        The page documents a plain array; a page object (``{"list": [...]}``) is accepted too.
        """
        params = {"pk": product_key, "dk": device_key}
        data = await self._call("GET", PATH_DEVICE_SHARE_USERS, params=params, retries=self._read_retries)
        return DeviceShare.list_from_api(data)
