"""emBODY import: the reader on the real demo files, and the management command."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps import embody
from somatrace.bodymaps.models import Painting

DEMO = Path(__file__).resolve().parents[1] / "data" / "embody_demo" / "984332"


def test_a_real_recording_becomes_front_view_strokes_on_both_layers() -> None:
    strokes = embody.read_strokes((DEMO / "0.csv").read_text())
    # 0.csv: 1440 - 863 = 578 painted points (lines 863-1440), two pointer-down intervals.
    assert sum(len(s["points"]) for s in strokes) == 578
    assert {s["view"] for s in strokes} == {"front"}
    assert {s["layer"] for s in strokes} == {"stronger", "weaker"}
    for s in strokes:
        for x, y, p, t in s["points"]:
            assert 0 <= x <= 1 and 0 <= y <= 1 and p == 1 and t >= 0


def test_coordinates_map_by_hand() -> None:
    # The stronger crop's centre column (32 + 202) / 2 = 117 lands on the midline x = 145;
    # row 9 lands on the silhouette top y = 13; the weaker body's centre 780 likewise.
    assert embody.to_atlas(117, 9) == ("stronger", 145.0, 13.0)
    layer, x, y = embody.to_atlas(780, 530)
    assert layer == "weaker" and x == 145.0 and y == pytest.approx(568.0)


def test_the_broken_demo_file_gives_a_clear_error() -> None:
    with pytest.raises(embody.EmbodyError, match="no painted points"):
        embody.read_strokes((DEMO / "10.csv").read_text())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2\n", "3 columns"),
        ("1,2,3\n", "4 sections"),
        ("1,2,3\n-1,-1,-1\n1,a,3\n-1,-1,-1\n-1,-1,-1\n", "not a number"),
    ],
)
def test_malformed_files_are_refused(text, message) -> None:
    with pytest.raises(embody.EmbodyError, match=message):
        embody.read_strokes(text)


def test_the_command_imports_a_directory_and_skips_the_broken_file(client_record) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "bodymaps",
        "import-embody",
        str(DEMO),
        "--client-id",
        str(client_record.pk),
        stdout=out,
        stderr=err,
    )
    assert "Imported 13 painting(s), skipped 1." in out.getvalue()
    assert "10.csv: skipped" in err.getvalue()
    assert Painting.objects.filter(client=client_record).count() == 13
    created = AuditEvent.objects.filter(client_id=client_record.pk, action="create")
    assert created.count() == 13
    # Each row names who ran the command and the client's practice, never "nobody".
    for event in created:
        assert (event.actor_kind, event.channel) == ("cli", "cli")
        assert event.practice_id == client_record.practice_id
        assert event.actor_ref.endswith(": bodymaps import-embody") and event.actor is None


def test_the_command_needs_a_real_client(db) -> None:
    with pytest.raises(CommandError, match="no client"):
        call_command("bodymaps", "import-embody", str(DEMO), "--client-id", "999999")
