"""The account: one object per loaded entry that owns the cloud client, the device list and every cloud action.

Actions, flows and forms are thin adapters over it: they check their input and build a request (``bind_requests.py``),
and the account sends it. Every call goes through one wrapper that turns an API exception into a translated Home
Assistant error and starts reauth when the cloud rejects the credentials. After a bind the account registers the device
and tells the device list directly, so the device shows at once and the list is read again (once, for a burst).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components import bluetooth
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr

from .api import (
    DeviceType,
    LeaveShareResult,
    QuecAlreadyBoundError,
    QuecError,
    QuecNotFoundError,
    bind_when_reported,
    parse_advertisement,
    provision_wifi,
    scan_wifi_networks,
)
from .const import DOMAIN, LOGGER, OPT_PRODUCT_SECRETS
from .coordinator import QuecDeviceCoordinator
from .devices import device_key_of, register_device
from .errors import is_credential_error, to_home_assistant_error

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from .api import (
        BindByDkRequest,
        BindResult,
        DeviceShare,
        Family,
        ProvisionedDevice,
        PureBleBindRequest,
        PureBleBindResult,
        QuecCloudClient,
        Room,
        ShareRequest,
        ShareResult,
        UnbindRequest,
        UnbindResult,
        UserInfo,
        WifiBindRequest,
        WifiBindResult,
    )

DEFAULT_PROVISION_TIMEOUT: Final = 90
CODE_BOUND_HERE: Final = 5049


@dataclass(frozen=True, slots=True)
class WifiSettings:
    """The network a factory-new device should join (the password never in a repr)."""

    ssid: str
    password: str = field(default="", repr=False)


class QuecAccount:
    """A signed-in cloud account: its client, its device list, and the actions on its devices."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, client: QuecCloudClient) -> None:
        """Own the client; the device list starts with the entry's first refresh."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.coordinator = QuecDeviceCoordinator(hass, entry, client)

    @property
    def user_info(self) -> UserInfo:
        """The account as the cloud describes it (read once at setup)."""
        assert self.coordinator.user_info is not None
        return self.coordinator.user_info

    @property
    def options(self) -> Mapping[str, Any]:
        """The entry's options (binding defaults, product secrets)."""
        return self.entry.options

    async def _call[T](self, call: Awaitable[T]) -> T:
        """The one way to the cloud: API errors become translated HA errors; rejected credentials start reauth."""
        try:
            return await call
        except QuecError as err:
            if is_credential_error(err):
                LOGGER.warning("The cloud rejected the credentials of %s; asking to sign in again", self.entry.title)
                self.entry.async_start_reauth(self.hass)
            raise to_home_assistant_error(err) from err

    async def _device_bound(
        self, product_key: str, device_key: str, *, device_name: str | None, product_name: str | None = None
    ) -> None:
        """Show a newly bound device at once, un-hide it, and have the list read again soon."""
        register_device(
            dr.async_get(self.hass),
            self.entry.entry_id,
            product_key,
            device_key,
            device_name=device_name,
            product_name=product_name,
        )
        await self.coordinator.async_device_bound(device_key_of(product_key, device_key))

    # --- binding (never retried: binds are not idempotent) ----------------------------------------------------------

    async def async_bind_by_dk(self, request: BindByDkRequest) -> BindResult:
        """Bind a pre-registered (e.g. cellular) device by its product and device keys."""
        result = await self._call(
            self._bind_checked(self.client.bind_by_dk(request), request.product_key, request.device_key)
        )
        await self._device_bound(request.product_key, request.device_key, device_name=request.options.device_name)
        return result

    async def async_bind_wifi(self, request: WifiBindRequest) -> WifiBindResult:
        """Bind a Wi-Fi device with the binding code it reported to the cloud."""
        result = await self._call(
            self._bind_checked(self.client.bind_by_wifi(request), request.product_key, request.device_key)
        )
        await self._wifi_bound(request, result)
        return result

    async def async_bind_ble(self, request: PureBleBindRequest) -> PureBleBindResult:
        """Bind a Bluetooth-only device (binding secret encrypted with the product secret)."""
        result = await self._call(
            self._bind_checked(self.client.bind_by_pure_ble(request), request.product_key, request.device_key)
        )
        await self._device_bound(request.product_key, request.device_key, device_name=request.options.device_name)
        return result

    async def async_unbind(self, request: UnbindRequest) -> UnbindResult:
        """Unbind a device in the cloud (never retried); it leaves Home Assistant with the refresh that follows."""
        result = await self._call(self.client.unbind_device(request))
        await self.coordinator.async_request_refresh()
        return result

    # --- setting up a factory-new Wi-Fi device over Bluetooth, then binding it ---------------------------------------

    async def async_send_wifi(self, address: str, settings: WifiSettings) -> ProvisionedDevice:
        """Give the device its Wi-Fi settings over Bluetooth (any adapter or proxy in range); it answers its keys."""
        device = bluetooth.async_ble_device_from_address(self.hass, address, connectable=True)
        # The reply must carry the keys the device advertises: a reply from another device is refused.
        info = bluetooth.async_last_service_info(self.hass, address, connectable=True)
        advertisement = parse_advertisement(info.manufacturer_data, info.name) if info is not None else None
        expected = advertisement.identity if advertisement is not None else None
        return await self._call(provision_wifi(device, settings.ssid, settings.password, expected_keys=expected))

    async def async_scan_wifi(self, address: str) -> list[str]:
        """The Wi-Fi networks the device itself sees, over Bluetooth (timeout: the device does not scan)."""
        device = bluetooth.async_ble_device_from_address(self.hass, address, connectable=True)
        return await self._call(scan_wifi_networks(device))

    async def async_bind_when_reported(self, request: WifiBindRequest, wait_seconds: float) -> WifiBindResult:
        """Bind a device that has just been given Wi-Fi, once it has reached the cloud (``api.bind_when_reported``).

        The request is finished by the caller (``bind_requests.provisioned_wifi_request``) with the keys and the
        binding code the device answered over Bluetooth.
        """
        waiting = bind_when_reported(self.client, request, wait_seconds=wait_seconds)
        result = await self._call(self._bind_checked(waiting, request.product_key, request.device_key))
        await self._wifi_bound(request, result)
        return result

    async def async_provision_wifi(
        self,
        address: str,
        settings: WifiSettings,
        request_for: Callable[[ProvisionedDevice], WifiBindRequest],
        wait_seconds: float,
    ) -> WifiBindResult:
        """The whole set-up: Wi-Fi over Bluetooth, then the bind (``request_for`` the keys the device answered)."""
        provisioned = await self.async_send_wifi(address, settings)
        return await self.async_bind_when_reported(request_for(provisioned), wait_seconds)

    async def _wifi_bound(self, request: WifiBindRequest, result: WifiBindResult) -> None:
        await self._device_bound(
            request.product_key,
            request.device_key,
            device_name=request.options.device_name,
            product_name=result.product_name,
        )

    async def _bind_checked[T](self, bind: Awaitable[T], product_key: str, device_key: str) -> T:
        """A bind; "already bound" to a device this very account owns is said in those words, not as someone else's."""
        try:
            return await bind
        except QuecAlreadyBoundError as err:
            # 5049 is "bound by the caller" (5412 and 6040 name someone else's binding or a share).
            if err.code != CODE_BOUND_HERE or not await self._owned_here(product_key, device_key):
                raise
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="already_bound_here",
                translation_placeholders={"product_key": product_key, "device_key": device_key, "code": str(err.code)},
            ) from err

    async def _owned_here(self, product_key: str, device_key: str) -> bool:
        """Whether the account owns the device: the last poll's list, else one fresh read (a failed read: unknown)."""
        listed = self.coordinator.cloud_devices.get(device_key_of(product_key, device_key))
        if listed is None:
            try:
                devices = await self.client.get_devices()
            except QuecError:
                return False
            listed = next(
                (item for item in devices if (item.product_key, item.device_key) == (product_key, device_key)), None
            )
        return listed is not None and listed.device_type is DeviceType.OWN

    # --- sharing ----------------------------------------------------------------------------------------------------

    async def async_share(self, request: ShareRequest) -> ShareResult:
        """Invite one user to a device the account owns."""
        return await self._call(self.client.share_device(request))

    async def async_accept_share(self, share_code: str, device_name: str | None) -> None:
        """Accept a share; the device joins Home Assistant with the refresh that follows."""
        await self._call(self.client.accept_share(share_code, device_name))
        await self.coordinator.async_request_refresh()

    async def async_revoke_share(self, share_code: str) -> None:
        """End a share this account made (the recipient loses the device)."""
        await self._call(self.client.revoke_share(share_code))
        await self.coordinator.async_request_refresh()

    async def async_leave_share(self, product_key: str, device_key: str) -> LeaveShareResult:
        """Give up a device shared with this account; it leaves Home Assistant with the refresh that follows.

        The share code is the one the last poll listed for the device (no extra request); a device the list did not
        show as shared is looked up in the cloud's list first, and refused in words when it is not shared here.
        """
        listed = self.coordinator.cloud_devices.get(device_key_of(product_key, device_key))
        if listed is not None and listed.device_type is DeviceType.SHARED and listed.share_code:
            await self._call(self.client.leave_share(listed.share_code))
            result = LeaveShareResult(product_key, device_key)
        else:
            result = await self._call(self._leave_by_keys(product_key, device_key))
        await self.coordinator.async_request_refresh()
        return result

    async def _leave_by_keys(self, product_key: str, device_key: str) -> LeaveShareResult:
        try:
            return await self.client.leave_shared_device(product_key, device_key)
        except QuecNotFoundError as err:
            if err.code is not None:  # the cloud's own refusal: translated like any other
                raise
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="not_shared",
                translation_placeholders={"product_key": product_key, "device_key": device_key},
            ) from err

    async def async_list_shares(self, product_key: str, device_key: str) -> list[DeviceShare]:
        """The shares of a device this account owns."""
        return await self._call(self.client.get_device_shares(product_key, device_key))

    # --- homes (for the binding defaults) ---------------------------------------------------------------------------

    async def async_home_mode(self) -> bool:
        """Whether the account binds into homes (then a bind may name a home and a room)."""
        return (await self._call(self.client.get_family_mode_config())).enabled

    async def async_families(self) -> list[Family]:
        """The account's homes."""
        return await self._call(self.client.get_families())

    async def async_rooms(self, family_id: str) -> list[Room]:
        """The rooms of one home."""
        return await self._call(self.client.get_rooms(family_id))

    # --- the account's options ----------------------------------------------------------------------------------------

    @callback
    def async_save_product_secret(self, product_key: str, product_secret: str) -> None:
        """Keep a product's secret (typed in a binding form) for its next pure-BLE binds.

        The options change without a reload: nothing loaded depends on the product secrets.
        """
        saved = self.options.get(OPT_PRODUCT_SECRETS, {})
        if saved.get(product_key) != product_secret:
            self.hass.config_entries.async_update_entry(
                self.entry, options={**self.options, OPT_PRODUCT_SECRETS: {**saved, product_key: product_secret}}
            )
