"""Tolerant readers for the fields of the cloud's JSON answers (a field may be missing, null, text or a number)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


def str_of(data: dict[str, Any], key: str) -> str:
    """A field as text ("" when missing or null)."""
    value = data.get(key)
    return "" if value is None else str(value)


def int_of(data: dict[str, Any], key: str, default: int = 0) -> int:
    """A field as an integer (numbers, booleans and digit strings; ``default`` otherwise)."""
    value = data.get(key)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


def optional_int_of(data: dict[str, Any], key: str) -> int | None:
    """A field as an integer, ``None`` when missing, null or empty."""
    return int_of(data, key) if data.get(key) not in (None, "") else None


def bool_of(data: dict[str, Any], key: str) -> bool:
    """A field as a boolean (``1``/``true`` in text, truthiness otherwise)."""
    value = data.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true"}
    return bool(value)


def epoch_ms_of(data: dict[str, Any], key: str) -> int | None:
    """A time the cloud sends twice (text and ``<key>Ts`` in ms): the milliseconds, ``None`` when unset or 0."""
    for name in (f"{key}Ts", key):
        value = optional_int_of(data, name)
        if value:
            return value
    return None


def jwt_claims(token: str) -> dict[str, Any]:
    """Read a JWT's payload without verifying its signature ({} when the token is not a JWT).

    No check is needed: the token came straight from the cloud, over TLS, in answer to our own login or refresh; the
    client takes only an identity label (the uid) from it and never an access decision, since the cloud verifies the
    token on every call. The cloud's RS256 public key is not published either.
    """
    raw = token.removeprefix("Bearer ").strip()
    parts = raw.split(".")
    if len(parts) != 3:  # noqa: PLR2004
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except binascii.Error, ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}
