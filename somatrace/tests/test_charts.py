from datetime import date

from somatrace.charts import ratings_chart, ratings_rows


def test_ratings_rows_flatten_each_rating_that_was_asked() -> None:
    rows = ratings_rows(
        [
            {
                "date": date(2026, 3, 1),
                "pre_suds": 7,
                "post_suds": 3,
                "pre_calm": None,
                "post_calm": 6,
            },
        ]
    )
    assert rows == [
        {"date": "2026-03-01", "measure": "Distress (SUDS)", "when": "Before", "value": 7},
        {"date": "2026-03-01", "measure": "Distress (SUDS)", "when": "After", "value": 3},
        {"date": "2026-03-01", "measure": "Calm", "when": "After", "value": 6},
    ]


def test_a_session_without_ratings_gives_no_rows() -> None:
    assert ratings_rows([{"date": date(2026, 3, 1)}]) == []


def test_the_chart_is_a_faceted_vega_lite_spec_over_0_to_10() -> None:
    rows = ratings_rows([{"date": date(2026, 3, 1), "pre_suds": 7, "post_suds": 3}])
    spec = ratings_chart(rows)
    assert spec["$schema"].endswith("vega-lite/v6.json")
    assert spec["data"]["values"] == rows
    assert spec["facet"]["row"]["sort"] == ["Distress (SUDS)", "Calm", "Body tension"]
    points = spec["spec"]["layer"][1]["encoding"]
    assert points["y"]["scale"]["domain"] == [0, 10]
    assert points["color"]["scale"]["domain"] == ["Before", "After"]
