"""Downsampling for charts of long recordings (downsample.py), checked by hand."""

import numpy as np
import pytest

from somatrace.physio import charts
from somatrace.physio.downsample import envelope_indices, even_indices


def test_envelope_keeps_each_buckets_lowest_and_highest_point_in_time_order():
    # 8 points, at most 4: two buckets of 4.
    # bucket [5, 1, 4, 8] at 0..3: lowest 1 (index 1), highest 8 (index 3)
    # bucket [2, 3, 9, 0] at 4..7: lowest 0 (index 7), highest 9 (index 6)
    values = np.array([5, 1, 4, 8, 2, 3, 9, 0], dtype=float)
    assert envelope_indices(values, 4).tolist() == [1, 3, 6, 7]


def test_envelope_of_a_last_bucket_that_is_not_full_and_of_a_flat_bucket():
    # 7 points, at most 4: buckets of ceil(7 / 2) = 4: [3, 3, 3, 3] and [1, 7, 4].
    # The flat bucket gives one point (its first), the short one its lowest and highest.
    values = np.array([3, 3, 3, 3, 1, 7, 4], dtype=float)
    assert envelope_indices(values, 4).tolist() == [0, 4, 5]


def test_a_short_series_is_kept_whole_and_a_spike_survives_a_long_one():
    assert envelope_indices(np.arange(5.0), 10).tolist() == [0, 1, 2, 3, 4]
    rr = np.full(100_000, 800.0)
    rr[54_321] = 1600.0  # one missed beat in a day
    kept = envelope_indices(rr, charts.MAX_POINTS)
    assert kept.size <= charts.MAX_POINTS
    assert 54_321 in kept.tolist()  # every 34th point (the old thinning) would have lost it
    assert rr[kept].max() == 1600.0


def test_even_indices_spread_markers_with_both_ends():
    assert even_indices(3, 5).tolist() == [0, 1, 2]
    # 11 points, 3 kept: linspace(0, 10, 3) = 0, 5, 10
    assert even_indices(11, 3).tolist() == [0, 5, 10]


def test_envelope_needs_room_for_two_points():
    with pytest.raises(ValueError):
        envelope_indices(np.arange(10.0), 1)


def test_a_long_tachogram_says_it_is_downsampled_and_a_short_one_does_not():
    n = 100_000
    rr = np.full(n, 860.0)
    flags = np.zeros(n, bool)
    flags[::50] = True  # 2000 corrected beats
    beats, corrected = charts.tachogram_rows(rr, flags, 0.0)
    assert len(beats) <= charts.MAX_POINTS and len(corrected) == charts.MAX_CORRECTED_POINTS
    note = charts.tachogram_note(len(beats), n, len(corrected), 2000)
    # Buckets of ceil(100,000 / 1,500) = 67 beats: ceil(100,000 / 67) = 1,493 of them; in a
    # constant series each bucket's lowest and highest are the same (its first) beat.
    assert len(beats) == 1493
    assert note == (
        "Downsampled: 1,493 of 100,000 beats drawn (the lowest and highest RR of each stretch "
        "of beats); 1,000 of 2,000 corrected beats drawn (evenly spread)."
    )
    spec = charts.tachogram_chart(beats, corrected, None, [], note=note)
    assert spec["title"]["text"] == note
    assert charts.tachogram_note(500, 500, 3, 3) is None
    short, _ = charts.tachogram_rows(np.full(500, 860.0), np.zeros(500, bool), 0.0)
    assert "title" not in charts.tachogram_chart(short, [], None, [], note=None)
    assert len(short) == 500


def test_a_long_windows_chart_draws_at_most_the_limit_per_measure_and_says_so():
    short = [
        {"mid_s": 30.0 * k + 30, "hr_bpm": 60 + (k % 7), "rmssd_ms": 30 + (k % 11)}
        for k in range(2880)  # 24 h every 30 s
    ]
    freq = [{"mid_s": 90.0 * k + 150, "hf_ms2": 300 + (k % 5)} for k in range(960)]
    spec = charts.windows_chart(short, 3600.0, [], freq)
    for panel in spec["vconcat"]:
        drawn = panel["layer"][-1]["data"]["values"]
        assert 0 < len(drawn) <= charts.MAX_WINDOW_POINTS
    assert spec["title"]["text"].startswith("Downsampled:")
    assert "of 2,880 60-second windows" in spec["title"]["text"]
    assert "of 960 5-minute windows" in spec["title"]["text"]
    small = charts.windows_chart(short[:100], 3600.0, [], freq[:10])
    assert "title" not in small
