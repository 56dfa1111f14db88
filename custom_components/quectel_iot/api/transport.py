"""One base URL of the cloud on an injected aiohttp session: a request, its envelope, typed errors."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from .const import SUCCESS_CODE
from .exceptions import QuecConnectionError, QuecError, QuecResponseError, QuecTimeoutError, error_from_code

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)
_HTTP_REDIRECT = 300
_HTTP_CLIENT_ERROR = 400
_HTTP_SERVER_ERROR = 500
# aiohttp labels an empty POST/PUT body "application/octet-stream"; no client proven against the cloud sends that.
_NO_AUTO_CONTENT_TYPE = (aiohttp.hdrs.CONTENT_TYPE,)


class CloudTransport:
    """Sends requests to one base URL and turns every answer into ``data`` or a typed exception.

    Each request carries its parameters in exactly one place, chosen by the caller: the query string, a
    form-urlencoded body or a JSON body. A request without a body carries no ``Content-Type`` at all.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        request_timeout: float,
        retry_backoff: float,
    ) -> None:
        """Keep the session (never closed here) and the base URL (without a trailing slash)."""
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._retry_backoff = retry_backoff

    @property
    def base_url(self) -> str:
        """The REST base URL in use."""
        return self._base_url

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str],
        retries: int,
    ) -> Any:
        """One request and its envelope; ``retries`` > 0 only for reads, on transport faults and HTTP 5xx."""
        attempt = 0
        while True:
            try:
                return await self._send_once(
                    method, path, params=params, form=form, json_body=json_body, headers=headers
                )
            except QuecConnectionError as err:
                retriable = not isinstance(err, QuecResponseError) or (err.http_status or 0) >= _HTTP_SERVER_ERROR
                if attempt >= retries or not retriable:
                    raise
                delay = self._retry_backoff * 2**attempt
                _LOGGER.debug("%s %s failed (%s); retrying in %.1f s", method, path, err.key, delay)
                attempt += 1
                await asyncio.sleep(delay)

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None,
        form: Mapping[str, str] | None,
        json_body: Mapping[str, Any] | None,
        headers: Mapping[str, str],
    ) -> Any:
        body: dict[str, Any]
        if json_body is not None:
            body = {"json": json_body}  # aiohttp: application/json
        elif form:
            body = {"data": dict(form)}  # aiohttp: application/x-www-form-urlencoded
        else:
            body = {"skip_auto_headers": _NO_AUTO_CONTENT_TYPE}
        started = time.monotonic()
        try:
            async with self._session.request(
                method,
                self._base_url + path,
                params=params,
                headers={"Accept": "*/*", **headers},
                timeout=self._timeout,
                # Never follow: a 307/308 would re-send the login form (password, its random, the signature) to
                # whatever host the Location names, even over plain http.
                allow_redirects=False,
                **body,
            ) as response:
                status = response.status
                content_type = response.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
                raw = await response.read()
        except TimeoutError:
            # "from None": the chained aiohttp error would carry the URL, whose query may hold secrets.
            raise QuecTimeoutError(f"No answer from the cloud within {self._timeout.total:.0f} s") from None
        except aiohttp.ClientError as err:
            raise QuecConnectionError(f"Cannot reach the cloud ({type(err).__name__})") from None
        try:
            data = self._parse_envelope(status, content_type, raw)
        except QuecError as err:
            _LOGGER.debug(
                "%s %s -> HTTP %s, %s (code %s) in %.0f ms",
                method,
                path,
                status,
                err.key,
                err.code,
                (time.monotonic() - started) * 1000,
            )
            raise
        _LOGGER.debug(
            "%s %s -> HTTP %s, code 200 in %.0f ms", method, path, status, (time.monotonic() - started) * 1000
        )
        return data

    @staticmethod
    def _parse_envelope(status: int, content_type: str, body: bytes) -> Any:
        """``data`` of a success envelope; a typed exception for anything else."""
        if _HTTP_REDIRECT <= status < _HTTP_CLIENT_ERROR:
            # The Location is not repeated: it is whatever the answering host chose, and may carry anything.
            raise QuecResponseError(
                f"The cloud answered with a redirect (HTTP {status}), which is not followed", http_status=status
            )
        if not body.strip():
            raise QuecResponseError(f"The cloud sent an empty response (HTTP {status})", http_status=status)
        try:
            payload = json.loads(body)
        except ValueError:
            looks_html = "html" in content_type.lower() or body.lstrip()[:15].lower().startswith(
                (b"<!doctype", b"<html")
            )
            if looks_html:
                what = "an HTML page"
            elif status >= _HTTP_CLIENT_ERROR:
                what = "an error"  # a plain-text error page, not a JSON answer gone wrong
            else:
                what = "malformed JSON"
            raise QuecResponseError(f"The cloud sent {what} (HTTP {status})", http_status=status) from None
        code = payload.get("code") if isinstance(payload, dict) else None
        if isinstance(code, bool) or not isinstance(code, int):
            raise QuecResponseError(f"The cloud's answer is not its usual envelope (HTTP {status})", http_status=status)
        if code == SUCCESS_CODE:
            return payload.get("data")
        raise error_from_code(code, str(payload.get("msg") or ""))
