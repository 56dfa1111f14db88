"""The paths of the simulator's own control routes (``routes_control``), apart from their handlers.

The middlewares that let them through and the clients that call them (``remote_cloud``) need only these.
"""

from __future__ import annotations

from typing import Final

CONTROL_PREFIX: Final = "/_simulator/"
"""Paths under this prefix are the simulator's control routes (the middlewares let them through untouched)."""
DEVICE_PATH: Final = "/_simulator/devices/{pk}/{dk}"
REPORT_PATH: Final = "/_simulator/devices/{pk}/{dk}/report"
DEVICES_PATH: Final = "/_simulator/devices"
UNBIND_PATH: Final = "/_simulator/unbind"
TOKENS_PATH: Final = "/_simulator/users/{uid}/tokens"
CLOCK_PATH: Final = "/_simulator/clock"
REQUESTS_PATH: Final = "/_simulator/requests"
CLEAR_REQUESTS_PATH: Final = "/_simulator/requests/clear"


def is_control_path(path: str) -> bool:
    """Whether a request path is one of the control routes' (and not the cloud's)."""
    return path.startswith(CONTROL_PREFIX)
