"""Draw the integration's brand images (custom_components/quectel_iot/brand/) with Pillow.

Our own mark, no vendor artwork: a blue rounded square holding a white chip whose core is cut out as a chain link
(a device bound to a cloud account). The logo is the mark followed by the word mark "Quectel IoT" set in the font
Pillow bundles, so the drawing is the same on every machine with the same Pillow.

Run it inside the toolchain (Pillow comes with Home Assistant):

    bash scripts/run python scripts/brand.py           # (re)write the eight PNG files
    bash scripts/run python scripts/brand.py --check   # exit 1 if a file differs from the drawing

Sizes follow Home Assistant's brand image rules: icons 256x256 (@2x 512x512), logos landscape with a shortest side
of 128 px (@2x 256 px), transparent background, trimmed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

BRAND_DIR: Final = Path(__file__).resolve().parent.parent / "custom_components" / "quectel_iot" / "brand"

# Everything is designed on a 1024-unit square and drawn SUPERSAMPLE times larger than the target, then reduced:
# that gives clean anti-aliased edges without depending on the drawing library's own anti-aliasing.
DESIGN: Final = 1024
SUPERSAMPLE: Final = 4

ICON_SIZE: Final = 256
LOGO_HEIGHT: Final = 128
WORD_MARK: Final = ("Quectel", " IoT")


@dataclass(frozen=True)
class Palette:
    """The colours of one variant (light backgrounds or dark backgrounds)."""

    tile_top: tuple[int, int, int]
    tile_bottom: tuple[int, int, int]
    glyph: tuple[int, int, int]
    text: tuple[int, int, int]
    text_accent: tuple[int, int, int]


LIGHT: Final = Palette(
    tile_top=(0x21, 0x8B, 0xE8),
    tile_bottom=(0x0B, 0x4F, 0xA8),
    glyph=(0xFF, 0xFF, 0xFF),
    text=(0x1F, 0x29, 0x37),
    text_accent=(0x12, 0x6B, 0xD0),
)
DARK: Final = Palette(
    tile_top=(0x5A, 0xB0, 0xFF),
    tile_bottom=(0x1D, 0x74, 0xD8),
    glyph=(0xFF, 0xFF, 0xFF),
    text=(0xF1, 0xF3, 0xF6),
    text_accent=(0x6C, 0xB8, 0xFF),
)


def _rounded_square_mask(size: int) -> Image.Image:
    """The tile's outline: a square with 22 % rounded corners."""
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size - 1, size - 1), radius=round(size * 0.22), fill=255)
    return mask


def _chip_mask(size: int) -> Image.Image:
    """A chip body with three pins on each side (white = chip)."""
    unit = size / DESIGN
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    body_from, body_to = 300 * unit, 724 * unit
    draw.rounded_rectangle((body_from, body_from, body_to, body_to), radius=round(72 * unit), fill=255)
    pin_half_width, pin_out = 30 * unit, 200 * unit
    for centre in (412, 512, 612):
        c = centre * unit
        for box in (
            (c - pin_half_width, pin_out, c + pin_half_width, body_from + 10 * unit),  # top
            (c - pin_half_width, body_to - 10 * unit, c + pin_half_width, size - pin_out),  # bottom
            (pin_out, c - pin_half_width, body_from + 10 * unit, c + pin_half_width),  # left
            (body_to - 10 * unit, c - pin_half_width, size - pin_out, c + pin_half_width),  # right
        ):
            draw.rounded_rectangle(box, radius=round(pin_half_width), fill=255)
    return mask


def _link_mask(size: int) -> Image.Image:
    """Two interlocking chain links, tilted by 45 degrees (white = link)."""
    unit = size / DESIGN
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    half_length, half_height, stroke, offset = 118 * unit, 62 * unit, round(42 * unit), 74 * unit
    centre = size / 2
    for shift in (-offset, offset):
        box = (
            centre + shift - half_length,
            centre - half_height,
            centre + shift + half_length,
            centre + half_height,
        )
        draw.rounded_rectangle(box, radius=round(half_height), outline=255, width=stroke)
    return mask.rotate(45, resample=Image.Resampling.BICUBIC, center=(centre, centre))


