"""formats.py: decimal commas decided from the whole file, files named for what they are,
truncated EDF files read with a clear statement of what was read."""

import io
import warnings
from datetime import date, datetime

import numpy as np
import pytest

from somatrace.physio import formats
from somatrace.physio.formats import FormatError, Layout, read_recording, sniff_layout

from .helpers import DATA, data_bytes

# Five RR intervals as a German spreadsheet writes them: a decimal comma, whole numbers
# without one. By hand: 859.5 + 870.25 + 845 + 880.5 + 812.75 = 4268 ms; mean 853.6 ms;
# mean HR = 60 000 / 853.6 = 70.290 bpm.
DECIMAL_COMMA = b"859,5\n870,25\n845\n880,5\n812,75\n"


def test_a_decimal_comma_rr_file_is_read_as_decimals():
    rec = read_recording(DECIMAL_COMMA, "rr.txt")
    assert rec.format == "plain-rr"
    assert rec.rr_ms.tolist() == [859.5, 870.25, 845.0, 880.5, 812.75]
    assert np.mean(rec.rr_ms) == pytest.approx(853.6)
    assert any("decimal comma" in note for note in rec.notes)


def test_a_decimal_comma_on_every_line_is_read_when_only_one_reading_is_heartbeats():
    # Every value has a decimal part, so every line has a comma; as two columns the second
    # would be 5, 25, 75, 5 ms (no heart beats that fast); as decimals 800.5 ... 830.5 ms.
    rec = read_recording(b"800,5\n810,25\n790,75\n830,5\n", "rr.txt")
    assert rec.rr_ms.tolist() == [800.5, 810.25, 790.75, 830.5]


def test_seconds_with_a_decimal_comma_are_converted():
    rec = read_recording(b"0,8595\n0,87025\n0,845\n0,8805\n", "rr.txt")
    np.testing.assert_allclose(rec.rr_ms, [859.5, 870.25, 845.0, 880.5])


def test_semicolon_columns_with_decimal_commas():
    text = "Time (s);RR (ms)\n0,8595;859,5\n1,72975;870,25\n2,57475;845\n3,45525;880,5\n"
    rec = read_recording(text.encode(), "export.csv")
    assert rec.format == "kubios"
    assert rec.rr_ms.tolist() == [859.5, 870.25, 845.0, 880.5]


def test_comma_separated_beat_times_and_rr_stay_two_columns():
    # Beat time (ms) and RR (ms): the first column is the running sum of the second.
    rr = [859, 870, 845, 880, 812, 901, 866, 850]
    times = np.cumsum(rr)
    text = "\n".join(f"{t},{r}" for t, r in zip(times, rr, strict=True))
    rec = read_recording(text.encode(), "rr.txt")
    assert rec.format == "kubios" and rec.rr_ms.tolist() == rr


def test_what_stays_ambiguous_is_refused_with_how_to_fix_it():
    # Three-digit decimals on a short rising series: 859.500 ... or columns 859 and 500 ...
    with pytest.raises(FormatError, match="decimal point") as error:
        read_recording(b"859,500\n870,250\n880,750\n", "rr.txt")
    assert "semicolons or tabs" in str(error.value)
    with pytest.raises(FormatError, match="one decimal mark"):
        read_recording(b"859.5\n860,5\n870\n", "rr.txt")
    with pytest.raises(FormatError, match="thousands"):
        read_recording(b"1.050,5\n1.060,5\n1.040,5\n", "rr.txt")


def test_the_layout_is_decided_from_every_line_not_the_first():
    rows = [(1, "860"), (2, "870"), (3, "859,5")]
    assert sniff_layout(rows) == Layout(None, ",")
    rows = [(1, "860;1"), (2, "870;2,5")]
    assert sniff_layout(rows) == Layout(";", ",")


