"""Exceptions raised by the client.

Every failure the cloud can report is one of a few kinds, each with a stable ``key`` that callers (Home Assistant's
translations, automations) can rely on, and the cloud's numeric ``code`` when there is one. Messages never contain a
secret: they are built from the code and the cloud's own ``msg``, never from request parameters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar


class QuecError(Exception):
    """Base of everything this library raises."""

    key: ClassVar[str] = "cloud_error"

    def __init__(self, message: str, *, code: int | None = None) -> None:
        """Keep the cloud's code next to the message."""
        super().__init__(message)
        self.code = code


class QuecConnectionError(QuecError):
    """The cloud could not be reached, or did not answer in time."""

    key = "cannot_connect"


class QuecTimeoutError(QuecConnectionError):
    """No answer within the request timeout."""

    key = "timeout"


class QuecResponseError(QuecConnectionError):
    """The cloud answered with something that is not its JSON envelope (HTML, empty, malformed, HTTP error)."""

    key = "invalid_response"

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        """Keep the HTTP status for diagnostics."""
        super().__init__(message)
        self.http_status = http_status


class QuecApiError(QuecError):
    """The cloud refused the request with a business code (its envelope's ``code`` is not 200)."""

    key = "cloud_error"

    def __init__(self, message: str, *, code: int | None = None, cloud_message: str = "") -> None:
        """Keep the cloud's own message apart, for logs and placeholders."""
        super().__init__(message, code=code)
        self.cloud_message = cloud_message


class QuecAuthenticationError(QuecApiError):
    """The account's credentials were rejected (wrong password, unknown account)."""

    key = "invalid_auth"

    def __init__(
        self, message: str, *, code: int | None = None, cloud_message: str = "", attempts_left: int | None = None
    ) -> None:
        """Keep how many attempts remain before the cloud locks the account."""
        super().__init__(message, code=code, cloud_message=cloud_message)
        self.attempts_left = attempts_left


class QuecUserDomainError(QuecAuthenticationError):
    """The user domain is unknown, malformed or disabled, or its secret does not match (bad signature)."""

    key = "invalid_user_domain"


class QuecTokenError(QuecApiError):
    """The access or refresh token is missing, expired or revoked. The client handles this itself."""

    key = "token_invalid"


class QuecRateLimitError(QuecApiError):
    """The account, the IP or the manufacturer's quota is locked for a while."""

    key = "rate_limited"

    def __init__(
        self, message: str, *, code: int | None = None, cloud_message: str = "", retry_after: float | None = None
    ) -> None:
        """Keep how long to wait (seconds) when the cloud says so."""
        super().__init__(message, code=code, cloud_message=cloud_message)
        self.retry_after = retry_after


class QuecAlreadyBoundError(QuecApiError):
    """The device is already bound (to this account, another one, or through a share)."""

    key = "already_bound"


class QuecInvalidInputError(QuecApiError):
    """The cloud rejected a parameter: missing, malformed or out of range."""

    key = "invalid_input"


class QuecPermissionError(QuecApiError):
    """The account, its user domain or its role in the home may not do this."""

    key = "permission_denied"


class QuecNotFoundError(QuecApiError):
    """The device, user or share does not exist (or is not bound)."""

    key = "not_found"


class QuecBindingCodeError(QuecApiError):
    """The binding code or binding secret is missing, malformed, not reported, expired or wrong."""

    key = "binding_code"


class QuecCloudTimeoutError(QuecError):
    """A device did not reach the cloud in time: the bind that waited for it gave up (nothing was bound)."""

    key = "cloud_timeout"

    def __init__(self, seconds: float) -> None:
        """Keep how long the wait was (the message's placeholder)."""
        super().__init__(f"The device did not reach the cloud within {round(seconds)} s")
        self.seconds = seconds


def _seconds_until_utc_midnight() -> float:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


