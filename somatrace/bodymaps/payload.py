"""Strict validation of a painting sent by the browser. Pure Python, no Django.

`validate(data)` returns a cleaned painting or raises PayloadError with a message that can be
shown to the person; nothing is stored unless the whole payload is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from somatrace.bodymaps.atlas import ATLAS_VERSIONS, BODY_SHAPES, REGION_BY_CODE, VIEWS
from somatrace.bodymaps.raster import (
    LAYERS,
    MAX_RADIUS,
    MAX_WORK,
    MIN_RADIUS,
    MODES,
    REGION_LEVELS,
    painting_work,
)
from somatrace.bodymaps.vocabulary import EMOTION_LABELS

MAX_POINTS = 20_000  # per painting, all strokes together
MAX_STROKES = 2_000
MAX_REGION_ENTRIES = 200
MAX_WORDS = 2_000  # characters
MAX_TIME_MS = 6 * 3600 * 1000  # a point's time since the painting started
MAX_BODY_BYTES = 2_000_000  # 20 000 points at ~60 bytes each, with room


class PayloadError(ValueError):
    """The painting cannot be accepted; str(error) says why, in plain words."""


@dataclass
class CleanPainting:
    atlas_version: str
    body_shape: str
    nothing_felt: bool
    strokes: list[dict[str, Any]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    emotions: list[dict[str, Any]] = field(default_factory=list)
    words: str = ""

    @property
    def record(self) -> dict[str, Any]:
        return {"strokes": self.strokes, "regions": self.regions}


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(f"{where} must be a number.")
    if not math.isfinite(value) or not low <= value <= high:
        raise PayloadError(f"{where} must be between {low:g} and {high:g}.")
    return float(value)


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PayloadError(f"{where} must be a whole number from {low} to {high}.")
    return value


def _choice(value: Any, where: str, choices: tuple[str, ...] | dict[str, Any]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise PayloadError(f"{where} is not one of the known values.")
    return value


def _object(value: Any, where: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be an object.")
    unknown = set(value) - keys
    if unknown:
        raise PayloadError(f"{where} has unknown fields: {', '.join(sorted(unknown))[:100]}.")
    return value


def _list(value: Any, where: str, cap: int) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(f"{where} must be a list.")
    if len(value) > cap:
        raise PayloadError(f"{where} has more than {cap} entries.")
    return value


def validate(data: Any) -> CleanPainting:
    """Check every field, type and range; return the cleaned painting or raise PayloadError."""
    data = _object(
        data,
        "The painting",
        {"atlas_version", "body_shape", "nothing_felt", "strokes", "regions", "emotions", "words"},
    )
    version = data.get("atlas_version")
    if version not in ATLAS_VERSIONS:
        raise PayloadError("This painting was made on an atlas version this server does not know.")
    shape = _choice(data.get("body_shape"), "The body outline", BODY_SHAPES)
    nothing = data.get("nothing_felt", False)
    if not isinstance(nothing, bool):
        raise PayloadError("'Nothing particular' must be true or false.")
    strokes = []
    total = 0
    for k, raw in enumerate(_list(data.get("strokes", []), "Strokes", MAX_STROKES), start=1):
        where = f"Stroke {k}"
        raw = _object(raw, where, {"view", "layer", "mode", "radius", "points"})
        points = _list(raw.get("points"), f"{where} points", MAX_POINTS)
        if not points:
            raise PayloadError(f"{where} has no points.")
        total += len(points)
        if total > MAX_POINTS:
            raise PayloadError(f"A painting can have at most {MAX_POINTS} points.")
        clean_points = []
        for point in points:
            if not isinstance(point, list) or len(point) != 4:
                raise PayloadError(f"{where}: each point must be [x, y, pressure, time].")
            x, y, p, t = point
            clean_points.append(
                [
                    _number(x, f"{where}: x", 0, 1),
                    _number(y, f"{where}: y", 0, 1),
                    _number(p, f"{where}: pressure", 0, 1),
                    _number(t, f"{where}: time", 0, MAX_TIME_MS),
                ]
            )
        strokes.append(
            {
                "view": _choice(raw.get("view"), f"{where}: view", VIEWS),
                "layer": _choice(raw.get("layer"), f"{where}: layer", LAYERS),
                "mode": _choice(raw.get("mode", "paint"), f"{where}: mode", MODES),
                "radius": _number(
                    raw.get("radius"), f"{where}: brush size", MIN_RADIUS, MAX_RADIUS
                ),
                "points": clean_points,
            }
        )
    work = painting_work(strokes)
    if work > MAX_WORK:
        raise PayloadError(
            f"This painting is too much to draw: its strokes need about {work / 1e6:,.0f} "
            f"million pixel operations, and a painting may need at most {MAX_WORK / 1e6:,.0f} "
            "million. Paint with fewer or shorter strokes, or split it into two paintings."
        )
    regions = []
    for k, raw in enumerate(
        _list(data.get("regions", []), "Region entries", MAX_REGION_ENTRIES), start=1
    ):
        where = f"Region entry {k}"
        raw = _object(raw, where, {"view", "layer", "region", "intensity"})
        view = _choice(raw.get("view"), f"{where}: view", VIEWS)
        code = _choice(raw.get("region"), f"{where}: region", REGION_BY_CODE)
        if REGION_BY_CODE[code].view != view:
            raise PayloadError(f"{where}: that region is not on the {view} view.")
        regions.append(
            {
                "view": view,
                "layer": _choice(raw.get("layer"), f"{where}: layer", LAYERS),
                "region": code,
                "intensity": _integer(
                    raw.get("intensity"), f"{where}: intensity", 1, REGION_LEVELS
                ),
            }
        )
    emotions = []
    seen = set()
    for k, raw in enumerate(_list(data.get("emotions", []), "Emotions", 30), start=1):
        raw = _object(raw, f"Emotion {k}", {"code", "intensity"})
        code = _choice(raw.get("code"), f"Emotion {k}", EMOTION_LABELS)
        if code in seen:
            raise PayloadError(f"Emotion {k} is listed twice.")
        seen.add(code)
        emotions.append(
            {
                "code": code,
                "intensity": _integer(raw.get("intensity"), f"Emotion {k}: intensity", 1, 5),
            }
        )
    words = data.get("words", "")
    if not isinstance(words, str) or len(words) > MAX_WORDS:
        raise PayloadError(f"The words must be text of at most {MAX_WORDS} characters.")
    painted = any(s["mode"] == "paint" for s in strokes) or bool(regions)
    if nothing and painted:
        raise PayloadError(
            "You ticked \u201cI don't feel anything particular\u201d and also painted: "
            "untick it or clear the painting."
        )
    if not nothing and not painted:
        raise PayloadError(
            "Nothing was painted. Paint where you feel something, choose a region from the "
            "list, or tick \u201cI don't feel anything particular\u201d."
        )
    return CleanPainting(version, shape, nothing, strokes, regions, emotions, words.strip())
