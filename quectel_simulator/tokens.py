"""Access and refresh tokens: issued as JWTs, remembered server-side, checked exactly.

A token is only valid if this simulator issued that exact string (``"Bearer " + jwt``), it has not expired on the
simulator's clock and it has not been revoked. Refresh tokens are single-use: a refresh consumes the one it was
given and hands out a new pair (rotation).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .crypto import encode_jwt

if TYPE_CHECKING:
    from .state import Clock

ACCESS: Final = "AccessToken"
"""``type`` claim of access tokens."""
REFRESH: Final = "RefreshToken"
"""``type`` claim of refresh tokens."""

DEFAULT_ACCESS_LIFETIME: Final = 7200
"""Access token lifetime of the real cloud (2 h)."""
DEFAULT_REFRESH_LIFETIME: Final = 2_592_000
"""Refresh token lifetime of the real cloud (30 days)."""


@dataclass
class IssuedToken:
    """One token the simulator handed out.

    Attributes:
        token: The exact string (``"Bearer <jwt>"``).
        uid: The user it belongs to.
        kind: ``AccessToken`` or ``RefreshToken``.
        issued_at: Issue time (simulated epoch seconds, whole).
        expires_at: Expiry (simulated epoch seconds, whole).
        revoked: Invalidated server-side (``revoke_tokens``).
        used: A refresh token that was already exchanged.
    """

    token: str
    uid: str
    kind: str
    issued_at: int
    expires_at: int
    revoked: bool = False
    used: bool = False


class TokenStore:
    """Issues and checks tokens against the simulator's clock."""

    def __init__(
        self,
        clock: Clock,
        *,
        access_lifetime: int = DEFAULT_ACCESS_LIFETIME,
        refresh_lifetime: int = DEFAULT_REFRESH_LIFETIME,
    ) -> None:
        """Create an empty store with a fresh signing key.

        Args:
            clock: The simulator's clock.
            access_lifetime: Access token lifetime in seconds.
            refresh_lifetime: Refresh token lifetime in seconds.
        """
        self.clock = clock
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self._key = secrets.token_bytes(32)
        self.issued: dict[str, IssuedToken] = {}

    @property
    def signing_key(self) -> bytes:
        """The HMAC key the JWTs are signed with."""
        return self._key

    def _issue(self, uid: str, kind: str, lifetime: int) -> IssuedToken:
        now = int(self.clock.now())
        # The claims of the vendor's example tokens (cloud_api.md 3.6): clients read the user id from "uid" without
        # calling userInfo. "jti" is this simulator's own: two tokens issued in the same second must still differ.
        claims = {
            "iss": "enduser",
            "aud": "Audience",
            "sub": "subject",
            "uid": uid,
            "type": kind,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
        }
        issued = IssuedToken(
            token="Bearer " + encode_jwt(claims, self._key),
            uid=uid,
            kind=kind,
            issued_at=now,
            expires_at=now + lifetime,
        )
        self.issued[issued.token] = issued
        return issued

    def issue_pair(self, uid: str) -> dict[str, Any]:
        """Issue a new access and refresh token for a user.

        Args:
            uid: The user.

        Returns:
            The ``data`` of a login or refresh answer.
        """
        access = self._issue(uid, ACCESS, self.access_lifetime)
        refresh = self._issue(uid, REFRESH, self.refresh_lifetime)
        return {
            "accessToken": {"token": access.token, "expirationTime": access.expires_at},
            "refreshToken": {"token": refresh.token, "expirationTime": refresh.expires_at},
        }

    def _valid(self, value: str, kind: str) -> IssuedToken | None:
        issued = self.issued.get(value)
        if issued is None or issued.kind != kind or issued.revoked or issued.used:
            return None
        if self.clock.now() >= issued.expires_at:
            return None
        return issued

    def check_access(self, value: str) -> str | None:
        """Check an ``Authorization`` header value.

        Args:
            value: The header value, which must be exactly an issued access token.

        Returns:
            The uid, or ``None`` when the value is not a valid access token.
        """
        issued = self._valid(value, ACCESS)
        return issued.uid if issued else None

    def refresh_uid(self, value: str) -> str | None:
        """Tell whose refresh token this is, without using it up.

        Args:
            value: The ``refreshToken`` parameter, exactly as issued.

        Returns:
            The uid, or ``None`` when it is unknown, expired, revoked or used.
        """
        issued = self._valid(value, REFRESH)
        return issued.uid if issued else None

    def use_refresh(self, value: str) -> str | None:
        """Consume a refresh token.

        Args:
            value: The ``refreshToken`` parameter, exactly as issued.

        Returns:
            The uid (the token is now used up), or ``None`` when it is unknown, expired, revoked or used.
        """
        issued = self._valid(value, REFRESH)
        if issued is None:
            return None
        issued.used = True
        return issued.uid

    def revoke(self, uid: str | None = None) -> int:
        """Invalidate tokens server-side.

        Args:
            uid: Only this user's tokens; every token when ``None``.

        Returns:
            How many tokens were newly revoked.
        """
        count = 0
        for issued in self.issued.values():
            if (uid is None or issued.uid == uid) and not issued.revoked:
                issued.revoked = True
                count += 1
        return count
