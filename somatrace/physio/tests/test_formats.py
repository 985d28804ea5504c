"""formats.py: every importer on real or faithfully formatted files; clear errors; fuzzing."""

import contextlib
import io
from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from somatrace.physio import formats
from somatrace.physio.formats import FormatError, detect_format, read_recording

from .helpers import DATA, data_bytes, nsrdb

RR5 = nsrdb(5)


def _rr_lines(values, fmt="{:.0f}"):
    return "\n".join(fmt.format(v) for v in values)


def polar_rr_file(rr=RR5):
    lines = ["Phone timestamp;RR-interval [ms]"]
    t = 0.0
    for v in rr:
        t += v
        stamp = datetime(2024, 3, 5, 9, 58, 0).timestamp() + t / 1000
        lines.append(f"{datetime.fromtimestamp(stamp).isoformat(timespec='milliseconds')};{v:.0f}")
    return ("\n".join(lines) + "\n").encode()


def polar_ecg_file(ecg, rate=130.0):
    start_ns = int((datetime(2024, 3, 5, 10, 0, 0) - datetime(2000, 1, 1)).total_seconds() * 1e9)
    lines = ["Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]"]
    for i, v in enumerate(ecg):
        ns = start_ns + int(i * 1e9 / rate)
        phone = f"2024-03-05T10:00:{(i / rate) % 60:06.3f}" if i == 0 else "2024-03-05T10:00:01.000"
        lines.append(f"{phone};{ns};{i * 1000 / rate:.1f};{v:.0f}")
    return ("\n".join(lines) + "\n").encode()


def test_plain_rr_of_the_nsrdb_recording():
    rec = read_recording(data_bytes("nsrdb_rr_5min.txt"), "nsrdb_rr_5min.txt")
    assert rec.format == "plain-rr" and rec.kind == "rr"
    np.testing.assert_array_equal(rec.rr_ms, RR5)
    assert rec.start is None
    assert rec.duration_s == pytest.approx(RR5.sum() / 1000)


def test_elite_hrv_takes_its_start_from_the_file_name():
    rec = read_recording(_rr_lines(RR5).encode(), "2024-03-05 09-58-00.txt")
    assert rec.format == "elite-hrv"
    assert rec.start == datetime(2024, 3, 5, 9, 58, 0)
    assert rec.rr_ms.size == RR5.size


def test_kubios_one_column_in_seconds_is_converted_to_ms():
    rec = read_recording(_rr_lines(RR5 / 1000, "{:.3f}").encode(), "rr.txt")
    assert rec.format == "kubios"
    np.testing.assert_allclose(rec.rr_ms, RR5, atol=0.5)
    assert any("seconds" in note for note in rec.notes)


def test_kubios_two_columns_time_and_rr():
    t = np.cumsum(RR5) / 1000
    text = "\n".join(f"{a:.3f}\t{b:.3f}" for a, b in zip(t, RR5 / 1000, strict=True))
    rec = read_recording(text.encode(), "export.txt")
    assert rec.format == "kubios"
    np.testing.assert_allclose(rec.rr_ms, RR5, atol=0.5)


def test_kubios_two_columns_in_ms_with_a_header():
    t = np.cumsum(RR5)
    text = "Time (ms)  RR (ms)\n" + "\n".join(
        f"{a:.0f} {b:.0f}" for a, b in zip(t, RR5, strict=True)
    )
    rec = read_recording(text.encode(), "x.txt", format="kubios")
    np.testing.assert_array_equal(rec.rr_ms, RR5)


def test_polar_sensor_logger_rr():
    rec = read_recording(polar_rr_file(), "Polar_H10_RR.txt")
    assert rec.format == "polar-rr"
    np.testing.assert_array_equal(rec.rr_ms, RR5)
    assert rec.start == datetime(2024, 3, 5, 9, 58, 0)  # the first stamp minus the first RR


