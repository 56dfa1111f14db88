"""Known-answer tests of the cloud's cryptography (cloud_api.md §3.3, §3.4, seed 002)."""

from __future__ import annotations

import pytest

from custom_components.quectel_iot.api import PureBleBindRequest
from custom_components.quectel_iot.api.crypto import (
    aes_cbc_decrypt,
    email_login_signature,
    encrypt_binding_code,
    encrypt_binding_secret,
    encrypt_password,
    make_random,
    password_key_iv,
    phone_login_signature,
    pure_ble_signature,
    sha256_hex,
)
from tests.common import BLE_CODE, BLE_DK, BLE_PK, BLE_PS, DEMO_SECRET

DOC_SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM22"


def test_password_vector_from_the_docs() -> None:
    key, iv = password_key_iv("j1acpdj2bmtqZXVb")
    assert key == b"89A049614445CCA8"
    assert iv == b"4445CCA889A04961"
    assert encrypt_password("china1234", "j1acpdj2bmtqZXVb") == "lkZMvj0KDSJXlp66jBieHA=="


def test_password_vector_from_a_third_party_client() -> None:
    key, iv = password_key_iv("A1b2C3d4E5f6G7h8")
    assert (key, iv) == (b"53135C61D6B5274A", b"D6B5274A53135C61")
    assert encrypt_password("battery-staple", "A1b2C3d4E5f6G7h8") == "3sdplu/Bs129i+mVuBFlOg=="


def test_phone_login_vector_from_the_access_guide() -> None:
    pwd = encrypt_password("abcd1234", "abcdef")
    assert pwd == "KbbO5AsWloh9gulLei6NhQ=="
    assert (
        phone_login_signature("86", "17132136550", pwd, "abcdef", DOC_SECRET)
        == "1fd91ebf096be51dae1c6055bc930bd8e24b1f477d2a47ae87eedb0f73057bf0"
    )


def test_email_login_and_sms_signature_vectors() -> None:
    assert (
        email_login_signature("user@example.com", "lkZMvj0KDSJXlp66jBieHA==", "j1acpdj2bmtqZXVb", DOC_SECRET)
        == "bd0ab54523e2cb53dda1b0a26c84ac18a5defeb685fcec7818b2cc2b628bc9ca"
    )
    assert (
        sha256_hex("17132136550", "3", "76a6L647F02CAoN9", "1744773894369", DOC_SECRET)
        == "2deb6518ca0ee701e28a6359a91270c59dbe69456a3336dc5f625bfa32e64df6"
    )
    # The docs' table prints SHA-256 of the empty string; the stated input hashes to this.
    assert (
        sha256_hex("13800138000", "3", "76a6L647F02CAoN9", "1744773894369", DOC_SECRET[:-2] + "33")
        == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
    )


def test_pure_ble_fixed_vectors_computed_with_openssl() -> None:
    # openssl enc -aes-128-cbc -K hex("VnhyDemoPsSTFh16") -iv hex("abcdefghijklmnop") | base64
    random = "abcdefghijklmnop"
    assert encrypt_binding_code(BLE_CODE, BLE_PS, random) == "SOnStjTKYkD6YvLFS0IVJIz340BxZyATjvB0PK1Ql04="
    assert (
        encrypt_binding_secret(BLE_PK, BLE_DK, "mySecret01", BLE_PS, random)
        == "98a/9GC0pI/C+oW3cSTrGgh8FHrbpup7FkrJsQa42cQ="
    )
    # sha256sum of the concatenation
    assert (
        pure_ble_signature(BLE_PK, BLE_DK, BLE_CODE, "", DEMO_SECRET)
        == "bc16b3a64c5bc1b246174dd3e70d3c0d283e4f36bc9d47e52321f2d84d99fc86"
    )


