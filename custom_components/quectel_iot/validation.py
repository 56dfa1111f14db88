"""Input rules shared by the actions, the Bluetooth forms and the options, checked before any request leaves.

Each validator takes a raw value and returns it cleaned, or raises ``FieldInvalid`` with a reason that is also the
translation key of the refusal (``exceptions.<reason>`` for an action). The action schemas (``schemas.py``) and the
forms are built from these, so a field is checked the same way wherever it is typed: a form describes its fields as
``FormRules`` and ``check_form`` words each refusal through the one map ``FORM_ERRORS``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .api import (
    BINDING_CODE_PATTERN,
    CAPABILITIES_MAX,
    CAPABILITIES_MIN,
    DEVICE_KEY_PATTERN,
    DEVICE_NAME_MAX_LENGTH,
    MAX_PASSWORD_BYTES,
    MAX_SSID_BYTES,
    PRODUCT_KEY_PATTERN,
    PRODUCT_SECRET_LENGTH,
    RANDOM_LENGTH,
    CoverMode,
)
from .const import (
    ATTR_ADDRESS,
    ATTR_BINDING_CODE,
    ATTR_BINDING_SECRET,
    ATTR_DEVICE_KEY,
    ATTR_DEVICE_NAME,
    ATTR_ENCRYPTED_BINDING_CODE,
    ATTR_PRODUCT_KEY,
    ATTR_RANDOM,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

PRINTABLE_ASCII: Final = re.compile(r"^[\x21-\x7e]+$")
COVER_MODES: Final = {"replace": CoverMode.REPLACE, "add": CoverMode.ADD, "extend_only": CoverMode.EXTEND_ONLY}
SHARE_CODE_MAX_LENGTH: Final = 128
BLUETOOTH_ADDRESS_PATTERN: Final = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
PROVISION_TIMEOUT_MIN: Final = 10
PROVISION_TIMEOUT_MAX: Final = 600

__all__ = [
    "BINDING_CODE_PATTERN",
    "CAPABILITIES_MAX",
    "CAPABILITIES_MIN",
    "COVER_MODES",
    "DEVICE_KEY_PATTERN",
    "DEVICE_NAME_MAX_LENGTH",
    "FORM_ERRORS",
    "PRINTABLE_ASCII",
    "PRODUCT_KEY_PATTERN",
    "PRODUCT_SECRET_LENGTH",
    "RANDOM_LENGTH",
    "Across",
    "FieldInvalid",
    "FormField",
    "FormRules",
    "check_form",
    "form_values",
    "is_valid_product_secret",
]


class FieldInvalid(vol.Invalid):
    """A refusal with its own translation key (``exceptions.<reason>``) and placeholders."""

    def __init__(self, reason: str, path: list[str] | None = None, **placeholders: str) -> None:
        """Keep the translation key apart from probatio's English message."""
        super().__init__(reason, path)
        self.reason = reason
        self.reason_placeholders = placeholders


def is_valid_product_secret(value: str) -> bool:
    """A Product Secret is the AES key of the pure-BLE path: exactly 16 ASCII characters."""
    return len(value) == PRODUCT_SECRET_LENGTH and bool(PRINTABLE_ASCII.match(value))


def matching(pattern: re.Pattern[str], reason: str) -> Callable[[Any], str]:
    """A text that matches ``pattern`` once stripped."""

    def validate(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value.strip()):
            raise FieldInvalid(reason)
        return value.strip()

    return validate


product_key = matching(PRODUCT_KEY_PATTERN, "invalid_product_key")
device_key = matching(DEVICE_KEY_PATTERN, "invalid_device_key")
binding_code = matching(BINDING_CODE_PATTERN, "invalid_binding_code")


def _is_unicode(value: str) -> bool:
    """False for a lone surrogate (possible from a template or a script): no JSON, URL or registry can hold it."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def text(max_length: int | None = None) -> Callable[[Any], str]:
    """A text that is not blank (and at most ``max_length`` characters)."""

    def validate(value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or not _is_unicode(value):
            raise FieldInvalid("invalid_text")
        if max_length is not None and len(value) > max_length:
            raise FieldInvalid("text_too_long", max=str(max_length))
        return value

    return validate


device_name = text(DEVICE_NAME_MAX_LENGTH)


def _whole_number(value: Any, reason: str) -> int:
    """A whole number, also given as a float or a text (as templates give them); never a bool."""
    if isinstance(value, bool):
        raise FieldInvalid(reason)
    try:
        number = float(value)
    except TypeError, ValueError, OverflowError:  # OverflowError: an int beyond any float
        raise FieldInvalid(reason) from None
    if not number.is_integer():
        raise FieldInvalid(reason)
    return int(number)


def capabilities(value: Any) -> int:
    """The capabilities bitmask (1-15)."""
    number = _whole_number(value, "invalid_capabilities")
    if not CAPABILITIES_MIN <= number <= CAPABILITIES_MAX:
        raise FieldInvalid("invalid_capabilities")
    return number


def boolean(value: Any) -> bool:
    """Home Assistant's booleans (``true``, ``on``, ``1``, ...)."""
    try:
        return bool(cv.boolean(value))
    except vol.Invalid:
        raise FieldInvalid("invalid_boolean") from None


