"""``validation.check_form``: one way every form checks its fields with the actions' validators and words a refusal."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.quectel_iot import validation as v
from custom_components.quectel_iot.ble_binding import FORM_RULES as BLE_RULES
from quectel_simulator import CloudSimulator
from tests.common import BLE_CODE, BLE_PK, BLE_PS, setup_demo_entry

RULES = v.FormRules(
    fields={
        "device_name": v.FormField(v.device_name, strip=True),
        "ssid": v.FormField(v.ssid, required=True),
        "wifi_password": v.FormField(v.wifi_password),
        "binding_code": v.FormField(v.binding_code, strip=True),
        "encrypted_binding_code": v.FormField(v.encrypted_binding_code, strip=True),
        "random": v.FormField(v.random_value, strip=True),
    },
    across=(v.binding_code_choice,),
)
GOOD = {"ssid": "home", "binding_code": BLE_CODE}


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({}, {"ssid": "required", "base": "binding_code_choice"}),
        ({"ssid": ""}, {"ssid": "required", "base": "binding_code_choice"}),
        ({**GOOD, "device_name": "   "}, {"device_name": "invalid_device_name"}),
        ({**GOOD, "device_name": "n" * 255}, {"device_name": "device_name_too_long"}),
        ({**GOOD, "ssid": "s" * 33}, {"ssid": "invalid_ssid"}),
        ({**GOOD, "wifi_password": "p" * 65}, {"wifi_password": "invalid_wifi_password"}),
        ({**GOOD, "binding_code": "XYZ"}, {"binding_code": "invalid_binding_code"}),
        ({**GOOD, "encrypted_binding_code": "QUJD"}, {"base": "binding_code_choice"}),
        ({"ssid": "home", "encrypted_binding_code": "QUJD"}, {"random": "random_required"}),
        # A rule across fields waits for the fields it reads: a bad code is reported, not "give exactly one".
        ({"ssid": "home", "binding_code": "XYZ", "encrypted_binding_code": "QUJD"}, {"binding_code": "invalid_binding_code"}),
    ],
)  # fmt: skip
def test_check_form_words_each_refusal(values: dict[str, str], errors: dict[str, str]) -> None:
    assert v.check_form(RULES, values) == errors


def test_form_values_are_cleaned_and_empty_fields_left_out() -> None:
    values = {**GOOD, "device_name": "  Lamp  ", "wifi_password": "  spaced  ", "random": ""}
    values["binding_code"] = f" {BLE_CODE.lower()} "
    assert v.check_form(RULES, values) == {}
    assert v.form_values(RULES, values) == {
        "ssid": "home",
        "device_name": "Lamp",
        "wifi_password": "  spaced  ",  # a password is never trimmed
        "binding_code": BLE_CODE.lower(),
    }


def test_form_values_refuse_a_form_with_errors() -> None:
    with pytest.raises(ValueError, match="ssid"):
        v.form_values(RULES, {})


def test_one_error_map_for_every_form() -> None:
    # A validator's reason is the form key unless the field words it its own way.
    assert v.form_error("invalid_text", "device_name") == "invalid_device_name"
    assert v.form_error("invalid_text", "binding_secret") == "required"
    assert v.form_error("invalid_text", "device_password") == "invalid_text"
    assert v.form_error("text_too_long", "device_name") == "device_name_too_long"
    assert v.form_error("invalid_ssid", "ssid") == "invalid_ssid"


def test_ble_form_rules() -> None:
    assert v.check_form(BLE_RULES, {"binding_code": BLE_CODE, "binding_secret": "s", "product_secret": BLE_PS}) == {}
    assert v.check_form(BLE_RULES, {"binding_code": BLE_CODE, "binding_secret": "s", "product_secret": "short"}) == {
        "product_secret": "invalid_product_secret"
    }


async def test_the_account_saves_a_product_secret(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"family_id": "fam-demo-home"})
    account = entry.runtime_data
    account.async_save_product_secret(BLE_PK, BLE_PS)
    assert entry.options == {"family_id": "fam-demo-home", "product_secrets": {BLE_PK: BLE_PS}}
    saved = entry.options
    account.async_save_product_secret(BLE_PK, BLE_PS)  # the same secret again: the options are left alone
    assert entry.options is saved
    account.async_save_product_secret("p11other", "0123456789abcdef")
    assert entry.options["product_secrets"] == {BLE_PK: BLE_PS, "p11other": "0123456789abcdef"}
    assert entry.state is ConfigEntryState.LOADED  # no reload
