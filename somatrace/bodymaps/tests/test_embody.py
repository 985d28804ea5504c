"""emBODY import: the reader, and the command against an independent re-implementation of
emBODY's own procedure (embody_demo.m), written here from its description with NumPy/SciPy
and without our code: count onto the 600 x 900 grid at 1-based (ceil(y + 1), ceil(x + 1)),
blur with a 15 x 15 Gaussian of sigma 5 normalised to sum 1 with zero padding, crop rows
9-530 and columns 32-202 (stronger) / 695-865 (weaker)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from scipy import ndimage

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps import embody
from somatrace.bodymaps.models import Painting
from somatrace.bodymaps.services import painting_raster

DEMO = Path(__file__).resolve().parents[1] / "data" / "embody_demo" / "984332"
# emBODY's demo labels, file N.csv answering the N-th (embody_demo.m; the demo's README).
LABELS = [
    "Neutral", "Fear", "Anger", "Disgust", "Sadness", "Happiness", "Surprise", "Anxiety",
    "Love", "Depression", "Contempt", "Pride", "Shame", "Jealousy",
]  # fmt: skip
TOLERANCE = 1e-6  # emBODY units; one isolated point peaks at 0.0067, the demo's maps at 0.24


def reference_map(text: str) -> tuple[np.ndarray, np.ndarray]:
    """emBODY's (stronger, weaker) crops of one recording, each (522, 171) float64."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            # MATLAB's dlmread reads an empty field as 0 (",," -> 0, 0, 0).
            rows.append([float(v) if v.strip() else 0.0 for v in line.split(",")])
    data = np.array(rows)
    delims = np.flatnonzero(data[:, 0] == -1)
    paint = data[delims[0] + 1 : delims[1]]
    over = np.zeros((600, 900))
    for _, x, y in paint:
        col = min(max(int(np.ceil(x + 1)), 1), 900)  # 1-based, clamped as embody_demo.m
        row = min(max(int(np.ceil(y + 1)), 1), 600)
        over[row - 1, col - 1] += 1
    d = np.arange(-7, 8)
    h = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * 5.0**2))
    h /= h.sum()
    blurred = ndimage.correlate(over, h, mode="constant", cval=0.0)
    return blurred[9:531, 32:203], blurred[9:531, 695:866]


def test_a_recording_is_read_with_its_painted_points() -> None:
    recording = embody.read_recording((DEMO / "0.csv").read_text())
    # 0.csv: lines 863-1440, between the first two -1,-1,-1 lines, are the painted points;
    # line 863 is "1332187574292,749.5,229".
    assert len(recording.points) == 1440 - 863 + 1
    assert recording.points[0] == (1332187574292.0, 749.5, 229.0)


def test_the_file_that_painted_nothing_is_a_valid_empty_recording() -> None:
    recording = embody.read_recording((DEMO / "10.csv").read_text())
    assert recording.empty and recording.started_ms is None
    assert not embody.rasterise(recording).any()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2\n", "3 columns"),
        ("1,2,3\n", "4 sections"),
        ("1,2,3\n-1,-1,-1\n1,a,3\n-1,-1,-1\n-1,-1,-1\n", "not a number"),
        ("1,2,3\n-1,-1,-1\n1,nan,3\n-1,-1,-1\n-1,-1,-1\n", "finite"),
    ],
)
def test_broken_files_are_refused_with_their_reason(text, message) -> None:
    with pytest.raises(embody.EmbodyError, match=message):
        embody.read_recording(text)


def test_the_kernel_is_matlabs_fspecial_gaussian() -> None:
    # By hand: h(dx, dy) proportional to exp(-(dx^2 + dy^2) / 50), sum 1; the centre over a
    # corner is exp(0) / exp(-98 / 50).
    h = embody.kernel()
    assert h.shape == (15, 15) and h.sum() == pytest.approx(1.0)
    assert h[7, 7] / h[0, 0] == pytest.approx(np.exp(98 / 50))


