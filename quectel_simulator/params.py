"""Request readers: where a handler finds its parameters, how it reads them, and the shapes of paged answers.

Parameters are read only from the place the vendor's pages give (see :mod:`quectel_simulator.app`). Empty strings
count as missing. Every reader that refuses a value raises the :class:`~quectel_simulator.codes.ApiError` the caller
names, so each handler keeps its own documented code.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl

from .codes import ApiError
from .recording import RECORD_KEY, first_values

if TYPE_CHECKING:
    from aiohttp import web

    from .recording import RecordedRequest

USER_DOMAIN_RE: Final = re.compile(r"[A-Za-z]\.[A-Za-z]+\.\d+(?:\.\d+)?")
"""A user domain such as ``C.DM.10271.5`` (5013 otherwise)."""
DK_RE: Final = re.compile(r"[0-9A-Za-z]{4,32}")
"""A device key (5361 otherwise)."""
BINDING_CODE_RE: Final = re.compile(r"[0-9A-F]{16}")
"""A binding code: 16 upper-case hex characters (5213 otherwise)."""
BT_PWD_RE: Final = re.compile(r"[A-Za-z0-9]{4,16}")
"""A pure-BLE device password (5357 otherwise)."""
INT_RE: Final = re.compile(r"[+-]?\d+")

MAX_DEVICE_NAME: Final = 254
"""Longest device name (5333 beyond)."""
DEFAULT_PAGE_SIZE: Final = 10
MAX_PAGE_SIZE: Final = 1000
TRUE_WORDS: Final = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS: Final = frozenset({"false", "0", "no", "off"})
FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"


def recorded(request: web.Request) -> RecordedRequest:
    """The request's entry in the request log (the recording middleware put it there).

    Args:
        request: The request.

    Returns:
        Its :class:`RecordedRequest`.
    """
    return request[RECORD_KEY]


def query_params(request: web.Request) -> dict[str, str]:
    """The query string (the first value of each name).

    Args:
        request: The request.

    Returns:
        The parameters.
    """
    return first_values(request.query)


def form_params(request: web.Request) -> dict[str, str]:
    """A form-urlencoded body; empty for any other content type or a body that is not UTF-8.

    Args:
        request: The request.

    Returns:
        The parameters.
    """
    if request.content_type != FORM_CONTENT_TYPE:
        return {}
    try:
        text = recorded(request).body.decode()
    except UnicodeDecodeError:
        return {}
    return first_values(parse_qsl(text, keep_blank_values=True))


def query_or_form_params(request: web.Request) -> dict[str, str]:
    """Query parameters, falling back to a form body per name (the query wins).

    Args:
        request: The request.

    Returns:
        The parameters.
    """
    return {**form_params(request), **query_params(request)}


def json_object(request: web.Request) -> dict[str, Any]:
    """The JSON body when it is an object, else ``{}`` (so every field reads as missing).

    Args:
        request: The request.

    Returns:
        The object.
    """
    body = recorded(request).json
    return body if isinstance(body, dict) else {}


def text_param(value: Any) -> str | None:
    """A parameter as text; ``None`` when absent, blank or not a scalar.

    Args:
        value: The raw value (query text or a JSON member).

    Returns:
        The text, unchanged (not stripped), or ``None``.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def int_param(value: Any, code: int) -> int | None:
    """An integer parameter; ``None`` when absent or blank.

    Args:
        value: The raw value.
        code: The code of a value that is not an integer.

    Returns:
        The integer, or ``None``.

    Raises:
        ApiError: ``code`` when the value is not an integer.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    raise ApiError(code)


def bool_param(value: Any, default: bool) -> bool:
    """A boolean parameter (JSON ``true``/``false`` or the words Spring accepts).

    Args:
        value: The raw value.
        default: The value when absent or blank.

    Returns:
        The boolean.

    Raises:
        ApiError: 5000 when the value is not a boolean.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS:
        return True
    if isinstance(value, str) and value.strip().lower() in FALSE_WORDS:
        return False
    raise ApiError(5000)


def required_param(value: Any, code: int) -> str:
    """A parameter that must be there.

    Args:
        value: The raw value.
        code: The code of a missing (or blank) value.

    Returns:
        The text.

    Raises:
        ApiError: ``code`` when the value is missing.
    """
    text = text_param(value)
    if text is None:
        raise ApiError(code)
    return text


def paging(params: dict[str, str], page_names: tuple[str, ...] = ("page",)) -> tuple[int, int]:
    """The page number (default 1) and ``pageSize`` (default 10).

    Args:
        params: The request's parameters.
        page_names: The names the page number may come under, the first one given wins.

    Returns:
        ``(page, size)``.

    Raises:
        ApiError: 5000 when either is not a positive integer (or the size is over 1000).
    """
    given = next((params[name] for name in page_names if text_param(params.get(name)) is not None), None)
    page = int_param(given, 5000)
    size = int_param(params.get("pageSize"), 5000)
    page = 1 if page is None else page
    size = DEFAULT_PAGE_SIZE if size is None else size
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise ApiError(5000)
    return page, size


def page_of(items: list[Any], page: int, size: int) -> dict[str, Any]:
    """Cut a PageHelper-style page out of a list.

    Args:
        items: Every item.
        page: The 1-based page number.
        size: The page size.

    Returns:
        ``{list, total, pageNum, pageSize, size, pages, startRow, endRow, prePage, nextPage, isFirstPage,
        isLastPage, hasPreviousPage, hasNextPage}``.
    """
    total = len(items)
    pages = (total + size - 1) // size
    start = (page - 1) * size
    chunk = items[start : start + size]
    return {
        "list": chunk,
        "total": total,
        "pageNum": page,
        "pageSize": size,
        "size": len(chunk),
        "pages": pages,
        "startRow": start + 1 if chunk else 0,
        "endRow": start + len(chunk),
        "prePage": page - 1 if page > 1 else 0,
        "nextPage": page + 1 if page < pages else 0,
        "isFirstPage": page == 1,
        "isLastPage": page >= pages,
        "hasPreviousPage": page > 1,
        "hasNextPage": page < pages,
    }


def format_time(epoch: float | None) -> str | None:
    """Format a time the way the cloud does (``"2025-04-16 13:19:41"``, UTC here).

    Args:
        epoch: Epoch seconds, or ``None``.

    Returns:
        The text, or ``None``.
    """
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(epoch: float | None) -> int | None:
    """Convert epoch seconds to the wire's epoch milliseconds (``None`` stays ``None``).

    Args:
        epoch: Epoch seconds, or ``None``.

    Returns:
        Milliseconds, or ``None``.
    """
    return None if epoch is None else int(epoch * 1000)
