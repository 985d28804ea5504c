"""core/jsonbody.py: JSON bodies that are not JSON, nest too deeply or are too large get a
400 (413) with a message on every endpoint that reads one, never a RecursionError and a 500."""

from __future__ import annotations

import json
import uuid

import pytest

from somatrace.bodymaps.models import Painting
from somatrace.core.jsonbody import MAX_DEPTH, TOO_DEEP, BadJSON, nesting_depth, parse_json
from somatrace.physio.models import Recording
from somatrace.testing import make_session
from somatrace.therapy.models import TimelineEvent
from somatrace.therapy.testing import started_session

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000
UNCLOSED = "[" * 100_000


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[{"', 0),  # brackets inside a string do not count
        ('"a \\" [[" ', 0),  # nor after an escaped quote
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),  # object, array, object, array
        ('[[], [[]], ["]]]]"]]', 3),
        ("[" * 25, 25),  # an unclosed text still counts its depth
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth) -> None:
    assert nesting_depth(text.encode()) == depth


def test_parse_json_refuses_deep_nesting_by_name_and_reads_ordinary_json() -> None:
    assert parse_json(b'{"rr_ms": [800, 810]}') == {"rr_ms": [800, 810]}
    assert parse_json(b"", empty={}) == {}
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    for text in (DEEP, DEEP_OBJECT, UNCLOSED, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)):
        with pytest.raises(BadJSON) as refused:
            parse_json(text)
        assert str(refused.value) == TOO_DEEP and refused.value.status == 400
    for text in ("{not json", "\xff", b"\xff\xfe"):
        with pytest.raises(BadJSON, match="not valid JSON"):
            parse_json(text)


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, UNCLOSED])
def test_deep_json_on_the_event_endpoint_is_a_400_with_a_message(
    login, practitioner, client_record, body
) -> None:
    session = started_session(client_record)
    response = login(practitioner).post(
        f"/sessions/{session.pk}/events/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == TOO_DEEP
    assert not TimelineEvent.objects.exists()


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, UNCLOSED])
def test_deep_json_on_the_live_recording_endpoint_is_a_400_with_a_message(
    login, practitioner, client_record, body
) -> None:
    session = make_session(client_record, duration_minutes=30)
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/live/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == TOO_DEEP
    assert not Recording.objects.exists()


def test_deep_json_on_the_painting_endpoint_is_a_400_with_a_message(
    login, practitioner, client_record
) -> None:
    response = login(practitioner).post(
        f"/bodymaps/clients/{client_record.pk}/paint/", DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert TOO_DEEP in response.json()["error"]
    assert not Painting.objects.exists()


def test_a_live_batch_still_goes_through(login, practitioner, client_record) -> None:
    session = make_session(client_record, duration_minutes=30)
    body = json.dumps({"batch": str(uuid.uuid4()), "rr_ms": [800, 812.5]})
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/live/", body, content_type="application/json"
    )
    assert response.status_code in (200, 201)
