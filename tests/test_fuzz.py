"""Property-based tests (hypothesis): random action inputs and random Bluetooth advertisements.

* The actions' validation layer (the schemas HA runs before a handler) with random data per field: it returns the data
  or raises a translated ``ServiceValidationError``, nothing else.
* The same kind of input through ``hass.services.async_call`` against the simulator: success, a refusal before any
  request (when the schema refuses), or a translated ``HomeAssistantError`` from the cloud; never another exception.
* Advertisements mutated from a valid one, through the parser and through HA's Bluetooth discovery flow.

Example counts stay modest so the suite stays fast; failures print the smallest input that fails.
"""

from __future__ import annotations

import base64
import math
import string
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from unittest.mock import MagicMock

import pytest
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
from homeassistant.config_entries import SOURCE_BLUETOOTH
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from custom_components.quectel_iot.api import (
    QUECTEL_MANUFACTURER_ID,
    QuecAdvertisement,
    needs_wifi,
    parse_advertisement,
)
from custom_components.quectel_iot.const import DOMAIN
from custom_components.quectel_iot.services import async_setup_services
from quectel_simulator import CloudSimulator
from tests.api.test_advertisement import payload
from tests.common import (
    BLE_CODE,
    BLE_DK,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    FRIEND_EMAIL,
    FRIEND_UID,
    TRANSLATIONS,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
    setup_demo_entry,
)

SERVICES = (
    "bind_by_dk",
    "bind_wifi",
    "bind_ble",
    "share_device",
    "unbind_device",
    "accept_share",
    "revoke_share",
    "list_shares",
    "leave_share",
    "provision_wifi",
)
ENTRY = "<the loaded entry>"  # replaced by the real entry id where a test has one

# --- strategies -----------------------------------------------------------------------------------------------------

