"""The Vega-Lite spec of the per-region series on the body-map history page (charts.py)."""

from __future__ import annotations

from somatrace.bodymaps.charts import region_series_chart

ROWS = [
    {"date": "2026-03-01", "region": "Jaw", "signed": 0},
    {"date": "2026-03-02", "region": "Jaw", "signed": 30},
    {"date": "2026-03-02", "region": "Left chest", "signed": -20},
]


def test_it_draws_one_line_with_points_per_region_over_time() -> None:
    spec = region_series_chart(ROWS)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec["data"] == {"values": ROWS}
    assert spec["mark"] == {"type": "line", "point": True}
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["x"]["type"]) == ("date", "temporal")
    assert (encoding["y"]["field"], encoding["y"]["type"]) == ("signed", "quantitative")
    # Regions are told apart by colour and by dash, so colour is never the only cue.
    assert encoding["color"]["field"] == encoding["strokeDash"]["field"] == "region"


def test_its_axis_runs_from_minus_100_to_100_percent_whatever_the_data() -> None:
    y = region_series_chart([])["encoding"]["y"]
    assert y["scale"] == {"domain": [-100, 100]}
    assert y["title"] == "Stronger − weaker (%)"


def test_it_describes_itself_for_screen_readers() -> None:
    spec = region_series_chart(ROWS)
    assert "stronger minus weaker" in spec["description"]
