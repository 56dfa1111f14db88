"""The typed config entry of an account: its runtime data is the account object."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry

from .account import QuecAccount

type QuecConfigEntry = ConfigEntry[QuecAccount]
