"""The simulator's cryptography against the documented known answers (cloud_api.md 3.3 / 3.4) and its messages."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from quectel_simulator import crypto
from quectel_simulator.codes import MESSAGES, ApiError, message_for
from tests.simulator.helpers import (
    BLE_PS,
    RANDOM16,
    aes_b64,
    encrypt_pwd,
    sha,
)

# ----- crypto known answers (cloud_api.md 3.3 / 3.4) -----


def test_login_password_vectors() -> None:
    assert crypto.login_key_iv("j1acpdj2bmtqZXVb") == (b"89A049614445CCA8", b"4445CCA889A04961")
    assert crypto.encrypt_login_password("china1234", "j1acpdj2bmtqZXVb") == "lkZMvj0KDSJXlp66jBieHA=="
    assert crypto.login_key_iv("A1b2C3d4E5f6G7h8") == (b"53135C61D6B5274A", b"D6B5274A53135C61")
    assert crypto.encrypt_login_password("battery-staple", "A1b2C3d4E5f6G7h8") == "3sdplu/Bs129i+mVuBFlOg=="
    assert crypto.encrypt_login_password("abcd1234", "abcdef") == "KbbO5AsWloh9gulLei6NhQ=="
    assert crypto.decrypt_login_password("lkZMvj0KDSJXlp66jBieHA==", "j1acpdj2bmtqZXVb") == "china1234"
    # The independent implementation above agrees.
    assert encrypt_pwd("china1234", "j1acpdj2bmtqZXVb") == "lkZMvj0KDSJXlp66jBieHA=="


def test_signature_vectors() -> None:
    vm22 = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM22"
    vm33 = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
    assert (
        crypto.phone_login_signature("86", "17132136550", "KbbO5AsWloh9gulLei6NhQ==", "abcdef", vm22)
        == "1fd91ebf096be51dae1c6055bc930bd8e24b1f477d2a47ae87eedb0f73057bf0"
    )
    assert (
        crypto.sha256_hex("17132136550", "3", "76a6L647F02CAoN9", "1744773894369", vm22)
        == "2deb6518ca0ee701e28a6359a91270c59dbe69456a3336dc5f625bfa32e64df6"
    )
    assert (
        crypto.sha256_hex("13800138000", "3", "76a6L647F02CAoN9", "1744773894369", vm33)
        == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
    )
    assert crypto.sha256_hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert (
        crypto.email_login_signature("user@example.com", "lkZMvj0KDSJXlp66jBieHA==", "j1acpdj2bmtqZXVb", vm22)
        == "bd0ab54523e2cb53dda1b0a26c84ac18a5defeb685fcec7818b2cc2b628bc9ca"
    )
    assert crypto.ble_signature("pk", "dk", "code", "", "s") == sha("pkdkcodes")


@pytest.mark.parametrize(
    "ciphertext",
    ["not base64!", "", base64.b64encode(b"short").decode(), "lkZMvj0KDSJXlp66jBieHA=="],
)
def test_decrypt_failures(ciphertext: str) -> None:
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt_login_password(ciphertext, "a different random")


def test_decrypt_not_utf8() -> None:
    key, iv = b"K" * 16, b"I" * 16
    padder = padding.PKCS7(128).padder()
    data = padder.update(b"\xff\xfe") + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()
    with pytest.raises(crypto.DecryptError):
        crypto.aes_cbc_decrypt(ciphertext, key, iv)


def test_ble_crypto_round_trip() -> None:
    ciphertext = crypto.ble_encrypt("p11blee,d0d1d2d3d4d5,s3cret", BLE_PS, RANDOM16)
    assert ciphertext == aes_b64("p11blee,d0d1d2d3d4d5,s3cret", BLE_PS.encode(), RANDOM16.encode())
    assert crypto.ble_decrypt(ciphertext, BLE_PS, RANDOM16) == "p11blee,d0d1d2d3d4d5,s3cret"
    with pytest.raises(crypto.DecryptError):
        crypto.ble_decrypt(ciphertext, BLE_PS, "short random")
    auth_key = base64.b64decode(crypto.new_auth_key())
    assert len(auth_key) == 16


def test_jwt() -> None:
    token = crypto.encode_jwt({"uid": "C1", "type": "AccessToken"}, b"k")
    assert crypto.decode_jwt(token, b"k") == {"uid": "C1", "type": "AccessToken"}
    assert crypto.decode_jwt(token) == {"uid": "C1", "type": "AccessToken"}
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt(token, b"other key")
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt("a.b")
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt("a.%%%.c")
    not_object = base64.urlsafe_b64encode(b"[1]").decode().rstrip("=")
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt(f"a.{not_object}.c")


def test_messages() -> None:
    assert message_for(5032) == "Token verification failed."
    assert message_for(1234) == "Error 1234."
    assert ApiError(5420).msg == MESSAGES[5420]
    assert ApiError(5420, "custom").msg == "custom"
