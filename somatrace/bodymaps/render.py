"""Body maps as images for reports and the screen: PNG (Pillow) and SVG. No Django.

Palette (same as static/js/bodymaps/paint.js and bodymaps.css): Okabe-Ito vermillion for
"stronger / more active" and blue for "weaker / less", distinguishable with the common
colour-vision deficiencies (Okabe & Ito 2008, "Color Universal Design"); every image also
says in words which colour means what, so colour is never the only cue. A change between two
maps is another quantity and gets another scale: the diverging green / purple of
diverging_rgba, with its own legend and colour bar.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from somatrace.bodymaps import embody
from somatrace.bodymaps.atlas import CHOIR_CODES, VIEWS, WIDTH, polygons, svg_points
from somatrace.bodymaps.raster import body_mask

STRONGER_RGB = (0xD5, 0x5E, 0x00)  # Okabe-Ito vermillion
WEAKER_RGB = (0x00, 0x72, 0xB2)  # Okabe-Ito blue
STRONGER_HEX = "#D55E00"
WEAKER_HEX = "#0072B2"
BODY_RGB = (0xEE, 0xEE, 0xEA)
BODY_HEX = "#eeeeea"
OUTLINE_RGB = (0x6B, 0x72, 0x6E)
LEGEND = "Orange-red = stronger / more active. Blue = weaker / less."
HEADER = 22  # px above each view for its label
FOOTER = 22  # px below for the legend (one line; LINE more per further line)
LINE = 14
MIN_WIDTH = WIDTH  # px: an image is at least one CHOIR panel wide, for its legend

# Change maps (after - before) use a diverging scale of their own, never the painting's
# vermillion / blue: ColorBrewer PRGn (Brewer 2002; listed as colour-blind safe), green for
# more / stronger after, purple for less / weaker after, pale in the middle.
MORE_RGB = (0x1B, 0x78, 0x37)  # PRGn green
LESS_RGB = (0x76, 0x2A, 0x83)  # PRGn purple
MID_RGB = (0xF7, 0xF7, 0xF7)  # PRGn midpoint
MORE_HEX = "#1B7837"
LESS_HEX = "#762A83"
MID_HEX = "#F7F7F7"
NO_CHANGE = 0.02  # |change| at or below this share of the scale is drawn as no change
SCALE_BAR = 34  # px below the legend for the diverging scale
SCALE_WIDTH = 266  # px
DIFFERENCE_LEGEND = (
    "Change after - before: green = more / stronger after, purple = less / weaker after, "
    "pale = little change."
)


def painting_rgba(stronger: np.ndarray, weaker: np.ndarray) -> np.ndarray:
    """Both layers of one view as RGBA (H, W, 4) uint8: colour mixed by the share of each
    layer, opacity = the larger of the two values (0-1 -> 0-230)."""
    s = np.clip(stronger, 0, 1).astype(np.float32)
    w = np.clip(weaker, 0, 1).astype(np.float32)
    total = s + w
    share = np.divide(s, total, out=np.zeros_like(s), where=total > 0)[..., None]
    rgb = share * np.array(STRONGER_RGB, np.float32) + (1 - share) * np.array(
        WEAKER_RGB, np.float32
    )
    alpha = np.maximum(s, w) * 230
    return np.dstack([rgb, alpha]).round().astype(np.uint8)


def signed_rgba(
    signed: np.ndarray, vmax: float = 1.0, keep: np.ndarray | None = None
) -> np.ndarray:
    """A signed map (positive = stronger) as RGBA (H, W, 4) uint8, |value| / vmax -> opacity.
    keep: optional boolean mask (e.g. FDR-significant pixels); others are left transparent."""
    v = np.nan_to_num(np.asarray(signed, dtype=np.float32)) / (vmax or 1.0)
    v = np.clip(v, -1, 1)
    if keep is not None:
        v = np.where(keep, v, 0.0)
    positive = (v > 0)[..., None]
    rgb = np.where(positive, np.array(STRONGER_RGB, np.float32), np.array(WEAKER_RGB, np.float32))
    alpha = np.abs(v) * 230
    return np.dstack([rgb, alpha]).round().astype(np.uint8)


def diverging_rgba(values: np.ndarray, vmax: float = 1.0) -> np.ndarray:
    """A change map (positive = more after) on the diverging scale as RGBA (H, W, 4) uint8:
    from the pale midpoint to green (more) or purple (less) with |value| / vmax, clipped;
    transparent where |value| / vmax <= NO_CHANGE, so the body shows through."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32)) / (vmax or 1.0), -1, 1)
    magnitude = np.abs(v)[..., None]
    end = np.where((v > 0)[..., None], np.array(MORE_RGB, np.float32), LESS_RGB)
    rgb = np.array(MID_RGB, np.float32) + magnitude * (end - np.array(MID_RGB, np.float32))
    alpha = np.where(np.abs(v) > NO_CHANGE, 110 + 145 * np.abs(v), 0.0)
    return np.dstack([rgb, alpha]).round().astype(np.uint8)


def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default()


def outlines(body_shape: str, view: str) -> list[list[tuple[float, float]]]:
    """The polygons drawn over a panel: the CHOIR regions, or emBODY's one outline."""
    if body_shape == embody.EMBODY_SHAPE:
        return [list(embody.EMBODY_OUTLINE)]
    shapes = polygons(body_shape, view)
    return [shapes[code] for code in CHOIR_CODES[view]]