def test_polar_sensor_logger_hr_with_rr_in_extra_columns():
    text = (
        "Phone timestamp;HR [bpm];HRV [ms];Breathing interval [rpm];\n"
        "2024-03-05T10:00:00.512;70;857;;\n"
        "2024-03-05T10:00:01.520;71;845;16.2;850\n"
        "2024-03-05T10:00:02.515;70;;;\n"
        "2024-03-05T10:00:03.500;69;870;;866;872\n"
    )
    rec = read_recording(text.encode(), "hr.txt")
    assert rec.format == "polar-hr"
    assert rec.rr_ms.tolist() == [857, 845, 850, 870, 866, 872]  # breathing column skipped
    # the first beat was stamped at 10:00:00.512, so its 857 ms interval began at 10:00:00.512 - 0.857
    assert rec.start == datetime(2024, 3, 5, 9, 59, 59, 655000)


def test_polar_hr_without_rr_says_so():
    text = (
        "Phone timestamp;HR [bpm];HRV [ms];Breathing interval [rpm];\n2024-03-05T10:00:00;70;;;\n"
    )
    with pytest.raises(FormatError, match="heart rate only"):
        read_recording(text.encode(), "hr.txt")


def test_polar_sensor_logger_ecg_measures_130_hz_from_sensor_timestamps():
    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)[: 130 * 10] * 1000
    rec = read_recording(polar_ecg_file(ecg), "Polar_H10_ECG.txt")
    assert rec.format == "polar-ecg" and rec.kind == "ecg"
    assert rec.sampling_rate_hz == pytest.approx(130.0, rel=1e-3)
    assert rec.ecg.size == ecg.size
    assert rec.start == datetime(2024, 3, 5, 10, 0, 0)


def test_hrv_logger_csv():
    lines = ["date,rr,since start"]
    t = 0
    for v in RR5[:50]:
        lines.append(f"2016-10-11 13:47:38 +0000,{v:.0f},{t}")
        t += int(v)
    rec = read_recording("\n".join(lines).encode(), "hrvlogger.csv")
    assert rec.format == "hrv-logger"
    np.testing.assert_array_equal(rec.rr_ms, RR5[:50])
    assert rec.start.year == 2016


def test_ecg_csv_needs_a_sampling_rate_and_uses_the_stated_one():
    data = data_bytes("mitbih208_ecg_360hz_5min.csv")
    assert detect_format(data) == "ecg-csv"
    with pytest.raises(FormatError, match="sampling rate"):
        read_recording(data, "ecg.csv")
    rec = read_recording(data, "ecg.csv", sampling_rate_hz=360)
    assert rec.ecg.size == 108_000 and rec.sampling_rate_hz == 360
    assert rec.duration_s == pytest.approx(300.0)


def test_ecg_csv_rate_from_a_time_column():
    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)[:3600]
    text = "time,ecg\n" + "\n".join(f"{i / 360:.6f},{v}" for i, v in enumerate(ecg))
    rec = read_recording(text.encode(), "e.csv")
    assert rec.sampling_rate_hz == pytest.approx(360, rel=1e-3)


def test_opensignals_bitalino():
    rec = read_recording(data_bytes("bitalino_ecg_1000hz.txt"), "opensignals.txt")
    assert rec.format == "opensignals"
    assert rec.sampling_rate_hz == 1000
    assert rec.ecg.size == pytest.approx(22350, abs=10)  # 22.35 s at 1000 Hz
    assert rec.ecg[:3].tolist() == [496, 496, 497]  # the A2 column
    assert rec.start == datetime(2016, 6, 11, 7, 3, 47, 290000)


