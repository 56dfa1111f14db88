"""The cloud's cryptography, as pure functions.

* Login password: ``pwd = Base64(AES-128-CBC(PKCS7(password)))`` with key and IV taken from ``MD5(random)``.
* Signatures: lowercase hex SHA-256 of a plain concatenation (the user-domain secret is never sent, only hashed in).
* Pure-BLE binding: AES-128-CBC with the Product Secret as key and the 16-character ``random`` as IV (both ASCII).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .const import PRODUCT_SECRET_LENGTH, RANDOM_LENGTH

_RANDOM_ALPHABET = string.ascii_letters + string.digits
_AES_BLOCK_BITS = 128


def make_random(length: int = RANDOM_LENGTH) -> str:
    """A fresh nonce of letters and digits from a CSPRNG, as the vendor apps send."""
    return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(length))


def sha256_hex(*parts: str) -> str:
    """``hex(SHA-256(part1 + part2 + ...))``: every signature the cloud checks."""
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def aes_cbc_encrypt(plaintext: str, key: bytes, iv: bytes) -> str:
    """Base64 of AES-128-CBC over the PKCS#7-padded UTF-8 plaintext."""
    padder = padding.PKCS7(_AES_BLOCK_BITS).padder()
    data = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def aes_cbc_decrypt(ciphertext_b64: str, key: bytes, iv: bytes) -> str:
    """Inverse of ``aes_cbc_encrypt``; raises ``ValueError`` on bad Base64, length or padding."""
    data = base64.b64decode(ciphertext_b64, validate=True)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(_AES_BLOCK_BITS).unpadder()
    return (unpadder.update(padded) + unpadder.finalize()).decode()


def password_key_iv(random: str) -> tuple[bytes, bytes]:
    """Key and IV for the login password: the middle 16 characters of ``MD5(random)`` (upper hex), halves swapped."""
    digest = hashlib.md5(random.encode(), usedforsecurity=False).hexdigest().upper()
    key = digest[8:24]
    return key.encode(), (key[8:16] + key[0:8]).encode()


def encrypt_password(password: str, random: str) -> str:
    """The ``pwd`` parameter of the login calls."""
    key, iv = password_key_iv(random)
    return aes_cbc_encrypt(password, key, iv)


def email_login_signature(email: str, pwd: str, random: str, user_domain_secret: str) -> str:
    """``signature`` of ``emailPwdLogin`` (``pwd`` is the encrypted password)."""
    return sha256_hex(email, pwd, random, user_domain_secret)


def phone_login_signature(international_code: str, phone: str, pwd: str, random: str, user_domain_secret: str) -> str:
    """``signature`` of ``phonePwdLogin`` (``pwd`` is the encrypted password)."""
    return sha256_hex(international_code, phone, pwd, random, user_domain_secret)


def _ble_key_iv(product_secret: str, random: str) -> tuple[bytes, bytes]:
    key, iv = product_secret.encode(), random.encode()
    if len(key) != PRODUCT_SECRET_LENGTH:
        raise ValueError(f"The product secret must be {PRODUCT_SECRET_LENGTH} ASCII characters")
    if len(iv) != RANDOM_LENGTH:
        raise ValueError(f"The random must be {RANDOM_LENGTH} ASCII characters")
    return key, iv


def encrypt_binding_code(binding_code: str, product_secret: str, random: str) -> str:
    """``encryptedBindingCode`` of a pure-BLE bind."""
    return aes_cbc_encrypt(binding_code, *_ble_key_iv(product_secret, random))


def encrypt_binding_secret(
    product_key: str, device_key: str, binding_secret: str, product_secret: str, random: str
) -> str:
    """``encryptedNewBindingSecret`` / ``encryptedOldBindingSecret``: the literal string ``"PK,DK,bindingSecret"``."""
    return aes_cbc_encrypt(f"{product_key},{device_key},{binding_secret}", *_ble_key_iv(product_secret, random))


def pure_ble_signature(
    product_key: str, device_key: str, binding_code_or_encrypted: str, device_password: str, user_domain_secret: str
) -> str:
    """``signature`` of a pure-BLE bind; the encrypted binding code replaces the plain one when that is sent."""
    return sha256_hex(product_key, device_key, binding_code_or_encrypted, device_password, user_domain_secret)