def test_pure_ble_round_trip() -> None:
    random = make_random()
    cipher = encrypt_binding_secret(BLE_PK, BLE_DK, "s3cr3t,with,commas", BLE_PS, random)
    assert aes_cbc_decrypt(cipher, BLE_PS.encode(), random.encode()) == f"{BLE_PK},{BLE_DK},s3cr3t,with,commas"
    assert aes_cbc_decrypt(encrypt_binding_code(BLE_CODE, BLE_PS, random), BLE_PS.encode(), random.encode()) == BLE_CODE


def test_random_is_fresh_alphanumeric() -> None:
    values = {make_random() for _ in range(50)}
    assert len(values) == 50
    assert all(len(value) == 16 and value.isalnum() and value.isascii() for value in values)


@pytest.mark.parametrize(("secret", "random"), [("short", "abcdefghijklmnop"), (BLE_PS, "short")])
def test_pure_ble_refuses_wrong_key_or_iv_length(secret: str, random: str) -> None:
    with pytest.raises(ValueError, match="16 ASCII"):
        encrypt_binding_code(BLE_CODE, secret, random)


def test_pure_ble_body_encrypted_code_and_old_secret() -> None:
    random = "abcdefghijklmnop"
    encrypted = encrypt_binding_code(BLE_CODE, BLE_PS, random)
    body = PureBleBindRequest(
        product_key=BLE_PK,
        device_key=BLE_DK,
        product_secret=BLE_PS,
        binding_secret="new",
        encrypted_binding_code=encrypted,
        old_binding_secret="old",
        random=random,
        device_password="1234",
    ).to_api(DEMO_SECRET)
    assert "bindingCode" not in body
    assert body["encryptedBindingCode"] == encrypted
    assert body["pwd"] == "1234"
    assert body["signature"] == sha256_hex(BLE_PK, BLE_DK, encrypted, "1234", DEMO_SECRET)
    assert (
        aes_cbc_decrypt(body["encryptedOldBindingSecret"], BLE_PS.encode(), random.encode()) == f"{BLE_PK},{BLE_DK},old"
    )


@pytest.mark.parametrize("codes", [{}, {"binding_code": BLE_CODE, "encrypted_binding_code": "abc="}])
def test_pure_ble_body_needs_exactly_one_code(codes: dict[str, str]) -> None:
    request = PureBleBindRequest(
        product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="s", **codes
    )
    with pytest.raises(ValueError, match="exactly one"):
        request.to_api(DEMO_SECRET)


def test_pure_ble_body_refuses_an_encrypted_code_without_its_random() -> None:
    # The device encrypted the code with its own random: a new one could never decrypt it.
    request = PureBleBindRequest(
        product_key=BLE_PK,
        device_key=BLE_DK,
        product_secret=BLE_PS,
        binding_secret="s",
        encrypted_binding_code=encrypt_binding_code(BLE_CODE, BLE_PS, "abcdefghijklmnop"),
    )
    with pytest.raises(ValueError, match="random it was encrypted with"):
        request.to_api(DEMO_SECRET)


def test_pure_ble_body_plain_code_without_random_gets_a_fresh_csprng_one(monkeypatch: pytest.MonkeyPatch) -> None:
    request = PureBleBindRequest(
        product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="s", binding_code=BLE_CODE
    )
    randoms = {request.to_api(DEMO_SECRET)["random"] for _ in range(20)}
    assert len(randoms) == 20
    assert all(len(value) == 16 and value.isalnum() and value.isascii() for value in randoms)
    # Drawn from the secrets module (a CSPRNG), not from random.
    drawn: list[str] = []

    def choice(alphabet: str) -> str:
        drawn.append(alphabet)
        return "Q"

    monkeypatch.setattr("custom_components.quectel_iot.api.crypto.secrets.choice", choice)
    body = request.to_api(DEMO_SECRET)
    assert body["random"] == "Q" * 16
    assert len(drawn) == 16
    assert aes_cbc_decrypt(body["encryptedNewBindingSecret"], BLE_PS.encode(), b"Q" * 16) == f"{BLE_PK},{BLE_DK},s"