def _view_image(body_shape: str, view: str, overlay: np.ndarray) -> Image.Image:
    size = (overlay.shape[1], overlay.shape[0])
    base = Image.new("RGBA", size, (255, 255, 255, 255))
    body = Image.fromarray((body_mask(body_shape, view) * 255).astype(np.uint8), "L")
    base.paste(Image.new("RGBA", size, (*BODY_RGB, 255)), mask=body)
    base.alpha_composite(Image.fromarray(overlay, "RGBA"))
    draw = ImageDraw.Draw(base)
    for polygon in outlines(body_shape, view):
        draw.polygon(polygon, outline=(*OUTLINE_RGB, 255))
    return base


def _legend_lines(legend: str, width: int) -> list[str]:
    return textwrap.wrap(legend, max(20, (width - 12) // 6)) or [""]


def _scale_bar(canvas: Image.Image, x: int, y: int) -> None:
    """The diverging scale: a gradient from purple (less after) through pale to green (more
    after), labelled at both ends and in the middle, SCALE_BAR px high from (x, y)."""
    ramp = diverging_rgba(np.linspace(-1, 1, SCALE_WIDTH)[None, :].repeat(10, axis=0))
    strip = Image.new("RGBA", (SCALE_WIDTH, 10), (*BODY_RGB, 255))
    strip.alpha_composite(Image.fromarray(ramp, "RGBA"))
    canvas.paste(strip, (x, y))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((x - 1, y - 1, x + SCALE_WIDTH, y + 10), outline=(*OUTLINE_RGB, 255))
    ink, font = (20, 20, 20, 255), _font()
    draw.text((x, y + 13), "-100 % less after", fill=ink, font=font)
    draw.text((x + SCALE_WIDTH // 2 - 3, y + 13), "0", fill=ink, font=font)
    draw.text((x + SCALE_WIDTH - 100, y + 13), "+100 % more after", fill=ink, font=font)


def png(
    body_shape: str,
    overlays: Sequence[np.ndarray],
    labels: Sequence[str] = ("Front", "Back"),
    views: Sequence[str] = VIEWS,
    legend: str = LEGEND,
    *,
    scale_bar: bool = False,
) -> bytes:
    """PNG bytes: one panel per overlay (RGBA (H, W, 4), the body shape's grid: 580 x 290 on
    CHOIR, 522 x 171 on emBODY's outline), side by side, each labelled, with the legend in
    words below (wrapped) and, with scale_bar, the diverging colour scale of a change map."""
    widths = [overlay.shape[1] for overlay in overlays]
    height = max(overlay.shape[0] for overlay in overlays)
    width = max(sum(widths), MIN_WIDTH)
    lines = _legend_lines(legend, width)
    footer = FOOTER + LINE * (len(lines) - 1) + (SCALE_BAR if scale_bar else 0)
    canvas = Image.new("RGBA", (width, HEADER + height + footer), (255, 255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = _font()
    x = 0
    for overlay, label, view in zip(overlays, labels, views, strict=True):
        canvas.paste(_view_image(body_shape, view, overlay), (x, HEADER))
        draw.text((x + 6, 5), label, fill=(20, 20, 20, 255), font=font)
        x += overlay.shape[1]
    for k, line in enumerate(lines):
        draw.text((6, HEADER + height + 5 + LINE * k), line, fill=(20, 20, 20, 255), font=font)
    if scale_bar:
        _scale_bar(canvas, 12, HEADER + height + FOOTER + LINE * (len(lines) - 1) + 4)
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def svg(
    body_shape: str,
    overlays: Sequence[np.ndarray],
    labels: Sequence[str] = ("Front", "Back"),
    views: Sequence[str] = VIEWS,
    legend: str = LEGEND,
    title: str = "Body map",
) -> str:
    """SVG text: per panel the outlines as polygons (CHOIR regions, or emBODY's outline) and
    the heat overlay as an embedded PNG (exactly the raster, no resampling), labels and
    legend as text."""
    widths = [overlay.shape[1] for overlay in overlays]
    panel_height = max(overlay.shape[0] for overlay in overlays)
    width = max(sum(widths), MIN_WIDTH)
    lines = _legend_lines(legend, width)
    height = HEADER + panel_height + FOOTER + LINE * (len(lines) - 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
    ]
    x = 0
    for overlay, label, view in zip(overlays, labels, views, strict=True):
        buffer = io.BytesIO()
        Image.fromarray(overlay, "RGBA").save(buffer, format="PNG")
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        parts.append(f'<g transform="translate({x},{HEADER})">')
        codes = CHOIR_CODES[view] if body_shape != embody.EMBODY_SHAPE else ("embody",)
        for code, polygon in zip(codes, outlines(body_shape, view), strict=True):
            parts.append(
                f'<polygon data-region="{code}" points="{svg_points(polygon)}" '
                f'fill="{BODY_HEX}" stroke="#6b726e" stroke-width="0.6"/>'
            )
        h, w = overlay.shape[:2]
        parts.append(f'<image width="{w}" height="{h}" href="data:image/png;base64,{data}"/>')
        parts.append("</g>")
        parts.append(
            f'<text x="{x + 6}" y="15" font-family="sans-serif" font-size="13">'
            f"{escape(label)}</text>"
        )
        x += w
    for k, line in enumerate(lines):
        parts.append(
            f'<text x="6" y="{HEADER + panel_height + 16 + LINE * k}" font-family="sans-serif" '
            f'font-size="11">{escape(line)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
