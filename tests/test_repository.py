"""What HACS, hassfest and Home Assistant's brand images need from the repository, checked locally.

The GitHub workflows run hassfest and the HACS action themselves; these tests keep the same facts true on every run
of ``scripts/test``: brand images with the right sizes (and as scripts/brand.py draws them), the manifest's key order
and keys, hacs.json and the manifest agreeing with the pinned Home Assistant, and the changelog with the manifest.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import struct
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import homeassistant
import pytest
import yaml
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from PIL import Image

from custom_components.quectel_iot.const import DOMAIN

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / DOMAIN
BRAND = INTEGRATION / "brand"
WORKFLOWS = ROOT / ".github" / "workflows"
MANIFEST: dict[str, Any] = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
HACS: dict[str, Any] = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGBA_COLOUR_TYPE = 6
BRAND_IMAGES = [
    f"{variant}{kind}{scale}.png" for variant in ("", "dark_") for kind in ("icon", "logo") for scale in ("", "@2x")
]


def _png_header(path: Path) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type from a PNG's IHDR chunk (stdlib only)."""
    head = path.read_bytes()[:33]
    assert head[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert head[12:16] == b"IHDR", path.name
    width, height, depth, colour = struct.unpack(">IIBB", head[16:26])
    return width, height, depth, colour


def _brand_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("brand_script", ROOT / "scripts" / "brand.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _pinned_home_assistant() -> str:
    for line in (ROOT / "requirements_test.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement and Requirement(requirement).name == "homeassistant":
            (specifier,) = Requirement(requirement).specifier
            assert specifier.operator == "=="
            return specifier.version
    pytest.fail("requirements_test.txt does not pin homeassistant")


# --- brand images -----------------------------------------------------------------------------------------------------


def test_every_brand_image_exists_as_rgba_png() -> None:
    assert sorted(path.name for path in BRAND.iterdir()) == sorted(BRAND_IMAGES)
    for name in BRAND_IMAGES:
        _, _, depth, colour = _png_header(BRAND / name)
        assert (depth, colour) == (8, RGBA_COLOUR_TYPE), f"{name}: 8-bit RGBA (transparent background) expected"


@pytest.mark.parametrize("variant", ["", "dark_"])
def test_icon_sizes(variant: str) -> None:
    assert _png_header(BRAND / f"{variant}icon.png")[:2] == (256, 256)
    assert _png_header(BRAND / f"{variant}icon@2x.png")[:2] == (512, 512)


@pytest.mark.parametrize("variant", ["", "dark_"])
def test_logo_sizes(variant: str) -> None:
    width, height = _png_header(BRAND / f"{variant}logo.png")[:2]
    # Home Assistant's brand rules: landscape, shortest side 128-256 px (@2x: 256-512 px).
    assert width > height
    assert 128 <= height <= 256
    assert _png_header(BRAND / f"{variant}logo@2x.png")[:2] == (2 * width, 2 * height)
    # The dark logo has the light logo's layout.
    assert _png_header(BRAND / f"{variant}logo.png")[:2] == _png_header(BRAND / "logo.png")[:2]


def test_brand_images_are_trimmed() -> None:
    """No transparent margin: the drawing touches the top and bottom edges, and the left and right ones within 2 %."""
    for name in BRAND_IMAGES:
        with Image.open(BRAND / name) as image:
            left, top, right, bottom = image.getchannel("A").getbbox() or (0, 0, 0, 0)
            assert (left, top, bottom) == (0, 0, image.height), name
            assert image.width - right <= image.width * 0.02, name


def test_brand_images_are_what_scripts_brand_draws(tmp_path: Path) -> None:
    brand = _brand_script()
    assert brand.BRAND_DIR == BRAND
    assert brand.differences() == [], "run `bash scripts/run python scripts/brand.py` and commit the images"

    # The comparison notices a changed pixel and a missing file.
    for name in BRAND_IMAGES:
        (tmp_path / name).write_bytes((BRAND / name).read_bytes())
    assert brand.differences(tmp_path) == []
    for name in ("icon.png", "dark_logo@2x.png"):
        with Image.open(BRAND / name) as image:
            changed = image.convert("RGBA")
        changed.putpixel((changed.width // 2, changed.height // 2), (255, 0, 0, 255))
        changed.save(tmp_path / name)
    (tmp_path / "logo.png").unlink()
    assert sorted(brand.differences(tmp_path)) == ["dark_logo@2x.png", "icon.png", "logo.png"]


async def test_home_assistant_serves_the_local_brand_images(hass: HomeAssistant, hass_client: Any) -> None:
    """Home Assistant's brands proxy finds brand/ in the custom integration and serves its files unchanged."""
    assert await async_setup_component(hass, "brands", {})
    client = await hass_client()
    for name in BRAND_IMAGES:
        response = await client.get(f"/api/brands/integration/{DOMAIN}/{name}")
        assert response.status == 200, name
        assert response.content_type == "image/png"
        assert await response.read() == (BRAND / name).read_bytes(), name


# --- manifest.json and hacs.json --------------------------------------------------------------------------------------


def test_manifest_keys_in_hassfest_order() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_has_every_key_hacs_and_hassfest_need() -> None:
    for key in ("domain", "documentation", "issue_tracker", "codeowners", "name", "version", "iot_class"):
        assert MANIFEST.get(key), key
    assert MANIFEST["domain"] == DOMAIN == INTEGRATION.name
    assert MANIFEST["iot_class"] == "cloud_polling"
    assert all(owner.startswith("@") for owner in MANIFEST["codeowners"])
    Version(MANIFEST["version"])  # a valid version (raises otherwise)
    # Reviewers want the repository here, not the vendor's portal.
    assert MANIFEST["documentation"].startswith("https://github.com/")
    assert MANIFEST["issue_tracker"] == MANIFEST["documentation"] + "/issues"


def test_manifest_requires_nothing_home_assistant_already_ships() -> None:
    shipped = {
        canonicalize_name(Requirement(requirement).name)
        for requirement in importlib.metadata.requires("homeassistant") or []
    }
    constraints = Path(homeassistant.__file__).parent / "package_constraints.txt"
    for line in constraints.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement and not requirement.startswith("-"):
            shipped.add(canonicalize_name(Requirement(requirement).name))
    assert "aiohttp" in shipped  # the lists were read
    for requirement in MANIFEST.get("requirements", []):
        assert canonicalize_name(Requirement(requirement).name) not in shipped, requirement


def test_hacs_json_agrees_with_the_manifest_and_the_pinned_home_assistant() -> None:
    assert HACS["name"] == MANIFEST["name"]
    assert HACS["render_readme"] is True
    pinned = _pinned_home_assistant()
    # The minimum is the oldest Home Assistant the tests run on: the one requirements_test.txt pins (and is installed).
    assert HACS["homeassistant"] == pinned == ha_version


# --- CHANGELOG.md -----------------------------------------------------------------------------------------------------

CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_changelog_newest_release_is_the_manifest_version() -> None:
    releases = RELEASE_HEADING.findall(CHANGELOG)
    assert releases, "no release heading like '## [0.1.0] - 2026-11-22'"
    newest, _ = releases[0]
    assert newest == MANIFEST["version"]


def test_changelog_follows_keep_a_changelog() -> None:
    headings = re.findall(r"^## .*$", CHANGELOG, re.MULTILINE)
    assert headings[0] == "## [Unreleased]"
    releases = RELEASE_HEADING.findall(CHANGELOG)
    assert len(releases) == len(headings) - 1, "every other '## ' heading is '## [x.y.z] - YYYY-MM-DD'"
    versions = [Version(version) for version, _ in releases]
    assert versions == sorted(versions, reverse=True)
    assert [date for _, date in releases] == sorted((date for _, date in releases), reverse=True)
    for section in re.findall(r"^### (.*)$", CHANGELOG, re.MULTILINE):
        assert section in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, section
    for version in ("Unreleased", *(version for version, _ in releases)):
        assert re.search(rf"^\[{re.escape(version)}\]: https://github\.com/", CHANGELOG, re.MULTILINE), version


# --- GitHub workflows -------------------------------------------------------------------------------------------------


def _steps(workflow: str) -> list[dict[str, Any]]:
    jobs = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))["jobs"]
    return [step for job in jobs.values() for step in job["steps"]]


def test_workflow_actions_are_pinned_to_commits() -> None:
    for workflow in sorted(WORKFLOWS.glob("*.yml")):
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if match := re.match(r"^\s*(?:- )?uses: (\S+)", line):
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", match[1]), (workflow.name, line)
                assert re.search(r" # \S+", line), f"{workflow.name}: name the tag or branch after the SHA: {line}"


def test_validation_runs_hassfest_and_hacs_without_ignored_checks() -> None:
    steps = {step["uses"].split("@")[0]: step for step in _steps("validate.yml") if "uses" in step}
    assert "home-assistant/actions/hassfest" in steps
    assert steps["hacs/action"]["with"]["category"] == "integration"
    assert "ignore" not in steps["hacs/action"]["with"]


def test_lint_and_tests_workflows_run_the_projects_commands() -> None:
    lint = " ".join(step.get("run", "") for step in _steps("lint.yml"))
    for command in ("ruff check", "ruff format --check", "mypy custom_components quectel_simulator"):
        assert command in lint, command
    tests = [step["run"] for step in _steps("tests.yml") if "run" in step]
    assert tests == ["bash scripts/test"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `scripts/test` | **The test command**" in readme
