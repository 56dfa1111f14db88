"""Runtime data of a config entry, and its typed alias."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .api import QuecCloudClient, UserInfo
    from .coordinator import QuecDeviceCoordinator


@dataclass(slots=True)
class QuecRuntimeData:
    """What a loaded account entry holds."""

    client: QuecCloudClient
    user_info: UserInfo
    coordinator: QuecDeviceCoordinator


type QuecConfigEntry = ConfigEntry[QuecRuntimeData]
