"""Body maps as images for reports and the screen: PNG (Pillow) and SVG. No Django.

Palette (same as static/js/bodymaps/paint.js and bodymaps.css): Okabe-Ito vermillion for
"stronger / more active" and blue for "weaker / less", distinguishable with the common
colour-vision deficiencies (Okabe & Ito 2008, "Color Universal Design"); every image also
says in words which colour means what, so colour is never the only cue.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from somatrace.bodymaps.atlas import CHOIR_CODES, HEIGHT, VIEWS, WIDTH, polygons, svg_points
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
FOOTER = 22  # px below for the legend


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


def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default()


def _view_image(body_shape: str, view: str, overlay: np.ndarray) -> Image.Image:
    base = Image.new("RGBA", (WIDTH, HEIGHT), (255, 255, 255, 255))
    body = Image.fromarray((body_mask(body_shape, view) * 255).astype(np.uint8), "L")
    base.paste(Image.new("RGBA", (WIDTH, HEIGHT), (*BODY_RGB, 255)), mask=body)
    base.alpha_composite(Image.fromarray(overlay, "RGBA"))
    draw = ImageDraw.Draw(base)
    for code in CHOIR_CODES[view]:
        draw.polygon(polygons(body_shape, view)[code], outline=(*OUTLINE_RGB, 255))
    return base


def png(
    body_shape: str,
    overlays: Sequence[np.ndarray],
    labels: Sequence[str] = ("Front", "Back"),
    views: Sequence[str] = VIEWS,
    legend: str = LEGEND,
) -> bytes:
    """PNG bytes: one panel per overlay (RGBA (580, 290, 4)), side by side, each labelled,
    with the legend in words below."""
    width = WIDTH * len(overlays)
    canvas = Image.new("RGBA", (width, HEADER + HEIGHT + FOOTER), (255, 255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = _font()
    for k, (overlay, label, view) in enumerate(zip(overlays, labels, views, strict=True)):
        canvas.paste(_view_image(body_shape, view, overlay), (k * WIDTH, HEADER))
        draw.text((k * WIDTH + 6, 5), label, fill=(20, 20, 20, 255), font=font)
    draw.text((6, HEADER + HEIGHT + 5), legend, fill=(20, 20, 20, 255), font=font)
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
    """SVG text: per panel the CHOIR outlines as polygons and the heat overlay as an embedded
    PNG (exactly the raster, no resampling), labels and legend as text."""
    width = WIDTH * len(overlays)
    height = HEADER + HEIGHT + FOOTER
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
    ]
    for k, (overlay, label, view) in enumerate(zip(overlays, labels, views, strict=True)):
        buffer = io.BytesIO()
        Image.fromarray(overlay, "RGBA").save(buffer, format="PNG")
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        parts.append(f'<g transform="translate({k * WIDTH},{HEADER})">')
        for code in CHOIR_CODES[view]:
            points = svg_points(polygons(body_shape, view)[code])
            parts.append(
                f'<polygon data-region="{code}" points="{points}" fill="{BODY_HEX}" '
                'stroke="#6b726e" stroke-width="0.6"/>'
            )
        parts.append(
            f'<image width="{WIDTH}" height="{HEIGHT}" href="data:image/png;base64,{data}"/>'
        )
        parts.append("</g>")
        parts.append(
            f'<text x="{k * WIDTH + 6}" y="15" font-family="sans-serif" font-size="13">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<text x="6" y="{HEADER + HEIGHT + 16}" font-family="sans-serif" font-size="11">'
        f"{escape(legend)}</text></svg>"
    )
    return "".join(parts)