def test_the_demo_imports_as_emBODY_computes_it(client_record) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "bodymaps", "import-embody", str(DEMO), "--client-id", str(client_record.pk),
        stdout=out, stderr=err,
    )  # fmt: skip
    assert "Imported 14 painting(s) (1 of nothing felt), refused 0." in out.getvalue()
    assert err.getvalue() == ""
    paintings = {
        p.words.rsplit(" ", 1)[-1]: p for p in Painting.objects.filter(client=client_record)
    }
    assert len(paintings) == 14
    mask = embody.body_mask()
    outside_kept = 0.0
    for number, label in enumerate(LABELS):
        painting = paintings[f"{number}.csv"]
        assert painting.body_shape == "embody" and painting.stimulus == label
        stronger, weaker = reference_map((DEMO / f"{number}.csv").read_text())
        stored = painting_raster(painting)
        assert stored.shape == (1, 2, 522, 171)
        # Per-person maps (and the signed map, activation - deactivation) within TOLERANCE.
        assert np.abs(stored[0, 0] - stronger).max() <= TOLERANCE
        assert np.abs(stored[0, 1] - weaker).max() <= TOLERANCE
        assert np.abs((stored[0, 0] - stored[0, 1]) - (stronger - weaker)).max() <= TOLERANCE
        # Nothing is dropped: the whole crop is kept, also paint outside the outline.
        assert stored.sum() == pytest.approx(stronger.sum() + weaker.sum(), rel=1e-6)
        outside_kept += float(stored[0][:, ~mask].sum())
        # Intensity is kept: repeated painting adds up beyond one point's peak.
        if number != 10:
            assert stored.max() > 2 * embody.kernel().max()
    assert outside_kept > 0
    empty = paintings["10.csv"]
    assert empty.nothing_felt and empty.stimulus == "Contempt"
    assert not painting_raster(empty).any()
    created = AuditEvent.objects.filter(client_id=client_record.pk, action="create")
    assert created.count() == 14
    # Each row names who ran the command and the client's practice, never "nobody".
    for event in created:
        assert (event.actor_kind, event.channel) == ("cli", "cli")
        assert event.practice_id == client_record.practice_id
        assert event.actor_ref.endswith(": bodymaps import-embody") and event.actor is None


def test_a_broken_file_is_refused_and_the_rest_imported(client_record, tmp_path) -> None:
    (tmp_path / "0.csv").write_text((DEMO / "1.csv").read_text())
    (tmp_path / "1.csv").write_text("1,2,3\n-1,-1,-1\n")
    out, err = StringIO(), StringIO()
    call_command(
        "bodymaps", "import-embody", str(tmp_path), "--client-id", str(client_record.pk),
        "--stimuli", "Calm, Tense", stdout=out, stderr=err,
    )  # fmt: skip
    assert "1.csv: refused (expected 4 sections" in err.getvalue()
    assert "Imported 1 painting(s) (0 of nothing felt), refused 1." in out.getvalue()
    assert list(
        Painting.objects.filter(client=client_record).values_list("stimulus", flat=True)
    ) == ["Calm"]


def test_the_imported_map_is_shown_on_the_emBODY_outline(
    login, practitioner, client_record
) -> None:
    call_command(
        "bodymaps", "import-embody", str(DEMO), "--client-id", str(client_record.pk),
        stdout=StringIO(),
    )  # fmt: skip
    fear = Painting.objects.get(client=client_record, stimulus="Fear")
    browser = login(practitioner)
    page = browser.get(f"/bodymaps/paintings/{fear.pk}/")
    assert page.status_code == 200 and "Fear" in page.content.decode()
    image = browser.get(f"/bodymaps/paintings/{fear.pk}/map.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert browser.get(f"/bodymaps/paintings/{fear.pk}/map.svg").status_code == 200
    assert browser.get(f"/bodymaps/clients/{client_record.pk}/frequency.png").status_code == 200


def test_the_command_needs_a_real_client(db) -> None:
    with pytest.raises(CommandError, match="no client"):
        call_command("bodymaps", "import-embody", str(DEMO), "--client-id", "999999")


def test_pages_that_chart_regions_stay_on_choir_after_an_import(
    login, practitioner, client_record
) -> None:
    from somatrace.bodymaps.models import RegionFinding
    from somatrace.testing import make_session

    session = make_session(client_record)
    RegionFinding.objects.create(client=client_record, session=session, region="z_jaw",
                                 finding="held_tension", intensity=3, created_by=practitioner)  # fmt: skip
    call_command(
        "bodymaps", "import-embody", str(DEMO), "--client-id", str(client_record.pk),
        stdout=StringIO(),
    )  # fmt: skip
    browser = login(practitioner)
    assert browser.get(f"/bodymaps/clients/{client_record.pk}/history/").status_code == 200
    assert browser.get(f"/bodymaps/sessions/{session.pk}/chart/").status_code == 200
