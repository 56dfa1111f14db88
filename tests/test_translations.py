"""The two translation files match, and cover every action field, error key and cloud code the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.quectel_iot.errors import TRANSLATED_CLOUD_CODES

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "quectel_iot"


def _load(language: str) -> dict[str, Any]:
    return json.loads((INTEGRATION / "translations" / f"{language}.json").read_text(encoding="utf-8"))


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


EN = _flatten(_load("en"))
ZH = _flatten(_load("zh-Hans"))


def test_same_keys_and_placeholders() -> None:
    assert set(EN) == set(ZH)
    for key, text in EN.items():
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", ZH[key])), key
        assert ZH[key].strip(), key


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_every_action_field_is_named_and_described(language: str) -> None:
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    strings = _load(language)["services"]
    assert set(services) == set(strings)
    for service, spec in services.items():
        assert strings[service]["name"]
        assert strings[service]["description"]
        assert set(spec["fields"]) == set(strings[service]["fields"])
        for field in spec["fields"]:
            assert strings[service]["fields"][field]["name"], (service, field)
            assert strings[service]["fields"][field]["description"], (service, field)


def test_every_error_key_of_the_contract_exists() -> None:
    for key in (
        "invalid_auth",
        "invalid_user_domain",
        "account_locked",
        "cannot_connect",
        "invalid_base_url",
        "unknown",
    ):
        assert f"config.error.{key}" in EN
    for key in ("already_configured", "reauth_successful", "reconfigure_successful", "wrong_account"):
        assert f"config.abort.{key}" in EN
    for code in TRANSLATED_CLOUD_CODES:
        assert f"exceptions.cloud_error_{code}.message" in EN
        assert "{code}" in EN[f"exceptions.cloud_error_{code}.message"]


def test_every_translation_key_raised_in_code_exists() -> None:
    source = "\n".join(path.read_text() for path in INTEGRATION.glob("*.py"))
    keys = set(re.findall(r'translation_key="(\w+)"', source))
    keys |= set(re.findall(r'FieldInvalid\("(\w+)"', source)) | set(re.findall(r'_refuse\(field, "(\w+)"', source))
    keys |= {"binding_code_choice", "share_recipient_choice", "reset_credentials_pair", "invalid_reset_credentials"}
    keys -= set(_load("en")["selector"])  # selector translation keys live under "selector", checked below
    # Entity translation keys live under "entity.<platform>.<key>".
    keys -= {key for platform in _load("en").get("entity", {}).values() for key in platform}
    assert set(_load("en")["selector"]) == {"region", "cover_mode"}
    assert len(keys) > 20
    for key in keys:
        assert f"exceptions.{key}.message" in EN, key


def test_service_icons() -> None:
    icons = json.loads((INTEGRATION / "icons.json").read_text())
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    assert set(icons["services"]) == set(services)
    assert all(value["service"].startswith("mdi:") for value in icons["services"].values())
