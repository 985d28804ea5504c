"""Test builders for the bodymaps app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

from typing import Any

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()


def stroke(
    points: list[tuple[float, float]],
    *,
    view: str = "front",
    layer: str = "stronger",
    radius: float = 10.0,
    mode: str = "paint",
) -> dict[str, Any]:
    """A stroke through atlas-unit points (x 0-290, y 0-580), pressure 1, 10 ms apart."""
    return {
        "view": view,
        "layer": layer,
        "mode": mode,
        "radius": radius,
        "points": [[x / 290, y / 580, 1.0, 10 * i] for i, (x, y) in enumerate(points)],
    }


def payload(**fields: Any) -> dict[str, Any]:
    """A valid painting payload: one stroke across the chest unless strokes are given."""
    data: dict[str, Any] = {
        "atlas_version": "choir-1",
        "body_shape": "female",
        "nothing_felt": False,
        "strokes": [stroke([(120, 150), (160, 150)])],
        "regions": [],
        "emotions": [],
        "words": "",
    }
    data.update(fields)
    return data


def make_painting(
    client: Any, *, session: Any = None, moment: str = "checkin", **fields: Any
) -> Any:
    """A stored painting (rasterised and summarised like a real one)."""
    from somatrace.bodymaps import analysis, raster
    from somatrace.bodymaps.models import Painting
    from somatrace.bodymaps.payload import validate

    clean = validate(payload(**fields))
    grid = raster.rasterise(clean.strokes, clean.body_shape, clean.regions)
    return Painting.objects.create(
        client=client,
        session=session,
        moment=moment,
        atlas_version=clean.atlas_version,
        body_shape=clean.body_shape,
        nothing_felt=clean.nothing_felt,
        strokes=clean.record,
        raster_version=raster.RASTER_VERSION,
        raster=raster.pack(grid),
        stats=analysis.summarise(grid, clean.body_shape),
        emotions=clean.emotions,
        words=clean.words,
        created_by=client.assigned_practitioner,
    )


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    painting = make_painting(client, session=session, moment="pre", words="Secret-note-7f3a")
    return {"painting_id": painting.pk}
