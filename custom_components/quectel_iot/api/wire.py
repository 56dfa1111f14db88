"""Request builders: what each call puts on the wire, as pure functions (no I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .const import PATH_EMAIL_LOGIN, PATH_PHONE_LOGIN
from .crypto import (
    email_login_signature,
    encrypt_binding_secret,
    encrypt_password,
    make_random,
    phone_login_signature,
    pure_ble_signature,
)
from .models import EmailCredentials

if TYPE_CHECKING:
    from .models import BindOptions, Credentials, PureBleBindRequest


def query_bool(value: bool) -> str:
    """A boolean as the query strings of the vendor's pages spell it."""
    return "true" if value else "false"


def login_form(
    credentials: Credentials, user_domain: str, user_domain_secret: str, random: str | None = None
) -> tuple[str, dict[str, str]]:
    """The path and the parameters of ``emailPwdLogin`` / ``phonePwdLogin`` (a fresh ``random`` when none is given).

    The signature covers the encrypted password exactly as sent.
    """
    random = random or make_random()
    pwd = encrypt_password(credentials.password, random)
    if isinstance(credentials, EmailCredentials):
        return PATH_EMAIL_LOGIN, {
            "email": credentials.email,
            "pwd": pwd,
            "random": random,
            "userDomain": user_domain,
            "signature": email_login_signature(credentials.email, pwd, random, user_domain_secret),
        }
    return PATH_PHONE_LOGIN, {
        "phone": credentials.phone,
        "internationalCode": credentials.international_code,
        "pwd": pwd,
        "random": random,
        "userDomain": user_domain,
        "signature": phone_login_signature(
            credentials.international_code, credentials.phone, pwd, random, user_domain_secret
        ),
    }


def bind_options_query(options: BindOptions) -> dict[str, str]:
    """The optional bind parameters of a query-string endpoint (``bindDeviceDk``)."""
    params: dict[str, str] = {}
    if options.device_name is not None:
        params["name"] = options.device_name
    if options.capabilities is not None:
        params["capabilitiesBitmask"] = str(options.capabilities)
    if options.family_id:
        params["fid"] = options.family_id
    if options.room_id:
        params["frid"] = options.room_id
    if options.common_device is not None:
        params["isCommonDevice"] = query_bool(options.common_device)
    return params


def bind_options_body(options: BindOptions, *, name_field: str) -> dict[str, Any]:
    """The optional bind parameters of a JSON-body endpoint (the Wi-Fi and pure-BLE binds)."""
    body: dict[str, Any] = {}
    if options.device_name is not None:
        body[name_field] = options.device_name
    if options.capabilities is not None:
        body["capabilitiesBitmask"] = options.capabilities
    if options.family_id:
        body["fid"] = options.family_id
    if options.room_id:
        body["frid"] = options.room_id
    if options.common_device is not None:
        body["isCommonDevice"] = options.common_device
    return body


def build_pure_ble_body(request: PureBleBindRequest, user_domain_secret: str) -> dict[str, Any]:
    """The JSON body of ``deviceBindingByPureBt`` (pure: no I/O), per the seed's formulas.

    A plain binding code is sent as ``bindingCode`` and an already encrypted one as ``encryptedBindingCode``; the
    signature covers whichever is sent.

    Raises:
        ValueError: Neither or both binding codes are given; or an encrypted binding code comes without its
            ``random``. The device encrypted that code with a random of its own, so a new one could never decrypt
            it: the request is refused before anything is sent. A plain binding code without ``random`` gets a fresh
            one from a CSPRNG.
    """
    if (request.binding_code is None) == (request.encrypted_binding_code is None):
        raise ValueError("Give exactly one of binding_code and encrypted_binding_code")
    if request.encrypted_binding_code is not None and not request.random:
        raise ValueError("An encrypted binding code needs the random it was encrypted with")
    random = request.random or make_random()
    pk, dk, ps = request.product_key, request.device_key, request.product_secret
    body: dict[str, Any] = {"pk": pk, "dk": dk, "random": random}
    if request.encrypted_binding_code is not None:
        code_field, code_value = "encryptedBindingCode", request.encrypted_binding_code
    else:
        code_field, code_value = "bindingCode", str(request.binding_code)
    body[code_field] = code_value
    body["encryptedNewBindingSecret"] = encrypt_binding_secret(pk, dk, request.binding_secret, ps, random)
    if request.old_binding_secret is not None:
        body["encryptedOldBindingSecret"] = encrypt_binding_secret(pk, dk, request.old_binding_secret, ps, random)
    password = request.device_password or ""
    if password:
        body["pwd"] = password
    body["signature"] = pure_ble_signature(pk, dk, code_value, password, user_domain_secret)
    body.update(bind_options_body(request.options, name_field="deviceName"))
    return body
