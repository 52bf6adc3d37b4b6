"""Draw the app icons and the default share picture from the mark (templates/_mark.svg).

    .venv/bin/python scripts/make_icons.py

Writes static/img/icon-192.png, icon-512.png (rounded, for the home screen),
icon-maskable-512.png (full bleed, the mark inside the central 80 % "safe zone" that
Android's masks keep) and og-default.jpg (1200×630, the Open Graph picture of pages
without a photo of their own). The drawing follows the SVG's 32×32 grid.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

GREEN, WHITE, AMBER = (11, 110, 79), (255, 255, 255), (224, 160, 0)
STATIC = Path(__file__).resolve().parent.parent / "static" / "img"


def draw_mark(draw: ImageDraw.ImageDraw, left: float, top: float, unit: float,
              rounded: bool = True) -> None:
    """The mark's 32×32 grid at (left, top), `unit` pixels a grid step."""
    def at(x, y):
        return (left + x * unit, top + y * unit)

    if rounded:
        draw.rounded_rectangle([at(0, 0), at(32, 32)], radius=8 * unit, fill=GREEN)
    # The speech bubble: a rounded box with a tail at the bottom left.
    draw.rounded_rectangle([at(6, 8), at(26, 21)], radius=2 * unit, fill=WHITE)
    draw.polygon([at(10, 20), at(15, 20), at(10, 25)], fill=WHITE)
    for x, colour in ((11.5, GREEN), (16, GREEN), (20.5, AMBER)):
        draw.ellipse([at(x - 1.7, 12.8), at(x + 1.7, 16.2)], fill=colour)


def icon(size: int, maskable: bool = False) -> Image.Image:
    image = Image.new("RGBA", (size, size), GREEN if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:  # the mark's content inside the central 80 %
        unit = size * 0.8 / 32
        offset = size * 0.1
        draw_mark(draw, offset, offset, unit, rounded=False)
    else:
        draw_mark(draw, 0, 0, size / 32)
    return image


def share_picture() -> Image.Image:
    image = Image.new("RGB", (1200, 630), GREEN)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([(420, 95), (780, 455)], radius=90, fill=(8, 86, 62))
    draw_mark(draw, 440, 115, 10, rounded=False)
    font = ImageFont.load_default(size=64)
    text = "Portal KIM"
    width = draw.textlength(text, font=font)
    draw.text(((1200 - width) / 2, 490), text, font=font, fill=WHITE)
    return image


def main() -> None:
    icon(192).save(STATIC / "icon-192.png", optimize=True)
    icon(512).save(STATIC / "icon-512.png", optimize=True)
    icon(512, maskable=True).convert("RGB").save(STATIC / "icon-maskable-512.png",
                                                 optimize=True)
    share_picture().save(STATIC / "og-default.jpg", quality=85, optimize=True,
                         progressive=True)


if __name__ == "__main__":
    main()
