"""The cloud's cryptography, written independently of the integration's client.

Everything here follows the vendor's published formulas (``cloud_api.md`` sections 3.3, 3.4 and 6.3, and the
pure-BLE seed page); the integration implements the same formulas on its own, so the two cross-check each other.

* Login password: ``pwd = Base64(AES-128-CBC(PKCS7(password), key, iv))`` with ``m = MD5_hex_upper(random)``,
  ``key = m[8:24]`` (16 ASCII characters) and ``iv = key[8:16] + key[0:8]``.
* Signatures: lowercase hex SHA-256 of the plain concatenation of the fields (no separators).
* Pure BLE: ``Base64(AES-128-CBC(PKCS7(text), key=PS, iv=random))`` with PS and random taken as ASCII bytes.
* Tokens: JWTs signed with HMAC-SHA256 under a per-simulator key (the real cloud uses RS256; clients only read the
  payload).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_BLOCK_BITS = 128
"""AES block size in bits (for the PKCS#7 padder)."""

AES_KEY_BYTES = 16
"""AES-128 key and IV length in bytes."""


class DecryptError(ValueError):
    """A ciphertext that does not decrypt to padded UTF-8 text under the given key and IV."""


class JwtError(ValueError):
    """A token that is not a well-formed JWT, or whose signature does not verify."""


def sha256_hex(*parts: str) -> str:
    """Hash the concatenation of ``parts`` the way every signature of the cloud is made.

    Args:
        *parts: The fields, concatenated in order without separators.

    Returns:
        The lowercase hex SHA-256 of the UTF-8 bytes.
    """
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def login_key_iv(random: str) -> tuple[bytes, bytes]:
    """Derive the login password's AES key and IV from ``random``.

    Args:
        random: The request's ``random`` parameter.

    Returns:
        ``(key, iv)``: ``key`` is characters 8..24 of the upper-case hex MD5 of ``random`` (as ASCII), ``iv`` is the
        key with its two 8-byte halves swapped.
    """
    digest = hashlib.md5(random.encode(), usedforsecurity=False).hexdigest().upper()
    key = digest[8:24]
    return key.encode(), (key[8:16] + key[0:8]).encode()


def aes_cbc_encrypt(plaintext: str, key: bytes, iv: bytes) -> str:
    """Encrypt text with AES-CBC and PKCS#7 padding.

    Args:
        plaintext: The text (UTF-8 encoded before padding).
        key: The AES key (16 bytes).
        iv: The IV (16 bytes).

    Returns:
        Standard Base64 (with padding) of the ciphertext.
    """
    padder = padding.PKCS7(AES_BLOCK_BITS).padder()
    data = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def aes_cbc_decrypt(ciphertext_b64: str, key: bytes, iv: bytes) -> str:
    """Decrypt what :func:`aes_cbc_encrypt` produced.

    Args:
        ciphertext_b64: Standard Base64 of the ciphertext.
        key: The AES key (16 bytes).
        iv: The IV (16 bytes).

    Returns:
        The plaintext.

    Raises:
        DecryptError: Bad Base64, a key or IV of the wrong length, a ciphertext that is not whole blocks, bad padding
            or a plaintext that is not UTF-8.
    """
    if len(key) != AES_KEY_BYTES or len(iv) != AES_KEY_BYTES:
        raise DecryptError("key and iv must be 16 bytes")
    try:
        raw = base64.b64decode(ciphertext_b64, validate=True)
    except binascii.Error as err:
        raise DecryptError("not Base64") from err
    if not raw or len(raw) % AES_KEY_BYTES:
        raise DecryptError("not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(raw) + decryptor.finalize()
    unpadder = padding.PKCS7(AES_BLOCK_BITS).unpadder()
    try:
        data = unpadder.update(padded) + unpadder.finalize()
        return data.decode()
    except (ValueError, UnicodeDecodeError) as err:
        raise DecryptError("bad padding or not UTF-8") from err


def encrypt_login_password(password: str, random: str) -> str:
    """Encrypt a login password as the app does (the ``pwd`` parameter).

    Args:
        password: The account password in clear.
        random: The request's ``random``.

    Returns:
        The Base64 ``pwd`` value.
    """
    key, iv = login_key_iv(random)
    return aes_cbc_encrypt(password, key, iv)


def decrypt_login_password(pwd: str, random: str) -> str:
    """Recover the password from a login ``pwd``.

    Whitespace in ``pwd`` is skipped before decoding: Android's ``Base64.DEFAULT`` breaks lines every 76 characters
    and ends with a newline, and the real cloud accepts such a ``pwd`` (``bordeux/ha-oukitel-powerstation``,
    REVERSE_ENGINEERING.md 11b, verified live). The login's signature is still over ``pwd`` exactly as sent.

    Args:
        pwd: The Base64 ``pwd`` parameter, as sent.
        random: The request's ``random``.

    Returns:
        The password in clear.

    Raises:
        DecryptError: When ``pwd`` does not decrypt under the key derived from ``random``.
    """
    key, iv = login_key_iv(random)
    return aes_cbc_decrypt("".join(pwd.split()), key, iv)


def email_login_signature(email: str, pwd: str, random: str, secret: str) -> str:
    """Signature of ``emailPwdLogin``: ``sha256(email + pwd + random + userDomainSecret)``.

    Args:
        email: The account email.
        pwd: The encrypted password (Base64), not the clear one.
        random: The request's ``random``.
        secret: The user domain secret.

    Returns:
        The lowercase hex signature.
    """
    return sha256_hex(email, pwd, random, secret)


def phone_login_signature(international_code: str, phone: str, pwd: str, random: str, secret: str) -> str:
    """Signature of ``phonePwdLogin``: ``sha256(internationalCode + phone + pwd + random + userDomainSecret)``.

    Args:
        international_code: The international code ("" when the request has none).
        phone: The phone number.
        pwd: The encrypted password (Base64).
        random: The request's ``random``.
        secret: The user domain secret.

    Returns:
        The lowercase hex signature.
    """
    return sha256_hex(international_code, phone, pwd, random, secret)


def ble_encrypt(plaintext: str, product_secret: str, random: str) -> str:
    """Pure-BLE field encryption: ``Base64(AES-128-CBC(PKCS7(text), key=PS, iv=random))``.

    Args:
        plaintext: A binding code, or ``"PK,DK,bindingSecret"``.
        product_secret: The product's 16-character Product Secret (the key, as ASCII).
        random: The device's 16-character random (the IV, as ASCII).

    Returns:
        The Base64 ciphertext.
    """
    return aes_cbc_encrypt(plaintext, product_secret.encode(), random.encode())


def ble_decrypt(ciphertext_b64: str, product_secret: str, random: str) -> str:
    """Reverse :func:`ble_encrypt`.

    Args:
        ciphertext_b64: The Base64 ciphertext.
        product_secret: The Product Secret (key, ASCII).
        random: The random (IV, ASCII).

    Returns:
        The plaintext.

    Raises:
        DecryptError: When the value does not decrypt (including a PS or random that is not 16 bytes).
    """
    return aes_cbc_decrypt(ciphertext_b64, product_secret.encode(), random.encode())


def ble_signature(pk: str, dk: str, binding_code: str, pwd: str, secret: str) -> str:
    """Signature of ``deviceBindingByPureBt``: ``sha256(pk + dk + bindingCode + pwd + userDomainSecret)``.

    Args:
        pk: Product key.
        dk: Device key.
        binding_code: The ``encryptedBindingCode`` when the request carries one, else the clear ``bindingCode``.
        pwd: The device password ("" when absent).
        secret: The user domain secret.

    Returns:
        The lowercase hex signature.
    """
    return sha256_hex(pk, dk, binding_code, pwd, secret)


def new_auth_key() -> str:
    """Make a device authKey: Base64 of 16 random bytes.

    Returns:
        The new authKey.
    """
    return base64.b64encode(secrets.token_bytes(16)).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(claims: dict[str, Any], key: bytes) -> str:
    """Make a compact HS256 JWT.

    Args:
        claims: The payload claims.
        key: The HMAC key.

    Returns:
        ``header.payload.signature``, each part unpadded base64url.
    """
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = _b64url(hmac.new(key, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def decode_jwt(token: str, key: bytes | None = None) -> dict[str, Any]:
    """Read a JWT's payload, checking its HS256 signature when ``key`` is given.

    Args:
        token: The compact JWT (without any ``Bearer`` prefix).
        key: The HMAC key, or ``None`` to skip the signature check (as clients do).

    Returns:
        The payload claims.

    Raises:
        JwtError: A malformed token, or a signature that does not verify.
    """
    parts = token.split(".")
    if len(parts) != 3:  # noqa: PLR2004 - header, payload, signature
        raise JwtError("not a compact JWT")
    if key is not None:
        expected = _b64url(hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            raise JwtError("bad JWT signature")
    try:
        claims = json.loads(_b64url_decode(parts[1]))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise JwtError("bad JWT payload") from err
    if not isinstance(claims, dict):
        raise JwtError("JWT payload is not an object")
    return claims