def _mark(size: int, palette: Palette) -> Image.Image:
    """The square mark at size x size pixels (drawn large, then reduced)."""
    big = size * SUPERSAMPLE
    gradient = Image.linear_gradient("L").resize((big, big), Image.Resampling.BICUBIC)
    tile = ImageOps.colorize(gradient, black=palette.tile_top, white=palette.tile_bottom).convert("RGBA")
    tile.putalpha(_rounded_square_mask(big))
    glyph = ImageChops.subtract(_chip_mask(big), _link_mask(big))
    tile.paste(Image.new("RGBA", (big, big), (*palette.glyph, 255)), (0, 0), glyph)
    return _reduce(tile, (size, size))


def _reduce(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale down with premultiplied alpha, so transparent edges keep their colour."""
    return image.convert("RGBa").resize(size, Image.Resampling.LANCZOS).convert("RGBA")


def _font(height: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font (Aileron Regular) at a size proportional to the logo height."""
    return ImageFont.load_default(size=round(height * 0.5))


def _logo_width(scale: int) -> int:
    """The logo's width at a scale (1 or 2), measured on the design height so that @2x is exactly twice @1x."""
    big = DESIGN
    font = _font(big)
    text_width = font.getlength("".join(WORD_MARK))
    stroke = round(big * 0.012)
    design_width = big + round(big * 0.25) + text_width + 2 * stroke + round(big * 0.03)
    return round(design_width * LOGO_HEIGHT / big) * scale


def _logo(scale: int, palette: Palette) -> Image.Image:
    """The mark on the left, the word mark to its right, vertically centred on the mark."""
    height, width = LOGO_HEIGHT * scale, _logo_width(scale)
    big_height, big_width = height * SUPERSAMPLE, width * SUPERSAMPLE
    canvas = Image.new("RGBA", (big_width, big_height), (0, 0, 0, 0))
    canvas.alpha_composite(_mark(big_height, palette))
    draw = ImageDraw.Draw(canvas)
    font = _font(big_height)
    stroke = round(big_height * 0.012)
    x = big_height + round(big_height * 0.25)
    y = big_height / 2
    first, second = WORD_MARK
    for text, colour in ((first, palette.text), (second, palette.text_accent)):
        draw.text((x, y), text, font=font, fill=colour, anchor="lm", stroke_width=stroke, stroke_fill=colour)
        x += round(draw.textlength(text, font=font))
    return _reduce(canvas, (width, height))


def render() -> dict[str, Image.Image]:
    """Every brand image, by file name."""
    images: dict[str, Image.Image] = {}
    for prefix, palette in (("", LIGHT), ("dark_", DARK)):
        for suffix, scale in (("", 1), ("@2x", 2)):
            images[f"{prefix}icon{suffix}.png"] = _mark(ICON_SIZE * scale, palette)
            images[f"{prefix}logo{suffix}.png"] = _logo(scale, palette)
    return images


def differences(directory: Path = BRAND_DIR) -> list[str]:
    """Names of the files in directory that are missing or differ (in size or pixels) from the drawing."""
    changed = []
    for name, image in render().items():
        path = directory / name
        if not path.is_file():
            changed.append(name)
            continue
        with Image.open(path) as stored:
            pixels = stored.convert("RGBA")
        if pixels.size != image.size or ImageChops.difference(pixels, image).getbbox(alpha_only=False):
            changed.append(name)
    return changed


def main() -> int:
    """Write the images, or with --check only compare them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare with the stored files; exit 1 on a difference")
    args = parser.parse_args()
    if args.check:
        changed = differences()
        for name in changed:
            print(f"{BRAND_DIR / name}: differs from scripts/brand.py's drawing")
        return 1 if changed else 0
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    for name, image in render().items():
        image.save(BRAND_DIR / name, optimize=True)
        print(f"{BRAND_DIR / name}: {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