# Values that break naive validators: huge and non-finite numbers, lone surrogates, unhashable containers.
NASTY = st.sampled_from(
    [10**400, -(10**400), math.inf, -math.inf, math.nan, "\ud800", "", " ", "\x00", [], {}, [1], {"a": 1}, b"x"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    st.text(alphabet="0123456789abcdefABCDEF", max_size=40),
    NASTY,
)
ANY_VALUE = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
OFFSETS = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)).map(
    timezone
)
DATES = st.one_of(
    st.datetimes(timezones=st.none() | OFFSETS).map(datetime.isoformat),
    st.datetimes(timezones=st.none() | OFFSETS),
    st.dates().map(str),
    st.sampled_from(["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "tomorrow", "2099-01-01"]),
)
DEVICE_KEYS = st.from_regex(r"[0-9A-Za-z]{4,32}", fullmatch=True)
HEX16 = st.from_regex(r"[0-9A-Fa-f]{16}", fullmatch=True)
MATTER = st.fixed_dictionaries(
    {},
    optional={
        name: st.integers(-1, 2**70) | NASTY | ANY_VALUE
        for name in ("vendor_id", "product_id", "node_id", "fabric_id", "discriminator")
    }
    | {
        "version": st.text(max_size=5) | ANY_VALUE,
        "cat_list": st.lists(
            st.fixed_dictionaries(
                {"cat": st.integers(-1, 2**70) | ANY_VALUE, "privilege": st.sampled_from(["View", "Operate", "Root"])}
            ),
            max_size=2,
        )
        | ANY_VALUE,
        "extra": ANY_VALUE,
    },
)

# Per field: well-formed values (so that calls get through and the cloud answers), then spoilt ones (below).
WORDS = st.text(min_size=1, max_size=40).filter(str.strip)
PLAUSIBLE: dict[str, Any] = {
    "config_entry_id": st.just(ENTRY),
    "product_key": st.sampled_from([CELL_PK, WIFI_PK, BLE_PK]) | DEVICE_KEYS,
    "device_key": st.sampled_from([CELL_DK_FREE, CELL_DK_BOUND, WIFI_DK, BLE_DK]) | DEVICE_KEYS,
    "device_name": st.text(min_size=1, max_size=254).filter(str.strip),
    "capabilities": st.integers(1, 15) | st.sampled_from(["3", 7.0]),
    "family_id": st.sampled_from(["fam-demo-home", "fam-neighbour", "nope"]),
    "room_id": st.sampled_from(["room-living", "room-kitchen"]),
    "common_device": st.sampled_from([True, False, "on", "off"]),
    "binding_code": st.sampled_from([WIFI_CODE, BLE_CODE]) | HEX16,
    "encrypted_binding_code": st.binary(min_size=1, max_size=40).map(lambda raw: base64.b64encode(raw).decode()),
    "binding_secret": WORDS,
    "old_binding_secret": WORDS,
    "product_secret": st.just(BLE_PS),
    "random": st.from_regex(r"[0-9A-Za-z]{16}", fullmatch=True),
    "device_password": st.from_regex(r"[0-9]{4}", fullmatch=True) | WORDS,
    "matter": MATTER,
    "share_uid": st.just(FRIEND_UID),
    "email": st.just(FRIEND_EMAIL) | st.emails(),
    "phone": st.from_regex(r"\+?[0-9]{4,15}", fullmatch=True),
    "auth_key": WORDS,
    "cover_mode": st.sampled_from(["replace", "add", "extend_only"]),
    # hypothesis wants naive bounds; the values get UTC below.
    "reset_device": st.sampled_from([True, False, "on", "off"]),
    "reset_credentials": st.binary(min_size=1, max_size=40).map(lambda raw: base64.b64encode(raw).decode()),
    "share_code": st.from_regex(r"[0-9A-Za-z]{8,32}", fullmatch=True),
    "ssid": st.text(min_size=1, max_size=32),
    "address": st.from_regex(r"[0-9A-F]{2}(:[0-9A-F]{2}){5}", fullmatch=True),
    "timeout": st.integers(10, 600) | st.sampled_from(["90", 30.0]),
    "expires_at": st.datetimes(min_value=datetime(2100, 1, 1), max_value=datetime(2200, 1, 1)).map(  # noqa: DTZ001
        lambda moment: moment.replace(tzinfo=UTC).isoformat()
    ),
}
# Devices of the demo data each action can meet, with the binding code they reported (None: none needed).
DEVICES: dict[str, list[tuple[str, str, str | None]]] = {
    "bind_by_dk": [(CELL_PK, CELL_DK_FREE, None), (CELL_PK, "c0ffee000003", None), (CELL_PK, CELL_DK_BOUND, None),
                   ("p11rota", "f0f1f2f3f402", None), ("p11uniq", "e0e1e2e3e402", None)],
    "bind_wifi": [(WIFI_PK, WIFI_DK, WIFI_CODE), (WIFI_PK, "a0b1c2d3e4f6", "3680C6133F07C3E5")],
    "bind_ble": [(BLE_PK, BLE_DK, BLE_CODE), (BLE_PK, "d0d1d2d3d4d6", "A1B2C3D4E5F60718")],
    "share_device": [(CELL_PK, CELL_DK_BOUND, None)],
    "unbind_device": [(CELL_PK, CELL_DK_BOUND, None), (CELL_PK, CELL_DK_FREE, None), (WIFI_PK, WIFI_DK, None)],
    "list_shares": [(CELL_PK, CELL_DK_BOUND, None), (WIFI_PK, WIFI_DK, None)],
    "leave_share": [(WIFI_PK, "a0b1c2d3e4f8", None), (CELL_PK, CELL_DK_BOUND, None)],
}  # fmt: skip
FIELDS = {name: st.one_of(plausible, NASTY, ANY_VALUE) for name, plausible in PLAUSIBLE.items()}
_DEVICE = ("config_entry_id", "product_key", "device_key")
_BIND = (*_DEVICE, "device_name", "capabilities", "family_id", "room_id", "common_device")
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    "bind_by_dk": _BIND,
    "bind_wifi": (*_BIND, "binding_code", "matter"),
    "bind_ble": (*_BIND, "binding_secret", "binding_code", "encrypted_binding_code", "product_secret",
                 "old_binding_secret", "random", "device_password"),
    "share_device": (*_DEVICE, "share_uid", "email", "phone", "auth_key", "cover_mode", "expires_at"),
    "unbind_device": (*_DEVICE, "reset_device", "reset_credentials", "random"),
    "accept_share": ("config_entry_id", "share_code", "device_name"),
    "revoke_share": ("config_entry_id", "share_code"),
    "list_shares": _DEVICE,
    "leave_share": _DEVICE,
    "provision_wifi": ("config_entry_id", "ssid", "address", "product_key", "device_key", "timeout",
                       "device_name", "capabilities", "family_id", "room_id", "common_device"),
}  # fmt: skip


# What a well-formed call carries at least (one choice of each "exactly one of" group).
ESSENTIAL: dict[str, tuple[tuple[str, ...], ...]] = {
    "bind_by_dk": (_DEVICE,),
    "bind_wifi": ((*_DEVICE, "binding_code"),),
    "bind_ble": ((*_DEVICE, "binding_secret", "binding_code"), (*_DEVICE, "binding_secret", "encrypted_binding_code")),
    "share_device": ((*_DEVICE, "share_uid"), (*_DEVICE, "email"), (*_DEVICE, "phone")),
    "unbind_device": (_DEVICE, (*_DEVICE, "reset_credentials", "random")),
    "accept_share": (("config_entry_id", "share_code"),),
    "revoke_share": (("config_entry_id", "share_code"),),
    "list_shares": (_DEVICE,),
    "leave_share": (_DEVICE,),
    "provision_wifi": (("config_entry_id", "ssid", "address"), (*_DEVICE, "ssid")),
}


@st.composite
def service_inputs(draw: st.DrawFn, service: str) -> dict[str, Any]:
    """Input for one action: a well-formed call with zero to two fields spoilt, or any subset of fields at random.

    Sometimes with a key the action does not have.
    """
    fields = SERVICE_FIELDS[service]
    if draw(st.integers(0, 3)) == 0:
        data = draw(st.fixed_dictionaries({}, optional={name: FIELDS[name] for name in fields}))
    else:
        essential = draw(st.sampled_from(ESSENTIAL[service]))
        optional = [name for name in fields if name not in essential and name != "encrypted_binding_code"]
        chosen = draw(st.lists(st.sampled_from(optional), unique=True, max_size=3)) if optional else []
        data = {name: draw(PLAUSIBLE[name]) for name in (*essential, *chosen)}
        if service in DEVICES:
            product_key, device_key, code = draw(st.sampled_from(DEVICES[service]))
            data |= {"product_key": product_key, "device_key": device_key}
            if code is not None and "binding_code" in data:
                data["binding_code"] = code
        for name in draw(st.lists(st.sampled_from(fields), unique=True, max_size=2)):
            if draw(st.booleans()):
                data[name] = draw(st.one_of(NASTY, ANY_VALUE))
            else:
                data.pop(name, None)
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.text(min_size=1, max_size=10).filter(lambda key: key not in fields))] = draw(ANY_VALUE)
    return data