_CLASS_BY_CODE: dict[int, type[QuecApiError]] = {
    # Credentials rejected at login
    **dict.fromkeys((5004, 5005, 5012, 5028, 5031, 5033, 5047, 5056), QuecAuthenticationError),
    **dict.fromkeys(range(5579, 5587), QuecAuthenticationError),
    # User domain and its secret
    **dict.fromkeys((5013, 5015, 5023, 5104, 5420, 5421, 5550), QuecUserDomainError),
    # Tokens
    **dict.fromkeys((5032, 5106, 5115), QuecTokenError),
    # Lockouts and quotas (4026 is the manufacturer's daily quota)
    **dict.fromkeys((5058, 5146, 5147, 5148, 5325, 4026), QuecRateLimitError),
    # Already bound
    **dict.fromkeys((5049, 5412, 6040), QuecAlreadyBoundError),
    # Bad input
    **dict.fromkeys(
        (5066, 5067, 5068, 5069, 5133, 5145, 5333, 5357, 5361, 5636, 5637, 5891, 5879, 5880, 5881, 5882, 5883, 5884),
        QuecInvalidInputError,
    ),
    5885: QuecInvalidInputError,
    # Permissions
    **dict.fromkeys(
        (5041, 5229, 5327, 5358, 5360, 5377, 5214, 5669, 5671, 5864, 5913, 6083, 6084, 6085), QuecPermissionError
    ),
    # Not found / not bound / home mode off
    **dict.fromkeys((5052, 5314, 5624, 5635, 4007), QuecNotFoundError),
    # Binding code and binding secret
    **dict.fromkeys((5009, 5179, 5213, 5458, 5459, 5460, 5461, 5462, 5465), QuecBindingCodeError),
}

_RETRY_AFTER_BY_CODE: dict[int, float] = {5147: 20 * 60.0, 5148: 20 * 60.0, 5325: 24 * 3600.0}
# 5583..5586 (email) and 5579..5582 (phone): "you have N more attempts".
_ATTEMPTS_LEFT_BY_CODE: dict[int, int] = {
    **{5582 - n: 4 - n for n in range(4)},
    **{5586 - n: 4 - n for n in range(4)},
}


def error_from_code(code: int, cloud_message: str) -> QuecApiError:
    """Build the exception for a business code the cloud returned."""
    error_class = _CLASS_BY_CODE.get(code, QuecApiError)
    message = f"Cloud refused the request: {cloud_message or 'no message'} (code {code})"
    if error_class is QuecRateLimitError:
        retry_after = _seconds_until_utc_midnight() if code == 4026 else _RETRY_AFTER_BY_CODE.get(code)  # noqa: PLR2004
        return QuecRateLimitError(message, code=code, cloud_message=cloud_message, retry_after=retry_after)
    if error_class is QuecAuthenticationError:
        return QuecAuthenticationError(
            message, code=code, cloud_message=cloud_message, attempts_left=_ATTEMPTS_LEFT_BY_CODE.get(code)
        )
    return error_class(message, code=code, cloud_message=cloud_message)


# ----- Bluetooth set-up (api/ble_provisioning.py) -----


class QuecBleError(QuecError):
    """Base of the Bluetooth set-up errors. Messages name the device by address, never a secret."""

    key = "ble_error"


class QuecBleNotInRangeError(QuecBleError):
    """No connectable Bluetooth adapter or proxy has the device in range."""

    key = "not_in_range"


class QuecBleConnectionError(QuecBleError):
    """The connection failed or broke off."""

    key = "cannot_connect"


class QuecBleTimeoutError(QuecBleConnectionError):
    """A step took too long: connecting, a GATT operation, or the device's reply."""

    key = "timeout"

    def __init__(self, message: str, *, step: str) -> None:
        """Keep which step timed out (``connect``, ``subscribe``, ``write`` or ``reply``)."""
        super().__init__(message)
        self.step = step


class QuecBleCharacteristicMissingError(QuecBleError):
    """The device has no ``00009c40-…`` characteristic: not a Quectel module that takes Wi-Fi settings."""

    key = "characteristic_missing"


class QuecBleWifiRejectedError(QuecBleError):
    """The device answered that it refused the Wi-Fi settings."""

    key = "wifi_rejected"


class QuecBleNotInSetupModeError(QuecBleError):
    """The device answered an empty ``0x7011``: it is not in set-up (pairing) mode."""

    key = "not_in_setup_mode"


class QuecBleUnreadableReplyError(QuecBleError):
    """The device's answer carries neither a refusal nor valid keys and code (or keys it did not advertise)."""

    key = "unreadable_reply"

    def __init__(self, message: str, *, ids_seen: tuple[int, ...]) -> None:
        """Keep the TTLV ids the reply carried, for diagnostics."""
        super().__init__(message)
        self.ids_seen = ids_seen