def test_edf_picks_the_ecg_signal_by_label():
    import edfio

    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)[: 360 * 20]
    edf = edfio.Edf(
        [
            edfio.EdfSignal(np.sin(np.arange(20 * 10) / 5.0), sampling_frequency=10, label="Resp"),
            edfio.EdfSignal(ecg, sampling_frequency=360, label="ECG MLII", physical_dimension="mV"),
        ],
        starttime=datetime(2024, 3, 5, 10, 0, 0).time(),
        recording=edfio.Recording(startdate=date(2024, 3, 5)),
    )
    buffer = io.BytesIO()
    edf.write(buffer)
    data = buffer.getvalue()
    assert detect_format(data) == "edf"
    rec = read_recording(data, "night.edf")
    assert rec.sampling_rate_hz == 360
    np.testing.assert_allclose(rec.ecg, ecg, atol=0.01)
    assert rec.start == datetime(2024, 3, 5, 10, 0, 0)


def test_a_bad_value_names_its_line():
    text = "800\n810\n820\nabc\n830\n"
    with pytest.raises(FormatError) as error:
        read_recording(text.encode(), "rr.txt")
    assert str(error.value) == "line 4: 'abc' is not a number"
    assert error.value.line == 4


def test_non_positive_and_absurd_rr_are_errors_but_physiological_outliers_are_kept():
    with pytest.raises(FormatError, match="line 2: RR interval -5 ms is not possible"):
        read_recording(b"800\n-5\n820\n830\n", "rr.txt", format="plain-rr")
    with pytest.raises(FormatError, match="line 3"):
        read_recording(b"800\n810\n99999\n830\n", "rr.txt", format="plain-rr")
    rec = read_recording(b"800\n150\n650\n3500\n820\n", "rr.txt", format="plain-rr")
    assert rec.rr_ms.tolist() == [800, 150, 650, 3500, 820]


def test_empty_and_too_short_files():
    with pytest.raises(FormatError, match="empty"):
        read_recording(b"", "x.txt")
    with pytest.raises(FormatError, match="at least 3"):
        read_recording(b"800\n", "x.txt", format="plain-rr")


def test_too_large_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(formats, "MAX_BYTES", 100)
    with pytest.raises(FormatError, match="larger than"):
        read_recording(b"800\n" * 100, "x.txt")


def test_wrong_explicit_format_gives_a_clear_error():
    with pytest.raises(FormatError):
        read_recording(data_bytes("nsrdb_rr_5min.txt"), "x.txt", format="opensignals")
    with pytest.raises(FormatError):
        read_recording(data_bytes("nsrdb_rr_5min.txt"), "x.txt", format="edf")
    with pytest.raises(FormatError, match="unknown format"):
        read_recording(b"800\n", "x.txt", format="nope")


def test_opensignals_with_broken_json_names_line_2():
    text = "# OpenSignals Text File Format\n# {not json\n# EndOfHeader\n1\t2\n"
    with pytest.raises(FormatError, match="line 2"):
        read_recording(text.encode(), "x.txt")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_format_errors(data, **kw):
    """Nonsense is refused with a FormatError (anything else fails the test). How long it
    takes is measured by bench/hrv.py, not asserted here."""
    with contextlib.suppress(FormatError):
        read_recording(data, "fuzz.txt", **kw)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_only_format_errors(data):
    _only_format_errors(data)


@FUZZ
@given(st.text(alphabet='0123456789.,;\t -\n#eE:TabcRr[]{}"', max_size=1500))
def test_random_number_like_text_gives_only_format_errors(text):
    _only_format_errors(text.encode())


@FUZZ
@given(
    st.sampled_from(formats.FORMATS),
    st.text(alphabet="0123456789.,;\t -\n#:Tx", max_size=800),
    st.sampled_from(
        [
            "",
            "Phone timestamp;RR-interval [ms]\n",
            "Phone timestamp;HR [bpm];HRV [ms];Breathing interval [rpm];\n",
            "Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]\n",
            "date,rr,since start\n",
            '# OpenSignals Text File Format\n# {"d": {"sampling rate": 100, "column": ["A1"]}}\n# EndOfHeader\n',
            "0       " + " " * 248,
        ]
    ),
)
def test_every_importer_on_mangled_input_gives_only_format_errors(name, body, header):
    _only_format_errors((header + body).encode(), format=name, sampling_rate_hz=100)
