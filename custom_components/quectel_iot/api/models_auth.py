"""Typed shapes of signing in: credentials and their login form, the token pair, the user.

Secrets (tokens, passwords) are kept out of ``repr()`` with ``field(repr=False)`` so that logging a model can never
leak one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from .const import PATH_EMAIL_LOGIN, PATH_PHONE_LOGIN
from .crypto import email_login_signature, encrypt_password, make_random, phone_login_signature
from .exceptions import QuecResponseError
from .parsing import int_of, jwt_claims, str_of


@dataclass(frozen=True, slots=True)
class Token:
    """One token as the cloud returned it; ``value`` already begins with ``Bearer `` and is sent verbatim."""

    value: str = field(repr=False)
    expires_at: float

    def expires_within(self, seconds: float, now: float) -> bool:
        """Whether the token is expired, or will be within ``seconds``."""
        return now + seconds >= self.expires_at

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{"token": ..., "expirationTime": <epoch seconds>}``."""
        if not isinstance(data, dict) or not isinstance(data.get("token"), str) or not data["token"]:
            raise QuecResponseError("The cloud returned a token in an unexpected shape")
        expires_at = float(int_of(data, "expirationTime"))
        if expires_at > 1e11:  # noqa: PLR2004 - a few clouds send milliseconds
            expires_at /= 1000
        return cls(value=data["token"], expires_at=expires_at)


@dataclass(frozen=True, slots=True)
class TokenPair:
    """The access and refresh tokens of a session."""

    access: Token
    refresh: Token

    @property
    def uid(self) -> str:
        """The user id, read from the access token's claims ("" when the token is not a JWT)."""
        return str(jwt_claims(self.access.value).get("uid", ""))

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``data`` of a login or refresh response."""
        if not isinstance(data, dict):
            raise QuecResponseError("The cloud returned no tokens")
        return cls(access=Token.from_api(data.get("accessToken")), refresh=Token.from_api(data.get("refreshToken")))

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage (Home Assistant keeps this in the config entry)."""
        return {
            "access_token": self.access.value,
            "access_token_expires_at": self.access.expires_at,
            "refresh_token": self.refresh.value,
            "refresh_token_expires_at": self.refresh.expires_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Inverse of ``as_dict``."""
        return cls(
            access=Token(str(data["access_token"]), float(data["access_token_expires_at"])),
            refresh=Token(str(data["refresh_token"]), float(data["refresh_token_expires_at"])),
        )


@dataclass(frozen=True, slots=True)
class EmailCredentials:
    """Login with an email address."""

    email: str
    password: str = field(repr=False)
    login_path: ClassVar[str] = PATH_EMAIL_LOGIN

    def to_api(self, user_domain: str, user_domain_secret: str, random: str | None = None) -> dict[str, str]:
        """The form of ``emailPwdLogin`` (a fresh ``random`` when none is given).

        The signature covers the encrypted password exactly as sent.
        """
        random = random or make_random()
        pwd = encrypt_password(self.password, random)
        return {
            "email": self.email,
            "pwd": pwd,
            "random": random,
            "userDomain": user_domain,
            "signature": email_login_signature(self.email, pwd, random, user_domain_secret),
        }


@dataclass(frozen=True, slots=True)
class PhoneCredentials:
    """Login with a phone number and its international calling code (``86`` without ``+``)."""

    phone: str
    password: str = field(repr=False)
    international_code: str = "86"
    login_path: ClassVar[str] = PATH_PHONE_LOGIN

    def to_api(self, user_domain: str, user_domain_secret: str, random: str | None = None) -> dict[str, str]:
        """The form of ``phonePwdLogin`` (a fresh ``random`` when none is given)."""
        random = random or make_random()
        pwd = encrypt_password(self.password, random)
        return {
            "phone": self.phone,
            "internationalCode": self.international_code,
            "pwd": pwd,
            "random": random,
            "userDomain": user_domain,
            "signature": phone_login_signature(self.international_code, self.phone, pwd, random, user_domain_secret),
        }


type Credentials = EmailCredentials | PhoneCredentials


@dataclass(frozen=True, slots=True)
class UserInfo:
    """The logged-in user (``userInfo``)."""

    uid: str
    nickname: str
    email: str
    phone: str
    lang: str
    timezone: str

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``userInfo``'s ``data``."""
        if not isinstance(data, dict) or not data.get("uid"):
            raise QuecResponseError("The cloud returned no user information")
        return cls(
            uid=str_of(data, "uid"),
            nickname=str_of(data, "nikeName"),  # sic: the cloud's spelling
            email=str_of(data, "email"),
            phone=str_of(data, "phone"),
            lang=str_of(data, "lang"),
            timezone=str_of(data, "timezone"),
        )
