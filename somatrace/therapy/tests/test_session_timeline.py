"""The session page's timeline: the chart spec and the event list."""

from __future__ import annotations

import pytest

from somatrace.therapy.testing import make_event, started_session
from somatrace.therapy.timeline_chart import Point, timeline_chart


def layer(spec, mark):
    return [
        layer
        for layer in spec["layer"]
        if (layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == mark
    ]


def test_the_chart_shades_the_window_and_highlights_prompts() -> None:
    points = [
        Point(0.0, "SUDS", "SUDS 4", suds=4),
        Point(2.5, "Cue", "Heat"),
        Point(4.0, "SUDS", "SUDS 8", suds=8),
        Point(4.0, "Pacing prompt", "Pacing prompt: SUDS at the upper limit"),
        Point(5.0, "Grounding", "Slow exhale"),
    ]
    spec = timeline_chart(points, 3, 7)
    (window,) = layer(spec, "rect")
    assert window["data"]["values"] == [{"low": 3, "high": 7}]
    (line,) = layer(spec, "line")
    assert [(row["minute"], row["suds"]) for row in line["data"]["values"]] == [(0.0, 4), (4.0, 8)]
    rules = layer(spec, "rule")
    events = rules[0]["data"]["values"]
    assert [(row["minute"], row["kind"]) for row in events] == [(2.5, "Cue"), (5.0, "Grounding")]
    (prompts,) = layer(spec, "point")
    # The prompt sits at the SUDS value in force when it fired (8), in its own colour and shape.
    assert prompts["data"]["values"] == [
        {"minute": 4.0, "label": "Pacing prompt: SUDS at the upper limit", "suds": 8}
    ]
    assert prompts["mark"]["shape"] == "triangle-up" and prompts["mark"]["color"] == "#D55E00"
    assert spec["layer"][2]["encoding"]["x"]["scale"]["domain"] == [0, 5.0]


@pytest.mark.django_db
def test_the_session_page_lists_the_events_in_order(login, practitioner, client_record) -> None:
    session = started_session(client_record)
    make_event(session, "suds", seconds=0, suds=4)
    make_event(session, "emotion", seconds=200, code="grief", intensity=3, region="chest_heart")
    make_event(session, "cue", seconds=100, code="trembling", region="leg_left")
    page = login(practitioner).get(f"/sessions/{session.pk}/").content.decode()
    assert "Timeline" in page and "vega-chart" in page
    page = page[page.index('class="event-list"') :]
    first, second, third = (page.index(s) for s in ("SUDS 4", "Trembling / shaking", "Grief"))
    assert first < second < third
    assert "Left leg" in page and "intensity 3/5" in page
    assert page.count("Delete<span") == 3


@pytest.mark.django_db
@pytest.mark.parametrize("events", [3, 150])
def test_the_session_page_takes_a_bounded_number_of_queries(
    login, practitioner, client_record, events, django_assert_max_num_queries
) -> None:
    session = started_session(client_record)
    for i in range(events):
        make_event(session, "cue", seconds=i * 5)
    browser = login(practitioner)
    with django_assert_max_num_queries(16):
        assert browser.get(f"/sessions/{session.pk}/").status_code == 200