def non_negative_integer(value: Any) -> int:
    """A whole number >= 0."""
    number = _whole_number(value, "invalid_integer")
    if number < 0:
        raise FieldInvalid("invalid_integer")
    return number


def product_secret(value: Any) -> str:
    """A Product Secret (16 ASCII characters)."""
    if not isinstance(value, str) or not is_valid_product_secret(value):
        raise FieldInvalid("invalid_product_secret")
    return value


def random_value(value: Any) -> str:
    """The 16-character random of the pure-BLE crypto (letters and digits)."""
    if not isinstance(value, str) or len(value) != RANDOM_LENGTH or not value.isascii() or not value.isalnum():
        raise FieldInvalid("invalid_random")
    return value


def base64_text(reason: str) -> Callable[[Any], str]:
    """A non-empty base64 text."""

    def validate(value: Any) -> str:
        try:
            if not isinstance(value, str) or not value or not base64.b64decode(value, validate=True):
                raise FieldInvalid(reason)
        except ValueError:  # binascii.Error, or a text that is not ASCII
            raise FieldInvalid(reason) from None
        return value

    return validate


encrypted_binding_code = base64_text("invalid_encrypted_binding_code")


def share_code(value: Any) -> str:
    """A share code as the cloud made it (printable ASCII)."""
    if not isinstance(value, str):
        raise FieldInvalid("invalid_share_code")
    code = value.strip()
    if not code or len(code) > SHARE_CODE_MAX_LENGTH or not PRINTABLE_ASCII.match(code):
        raise FieldInvalid("invalid_share_code")
    return code


def future_datetime(value: Any) -> datetime:
    """A moment after now (a datetime, or a text Home Assistant reads as one)."""
    if isinstance(value, str) and not _is_unicode(value):
        # HA's date parser (ciso8601 2.3.3) crashes the whole process on a lone surrogate: never hand it one.
        raise FieldInvalid("invalid_datetime")
    try:
        moment = value if isinstance(value, datetime) else cv.datetime(value)
    except vol.Invalid:
        raise FieldInvalid("invalid_datetime") from None
    try:
        moment = dt_util.as_utc(moment)
    except OverflowError:  # e.g. 9999-12-31T23:59-05:00 is past the last representable UTC moment
        raise FieldInvalid("invalid_datetime") from None
    if moment <= dt_util.utcnow():
        raise FieldInvalid("expires_in_past")
    return moment


def cover_mode(value: Any) -> CoverMode:
    """``replace``, ``add`` or ``extend_only``."""
    if not isinstance(value, str) or value not in COVER_MODES:
        raise FieldInvalid("invalid_cover_mode")
    return COVER_MODES[value]


def ssid(value: Any) -> str:
    """A Wi-Fi network's name: 1 to 32 bytes of UTF-8 (what the 0x7010 frame and 802.11 carry)."""
    if not isinstance(value, str) or not value or not _is_unicode(value) or len(value.encode()) > MAX_SSID_BYTES:
        raise FieldInvalid("invalid_ssid", max=str(MAX_SSID_BYTES))
    return value


def wifi_password(value: Any) -> str:
    """A Wi-Fi password: at most 64 bytes of UTF-8 (empty for an open network). Never stripped: spaces count."""
    if not isinstance(value, str) or not _is_unicode(value) or len(value.encode()) > MAX_PASSWORD_BYTES:
        raise FieldInvalid("invalid_wifi_password", max=str(MAX_PASSWORD_BYTES))
    return value


def provision_timeout(value: Any) -> int:
    """Seconds to wait for a device to reach the cloud after it took its Wi-Fi settings."""
    refusal = FieldInvalid("invalid_timeout", min=str(PROVISION_TIMEOUT_MIN), max=str(PROVISION_TIMEOUT_MAX))
    try:
        number = _whole_number(value, "invalid_timeout")
    except FieldInvalid:
        raise refusal from None
    if not PROVISION_TIMEOUT_MIN <= number <= PROVISION_TIMEOUT_MAX:
        raise refusal
    return number


def bluetooth_address(value: Any) -> str:
    """A Bluetooth address as Home Assistant writes them (``AA:BB:CC:DD:EE:FF``), upper-cased."""
    if not isinstance(value, str) or not BLUETOOTH_ADDRESS_PATTERN.match(value.strip()):
        raise FieldInvalid("invalid_address")
    return value.strip().upper()


# --- rules across fields ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Across:
    """A rule across ``fields``: ``check`` raises ``FieldInvalid`` (its path names a field, or none for them all).

    Called on an action's validated data it returns the data, so a schema can chain it.
    """

    fields: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], None]

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]:
        """Check ``data``; hand it on unchanged."""
        self.check(data)
        return data


