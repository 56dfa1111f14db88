"""Typed shapes of homes ("families") and their rooms."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Self

from .exceptions import QuecResponseError
from .parsing import bool_of, optional_int_of, str_of


@dataclass(frozen=True, slots=True)
class FamilyModeConfig:
    """Whether the account uses homes ("family mode")."""

    enabled: bool
    auto_switch: bool

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``getFamilyModeConfig``'s ``data``."""
        if not isinstance(data, dict):
            raise QuecResponseError("The cloud returned the home mode in an unexpected shape")
        return cls(enabled=bool_of(data, "enabledFamilyMode"), auto_switch=bool_of(data, "enabledAutoSwitch"))


class FamilyRole(IntEnum):
    """The account's role in a home."""

    CREATOR = 1
    ADMIN = 2
    MEMBER = 3


@dataclass(frozen=True, slots=True)
class Family:
    """A home."""

    family_id: str
    name: str
    role: int | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one ``getFamilyList`` item."""
        return cls(
            family_id=str_of(data, "fid"), name=str_of(data, "familyName"), role=optional_int_of(data, "memberRole")
        )


@dataclass(frozen=True, slots=True)
class Room:
    """A room in a home."""

    room_id: str
    name: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one ``getFamilyRoomList`` item."""
        return cls(room_id=str_of(data, "frid"), name=str_of(data, "roomName"))