def registered_schemas() -> dict[str, Any]:
    """The schemas exactly as async_setup_services registers them with HA."""
    hass = MagicMock()
    async_setup_services(hass)
    return {call.args[1]: call.kwargs["schema"] for call in hass.services.async_register.call_args_list}


SCHEMAS = registered_schemas()


# Unknown and unloaded entries are refused by Home Assistant's own entry lookup, in its own words.
HA_ENTRY_REFUSALS = {"service_config_entry_not_found", "service_config_entry_not_loaded"}


def check_refusal(err: ServiceValidationError) -> None:
    """A refusal names one of our translation keys and gives every placeholder its message uses."""
    if err.translation_key in HA_ENTRY_REFUSALS:
        assert err.translation_domain == "homeassistant"
        assert err.translation_placeholders
        return
    assert err.translation_domain == DOMAIN
    assert err.translation_key in TRANSLATIONS["exceptions"]
    template = TRANSLATIONS["exceptions"][err.translation_key]["message"]
    needed = {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}
    assert needed <= set(err.translation_placeholders or {})


def validate(service: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The validated data, or ``None`` when the schema refuses it (with a well-formed translated error)."""
    try:
        return SCHEMAS[service](dict(data))  # type: ignore[no-any-return]
    except ServiceValidationError as err:
        check_refusal(err)
        return None


# --- the validation layer -------------------------------------------------------------------------------------------


def test_every_action_schema_is_fuzzed() -> None:
    assert set(SCHEMAS) == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_schema_returns_data_or_a_translated_refusal(service: str, data: st.DataObject) -> None:
    given_input = data.draw(service_inputs(service))
    validated = validate(service, given_input)
    if validated is None:
        return
    # What passes is what the handlers rely on.
    assert set(validated) <= set(SERVICE_FIELDS[service])
    if "product_key" in SERVICE_FIELDS[service] and service != "provision_wifi":
        assert isinstance(validated["product_key"], str)
        assert isinstance(validated["device_key"], str)
        assert 4 <= len(validated["device_key"]) <= 32
    if service == "provision_wifi":
        # A device by its address or by both keys, never half a choice.
        assert ("address" in validated) != ("product_key" in validated and "device_key" in validated)
        assert 1 <= len(validated["ssid"].encode()) <= 32
    if "share_code" in validated:
        assert isinstance(validated["share_code"], str)
        assert validated["share_code"].strip() == validated["share_code"]
    if "reset_credentials" in validated or ("random" in validated and service == "unbind_device"):
        assert {"reset_credentials", "random"} <= set(validated)
    if "capabilities" in validated:
        assert 1 <= validated["capabilities"] <= 15
    if "binding_code" in validated:
        assert len(validated["binding_code"]) == 16
    if "expires_at" in validated:
        assert validated["expires_at"] > datetime.now(UTC)


# --- through Home Assistant, against the simulator ------------------------------------------------------------------


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    return await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})


@pytest.mark.parametrize("service", SERVICES)
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_action_never_fails_unhandled_and_refused_input_sends_nothing(
    hass: HomeAssistant, simulator: CloudSimulator, loaded_entry: Any, service: str, data: st.DataObject
) -> None:
    given_input = data.draw(service_inputs(service))
    if given_input.get("config_entry_id") == ENTRY:
        given_input["config_entry_id"] = loaded_entry.entry_id
    accepted = validate(service, given_input) is not None
    simulator.clear_requests()
    outcome: HomeAssistantError | None = None
    try:
        await hass.services.async_call(DOMAIN, service, given_input, blocking=True, return_response=True)
    except HomeAssistantError as err:
        outcome = err
    if isinstance(outcome, ServiceValidationError):
        event(f"refused: {outcome.translation_key}")
        check_refusal(outcome)
        assert str(outcome) != outcome.translation_key  # HA found and filled the translation
        # Refused before any request: by the schema, or by the handler's own checks (entry, product secret).
        assert simulator.requests == []
        assert accepted or outcome.translation_key not in {
            *HA_ENTRY_REFUSALS,
            "product_secret_missing",
            "wifi_network_not_saved",
        }
    elif outcome is not None:
        event(f"cloud error: {outcome.translation_key}")
        # The cloud's answer, translated; only input the schema accepted gets this far.
        assert accepted
        assert outcome.translation_domain == DOMAIN
        assert outcome.translation_key in TRANSLATIONS["exceptions"]
        assert str(outcome) != outcome.translation_key
        if (outcome.translation_key or "").startswith("ble_"):
            # The Wi-Fi set-up failed on the Bluetooth side (no device in range here): the cloud was not asked.
            assert service == "provision_wifi"
            assert simulator.requests == []
        else:
            assert simulator.requests != []
    else:
        event("success")
        assert accepted
        assert simulator.requests != []


# --- Bluetooth advertisements ---------------------------------------------------------------------------------------


@st.composite
def mutated_payloads(draw: st.DrawFn) -> bytes:
    """A valid advertisement payload, then truncated, extended, or with bytes overwritten (length fields too)."""
    raw = bytearray(
        payload(
            pk=draw(st.from_regex(r"[0-9A-Za-z]{1,32}", fullmatch=True)),
            dk=draw(st.binary(min_size=1, max_size=20)),
            status=draw(st.integers(0, 0xFF)),
            flags=draw(st.integers(0, 0xFFFF)),
        )
    )
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(raw) - 1))
        raw[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(raw)))
    return bytes(raw[:cut] if draw(st.booleans()) else raw) + draw(st.binary(max_size=8))


NAMES = st.none() | st.text(max_size=30) | st.from_regex(r"QUEC_BLE_[0-9A-Za-z_\n ]{0,20}", fullmatch=True)
MANUFACTURER_DATA = st.dictionaries(
    st.sampled_from([QUECTEL_MANUFACTURER_ID, 0x004C, 0x0059]) | st.integers(0, 0xFFFF),
    mutated_payloads() | st.binary(max_size=40),
    max_size=3,
)


@settings(max_examples=300, deadline=None, database=None)
@given(manufacturer_data=MANUFACTURER_DATA, name=NAMES)
def test_advertisement_parser_never_raises(manufacturer_data: dict[int, bytes], name: str | None) -> None:
    parsed = parse_advertisement(manufacturer_data, name)
    assert parsed is None or isinstance(parsed, QuecAdvertisement)
    if parsed is not None and parsed.identity is not None:
        product_key, device_key = parsed.identity
        assert product_key.isascii()
        assert product_key.isalnum()
        assert all(char in "0123456789abcdefABCDEF" for char in device_key)


def service_info(manufacturer_data: dict[int, bytes], name: str | None) -> BluetoothServiceInfoBleak:
    address = "AA:BB:CC:DD:EE:01"
    return BluetoothServiceInfoBleak(
        name=name or "", address=address, rssi=-60, manufacturer_data=manufacturer_data, service_data={},
        service_uuids=[], source="local", device=BLEDevice(address, name, {}),
        advertisement=AdvertisementData(name, manufacturer_data, {}, [], None, -60, ()),
        connectable=False, time=time.monotonic(), tx_power=None,
    )  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(manufacturer_data=MANUFACTURER_DATA, name=NAMES)
async def test_discovery_of_any_advertisement_never_fails(
    hass: HomeAssistant,
    enable_bluetooth: None,
    simulator: CloudSimulator,
    loaded_entry: Any,
    manufacturer_data: dict[int, bytes],
    name: str | None,
) -> None:
    simulator.clear_requests()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=service_info(manufacturer_data, name)
    )
    assert result["type"] in {FlowResultType.ABORT, FlowResultType.FORM}
    if result["type"] is FlowResultType.FORM:
        advertisement = parse_advertisement(manufacturer_data, name)
        assert advertisement is not None
        # A factory-new Wi-Fi device is offered the Wi-Fi set-up, any other the Bluetooth binding form.
        assert result["step_id"] == ("provision_confirm" if needs_wifi(advertisement) else "bluetooth_confirm")
        hass.config_entries.flow.async_abort(result["flow_id"])
    # Discovery alone never binds anything.
    assert simulator.requests == []


# --- what fuzzing found, kept as plain examples ---------------------------------------------------------------------

FOUND: list[tuple[str, str, dict[str, Any], str]] = [
    ("capabilities beyond any float", "bind_by_dk", {"capabilities": 10**400}, "invalid_capabilities"),
    ("matter integer beyond any float", "bind_wifi", {"binding_code": WIFI_CODE, "matter": {"vendor_id": 10**400, "product_id": 1, "version": "1", "node_id": 1, "fabric_id": 1, "discriminator": 1}}, "invalid_integer"),
    ("non-ASCII encrypted code", "bind_ble", {"binding_secret": "s", "product_secret": BLE_PS, "encrypted_binding_code": "é"}, "invalid_encrypted_binding_code"),
    ("expiry past year 9999 in UTC", "share_device", {"email": FRIEND_EMAIL, "expires_at": "9999-12-31T23:59:59-05:00"}, "invalid_datetime"),
    ("expiry before year 1 in UTC", "share_device", {"email": FRIEND_EMAIL, "expires_at": "0001-01-01T00:00:00+05:00"}, "invalid_datetime"),
    ("lone surrogate in a date (ciso8601 2.3.3 segfaults on it)", "share_device", {"email": FRIEND_EMAIL, "expires_at": "2099-01-01T00:00:00\ud800"}, "invalid_datetime"),
    ("unhashable cover mode", "share_device", {"email": FRIEND_EMAIL, "cover_mode": ["add"]}, "invalid_cover_mode"),
    ("lone surrogate in a query", "bind_by_dk", {"device_name": "\ud800"}, "invalid_text"),
    ("lone surrogate in a JSON body", "bind_wifi", {"binding_code": WIFI_CODE, "device_name": "\ud800"}, "invalid_text"),
    ("lone surrogate in Matter's extra", "bind_wifi", {"binding_code": WIFI_CODE, "matter": {"vendor_id": 1, "product_id": 1, "version": "1", "node_id": 1, "fabric_id": 1, "discriminator": 1, "extra": "x\udfff"}}, "invalid_text"),
]  # fmt: skip
FOUND_DEVICES = {"bind_by_dk": (CELL_PK, CELL_DK_FREE), "bind_wifi": (WIFI_PK, WIFI_DK), "bind_ble": (BLE_PK, BLE_DK),
                 "share_device": (CELL_PK, CELL_DK_BOUND)}  # fmt: skip


@pytest.mark.parametrize(("service", "data", "key"), [case[1:] for case in FOUND], ids=[case[0] for case in FOUND])
async def test_inputs_found_by_fuzzing(
    hass: HomeAssistant, simulator: CloudSimulator, loaded_entry: Any, service: str, data: dict[str, Any], key: str
) -> None:
    product_key, device_key = FOUND_DEVICES[service]
    simulator.clear_requests()
    call_data = {"config_entry_id": loaded_entry.entry_id, "product_key": product_key, "device_key": device_key, **data}
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(DOMAIN, service, call_data, blocking=True, return_response=True)
    check_refusal(info.value)
    assert simulator.requests == []
    assert info.value.translation_key == key
