"""The Wi-Fi networks saved in an account's options: the one place that reads and changes them.

The ``provision_wifi`` action names a network by its SSID and takes the password from here, so no password ever
travels in an action's data (which Home Assistant keeps in clear on its event bus, in the recorder and in traces).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .const import OPT_WIFI_NETWORKS

if TYPE_CHECKING:
    from collections.abc import Mapping


def saved_networks(options: Mapping[str, Any]) -> dict[str, str]:
    """SSID -> password of every saved network ("" for an open one)."""
    stored = options.get(OPT_WIFI_NETWORKS)
    if not isinstance(stored, dict):
        return {}
    return {str(ssid): str(password) for ssid, password in stored.items()}


def saved_password(options: Mapping[str, Any], ssid: str) -> str | None:
    """The saved password of one network ("" when open), or None when the network is not saved."""
    return saved_networks(options).get(ssid)


def with_network(options: Mapping[str, Any], ssid: str, password: str) -> dict[str, str]:
    """The saved networks with one added, or replaced when the SSID is saved already."""
    return {**saved_networks(options), ssid: password}


def without_networks(options: Mapping[str, Any], ssids: set[str]) -> dict[str, str]:
    """The saved networks less the ones named."""
    return {ssid: password for ssid, password in saved_networks(options).items() if ssid not in ssids}
