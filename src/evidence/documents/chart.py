"""The report's chart: each unit's percentage, in ranking order, coloured by band — a PNG drawn with Pillow.

Pillow rather than matplotlib: importing matplotlib alone takes 2–7 s on the target machine, more than the whole
report's budget (< 3 s for 150 units); this draws the same bar chart in a few tens of milliseconds.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from .fonts import find_serif_font

COLOURS = ["#1f4e79", "#2e75b6", "#9dc3e6", "#c00000", "#7f7f7f", "#bfbfbf"]
DPI = 200


def _font(size_pt: float, bold: bool = False):
    path = find_serif_font(bold, False)
    pixels = max(int(size_pt * DPI / 72), 6)
    return ImageFont.truetype(str(path), pixels) if path else ImageFont.load_default()


def percentages_chart(
    labels: list[str],
    percents: list[float],
    bands: list[str],
    band_order: list[str],
    *,
    width_mm: float = 160,
    height_mm: float = 80,
) -> bytes:
    """PNG bytes of a bar chart of `percents` (0–100) with `labels` under the bars when they fit."""
    width, height = int(width_mm / 25.4 * DPI), int(height_mm / 25.4 * DPI)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    small, tiny = _font(8), _font(7)
    named = len(labels) <= 60
    left, right, top = int(width * 0.08), int(width * 0.98), int(height * 0.10)
    bottom = int(height * (0.78 if named else 0.86))
    if named and labels:  # room under the axis for the longest unit name, written upwards
        longest = max(draw.textlength(label, font=tiny) for label in labels) + 16
        bottom = int(max(height * 0.45, min(height - longest, height * 0.86)))
    span = bottom - top
    for tick in range(0, 101, 20):  # grid and y ticks
        y = bottom - span * tick / 100
        draw.line([(left, y), (right, y)], fill="#d9d9d9", width=1)
        text = str(tick)
        draw.text((left - 8 - draw.textlength(text, font=small), y - small.size / 2), text, fill="black", font=small)
    draw.line([(left, top), (left, bottom)], fill="black", width=2)
    draw.line([(left, bottom), (right, bottom)], fill="black", width=2)
    colour_of = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(band_order)}
    n = max(len(percents), 1)
    slot = (right - left) / n
    for i, (label, value, band) in enumerate(zip(labels, percents, bands)):
        x0 = left + i * slot + slot * 0.1
        x1 = left + (i + 1) * slot - slot * 0.1
        y = min(bottom - span * max(0.0, min(value, 100.0)) / 100, bottom - 2)  # a 0 % bar is a thin line
        draw.rectangle([x0, y, max(x1, x0 + 1), bottom - 1], fill=colour_of.get(band, "#7f7f7f"))
        if named:
            text_img = Image.new("RGBA", (int(draw.textlength(label, font=tiny)) + 4, tiny.size + 6), (0, 0, 0, 0))
            ImageDraw.Draw(text_img).text((2, 0), label, fill="black", font=tiny)
            rotated = text_img.rotate(90, expand=True)
            image.paste(rotated, (int((x0 + x1) / 2 - rotated.width / 2), bottom + 6), rotated)
    if not named:
        for rank in range(1, len(labels) + 1, 10):
            x = left + (rank - 0.5) * slot
            draw.text((x - draw.textlength(str(rank), font=tiny) / 2, bottom + 6), str(rank), fill="black", font=tiny)
        caption = "Thứ hạng"
        draw.text(
            ((left + right) / 2 - draw.textlength(caption, font=small) / 2, bottom + 6 + tiny.size + 8),
            caption,
            fill="black",
            font=small,
        )
    axis = "Chỉ số (%)"
    draw.text((left, top - small.size - 14), axis, fill="black", font=small)
    x = right
    for name in reversed([b for b in band_order if b in set(bands)]):  # legend, top right
        text_w = draw.textlength(name, font=small)
        x -= text_w
        draw.text((x, top - small.size - 14), name, fill="black", font=small)
        x -= small.size + 8
        draw.rectangle([x, top - small.size - 10, x + small.size, top - 14], fill=colour_of[name])
        x -= 24
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, dpi=(DPI, DPI))
    return buffer.getvalue()