def test_an_ecg_csv_with_semicolons_and_decimal_commas():
    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)[:3600]
    lines = ["time;ecg"] + [f"{i / 360:.6f};{v:.3f}".replace(".", ",") for i, v in enumerate(ecg)]
    rec = read_recording("\n".join(lines).encode(), "ecg.csv")
    assert rec.format == "ecg-csv"
    assert rec.sampling_rate_hz == pytest.approx(360, rel=1e-3)
    np.testing.assert_allclose(rec.ecg, ecg, atol=5e-4)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_text_is_read_and_named(encoding):
    rec = read_recording(DECIMAL_COMMA.decode().encode(encoding), "rr.txt")
    assert rec.rr_ms.tolist() == [859.5, 870.25, 845.0, 880.5, 812.75]
    assert any("UTF-" in note for note in rec.notes)


def test_a_utf16_file_that_is_not_a_recording_says_it_is_utf16():
    with pytest.raises(FormatError, match="UTF-16") as error:
        read_recording("Dear diary\nI felt calm\n".encode("utf-16"), "notes.txt")
    assert "empty" not in str(error.value)


def test_random_bytes_are_named_a_binary_file():
    data = np.random.default_rng(2024).bytes(5000)
    with pytest.raises(FormatError, match="binary file") as error:
        read_recording(data, "x.dat")
    assert "empty" not in str(error.value)


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00xl/workbook.xml", "an Excel workbook"),
        (b"\x0e\x10\xd9\x07\x00\x00\x00\x00.FIT\x00\x00", "a FIT activity file"),
    ],
)
def test_a_known_binary_file_is_named(head, name):
    data = head + bytes(range(256)) * 8
    with pytest.raises(FormatError, match=name) as error:
        read_recording(data, "upload.bin")
    assert "not a heart recording" in str(error.value)


def _edf_of_208(seconds=20):
    import edfio

    ecg = np.loadtxt(DATA / "mitbih208_ecg_360hz_5min.csv", skiprows=1)[: 360 * seconds]
    edf = edfio.Edf(
        [edfio.EdfSignal(ecg, sampling_frequency=360, label="ECG MLII", physical_dimension="mV")],
        starttime=datetime(2024, 3, 5, 10, 0, 0).time(),
        recording=edfio.Recording(startdate=date(2024, 3, 5)),
    )
    buffer = io.BytesIO()
    edf.write(buffer)
    return buffer.getvalue()


def test_a_truncated_edf_says_how_much_of_it_was_read():
    data = _edf_of_208(20)
    # EDF layout (Kemp et al. 1992): 256 + 256 header bytes for one signal, then 20 records
    # of 1 s, each 360 samples x 2 bytes = 720 bytes: 512 + 20 x 720 = 14 912 bytes.
    assert len(data) == 14_912
    cut = data[:-1000]  # 13 912 bytes: 13 400 after the header = 18 x 720 + 440
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning: the note says it
        rec = read_recording(cut, "night.edf")
    assert rec.ecg.size == 18 * 360
    note = next(n for n in rec.notes if "truncated" in n)
    assert "announces 20 data records (20 s)" in note and "only 18 are complete" in note
    assert "first 18 s were read" in note and "440 bytes of a partial record" in note


def test_an_edf_cut_inside_its_header_is_refused():
    with pytest.raises(FormatError, match="header is cut off"):
        read_recording(_edf_of_208(20)[:400], "night.edf")


def test_an_edf_without_a_complete_record_is_refused():
    with pytest.raises(FormatError, match="no complete data record"):
        read_recording(_edf_of_208(20)[: 512 + 700], "night.edf")


def test_an_intact_edf_has_no_truncation_note():
    rec = read_recording(_edf_of_208(20), "night.edf")
    assert rec.ecg.size == 20 * 360 and not any("truncated" in n for n in rec.notes)


def test_the_bitalino_file_still_reads():
    assert read_recording(data_bytes("bitalino_ecg_1000hz.txt")).format == "opensignals"


def test_text_that_is_not_numbers_is_not_taken_for_a_recording():
    with pytest.raises(FormatError, match="not recognised"):
        formats.detect_format(b"Dear diary, today I felt calm\n" * 20)