def _given(fields: tuple[str, ...], reason: str, counts: set[int]) -> Across:
    """The number of ``fields`` given is one of ``counts``."""

    def check(data: Mapping[str, Any]) -> None:
        if sum(1 for name in fields if data.get(name) is not None) not in counts:
            raise FieldInvalid(reason, fields=", ".join(fields))

    return Across(fields, check)


def exactly_one(fields: tuple[str, ...], reason: str) -> Across:
    """Exactly one of ``fields``."""
    return _given(fields, reason, {1})


def together(fields: tuple[str, ...], reason: str) -> Across:
    """All of ``fields`` or none."""
    return _given(fields, reason, {0, len(fields)})


def _check_device_choice(data: Mapping[str, Any]) -> None:
    by_keys = sum(1 for name in (ATTR_PRODUCT_KEY, ATTR_DEVICE_KEY) if data.get(name) is not None)
    by_address = data.get(ATTR_ADDRESS) is not None
    if by_keys == 1 or by_address == bool(by_keys):
        raise FieldInvalid("device_choice", fields=f"{ATTR_ADDRESS}; {ATTR_PRODUCT_KEY} + {ATTR_DEVICE_KEY}")


# A device named by its Bluetooth address, or by both its keys (not both ways, not half of one).
device_choice: Final = Across((ATTR_ADDRESS, ATTR_PRODUCT_KEY, ATTR_DEVICE_KEY), _check_device_choice)


def _check_binding_code(data: Mapping[str, Any]) -> None:
    if (data.get(ATTR_BINDING_CODE) is None) == (data.get(ATTR_ENCRYPTED_BINDING_CODE) is None):
        raise FieldInvalid("binding_code_choice", fields=f"{ATTR_BINDING_CODE}, {ATTR_ENCRYPTED_BINDING_CODE}")
    if data.get(ATTR_ENCRYPTED_BINDING_CODE) is not None and data.get(ATTR_RANDOM) is None:
        raise FieldInvalid("random_required", [ATTR_RANDOM])


# Exactly one of the two binding codes; an encrypted one only with the random the device encrypted it with (the random
# cannot be made up afterwards: without the device's own, the cloud can never decrypt the code).
binding_code_choice: Final = Across((ATTR_BINDING_CODE, ATTR_ENCRYPTED_BINDING_CODE, ATTR_RANDOM), _check_binding_code)


# --- forms -----------------------------------------------------------------------------------------------------------

# How a form words a validator's refusal (keys of ``config.error`` / ``options.error``), where a field needs its own
# words; any other refusal is shown under its reason, which is a form error key too. The one map for every form.
FORM_ERRORS: Final[Mapping[str, Mapping[str, str]]] = {
    # Blank text: a device name says so; a required secret is simply missing.
    "invalid_text": {ATTR_DEVICE_NAME: "invalid_device_name", ATTR_BINDING_SECRET: "required"},
    "text_too_long": {ATTR_DEVICE_NAME: "device_name_too_long"},
}


def form_error(reason: str, field: str) -> str:
    """The form error key for a refusal of ``field`` (``base`` for one across fields)."""
    return FORM_ERRORS.get(reason, {}).get(field, reason)


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a form: its validator (the action's), whether it must be given, whether typed text is trimmed.

    A password is never trimmed: its spaces count.
    """

    validate: Callable[[Any], Any]
    required: bool = False
    strip: bool = False


@dataclass(frozen=True, slots=True)
class FormRules:
    """A form's fields and the checks across them (each runs once the fields it reads passed their own)."""

    fields: Mapping[str, FormField]
    across: tuple[Across, ...] = ()


def _run_form(rules: FormRules, user_input: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, rule in rules.fields.items():
        value = user_input.get(name)
        if value is None or value == "":  # left empty: a form's way of leaving a field out
            if rule.required:
                errors[name] = "required"
            continue
        if rule.strip and isinstance(value, str):
            value = value.strip()
        try:
            values[name] = rule.validate(value)
        except FieldInvalid as err:
            errors[name] = form_error(err.reason, name)
    for check in rules.across:
        if errors.keys().isdisjoint(check.fields):
            try:
                check.check(values)
            except FieldInvalid as err:
                field = str(err.path[0]) if err.path else "base"
                errors[field] = form_error(err.reason, field)
    return values, errors


def check_form(rules: FormRules, user_input: Mapping[str, Any]) -> dict[str, str]:
    """The form's errors (field, or ``base``, -> form error key); empty when every rule holds."""
    return _run_form(rules, user_input)[1]


def form_values(rules: FormRules, user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned values of a form ``check_form`` passed, named as the actions name them (empty fields left out)."""
    values, errors = _run_form(rules, user_input)
    if errors:
        raise ValueError(f"form has errors: {sorted(errors)}")
    return values
