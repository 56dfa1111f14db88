"""The two Home Assistant releases the end-to-end stage runs against, and which of them this run has.

Each release is pinned in its own requirements file and installed in its own venv of the toolchain (scripts/setup):
the pinned one (``requirements_test.txt``: phcc's, the unit tests', the browser walk's) and the newest one that
installs on Python 3.14 (``requirements_ha_newest.txt``). A run's release is the Home Assistant its python imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Final

from packaging.requirements import Requirement

REPO: Final = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class HaRelease:
    """A Home Assistant release of the stage: ``pinned`` or ``newest``, and the file that pins it."""

    name: str
    requirements: Path

    @property
    def pins(self) -> dict[str, str]:
        """Every ``name==version`` of the requirements file, by lower-case name."""
        pins = {}
        for line in self.requirements.read_text(encoding="utf-8").splitlines():
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            requirement = Requirement(text)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{self.requirements.name}: pin {text} with =="
            pins[requirement.name.lower()] = specifier.version
        return pins

    @property
    def version(self) -> str:
        """The Home Assistant version the file pins."""
        return self.pins["homeassistant"]


PINNED: Final = HaRelease("pinned", REPO / "requirements_test.txt")
NEWEST: Final = HaRelease("newest", REPO / "requirements_ha_newest.txt")


def running_release() -> HaRelease:
    """The release this python has installed; a version that neither file pins is an error (a stale toolchain)."""
    installed = metadata.version("homeassistant")
    for release in (PINNED, NEWEST):
        if release.version == installed:
            return release
    msg = (
        f"Home Assistant {installed} is installed, but the stage runs {PINNED.version} ({PINNED.requirements.name}) "
        f"or {NEWEST.version} ({NEWEST.requirements.name}): run scripts/setup"
    )
    raise RuntimeError(msg)
