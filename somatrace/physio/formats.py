"""Read heart recordings people bring: RR-interval files and ECG files. No Django here.

Every importer takes the file's bytes and returns a `Recording`; a file that cannot be read
raises `FormatError(line, message)` naming the line (1-based) and the problem. `detect_format`
sniffs the content (and, for Elite HRV, the file name); `read_recording` detects and reads.

Formats (names used by `format=` and shown to the practitioner):

==============  ===================================================================  ======
name            content                                                              kind
==============  ===================================================================  ======
polar-rr        Polar Sensor Logger ``Phone timestamp;RR-interval [ms]``              rr
polar-hr        Polar Sensor Logger ``Phone timestamp;HR [bpm];HRV [ms];...`` with    rr
                RR values in the HRV column and any extra columns (older versions)
polar-ecg       Polar Sensor Logger ``Phone timestamp;sensor timestamp [ns];          ecg
                timestamp [ms];ecg [uV]`` (130 Hz; the rate is measured from the
                sensor timestamps, which count ns from 2000-01-01)
elite-hrv       Elite HRV export: one RR (ms) per line; start from the file name      rr
                (``YYYY-MM-DD HH-MM-SS.txt``) when it carries one
kubios          Kubios / GoldenCheetah RR text: one column (RR) or two (beat time,    rr
                RR), in s or ms
hrv-logger      HRV Logger CSV ``date,rr,since start``                                rr
plain-rr        one RR interval per line                                              rr
ecg-csv         ECG samples, one per line (optionally a header and a time column);    ecg
                needs a stated sampling rate unless a time column in s gives it
opensignals     OpenSignals (BITalino) text: ``#`` header with JSON, tab-separated    ecg
edf             EDF / EDF+ (read with edfio); the ECG signal by label, else the       ecg
                first signal
==============  ===================================================================  ======

Units rule for RR columns (kubios, plain-rr, elite-hrv): if the median value is below 10 the
column is in seconds (a 10 s heart period is impossible), otherwise in milliseconds.

Separator and decimal mark (plain-rr, elite-hrv, kubios, ecg-csv; `sniff_layout`) are decided
from every data line of the file, never from one: spreadsheets in much of Europe write a
decimal comma (``859,5``) and then separate columns with semicolons or tabs. A semicolon or
tab separates columns and a comma is then a decimal mark; lines where some values have a comma
and others none (``860`` beside ``859,5``) are one column with a decimal comma; a comma on
every line is two columns only when the first column runs strictly upwards (beat times or a
sample count) and, for RR, the second column holds heart-beat intervals. What stays ambiguous
(``1.234,5``; a point on some lines and a comma on others; a comma on every line that both
readings explain) is refused with a message saying how to save the file.

Encodings: UTF-8 (with or without BOM), Latin-1, and UTF-16/UTF-32 text (with a BOM, or
UTF-16 recognised by its zero bytes), which is read and named in the notes. A binary file
that is not EDF is refused with what it is where its first bytes say so (a PNG or JPEG image,
a PDF, a ZIP archive such as an Excel workbook, a Garmin FIT file, ...).

EDF: the header's record count and record size give the file's expected length; a file cut
short is read up to its last complete data record, and the notes say how much of what the
header announced was read (a file without one complete record is refused).

Length: a recording is at most MAX_HOURS = 48 hours long (a 24-hour Holter, the longest
common use, twice over) and holds at most MAX_BEATS = 576,000 RR intervals (48 hours at a
mean of 200 beats per minute, which no heart keeps up for two days). A longer recording is
refused with a message naming the limit (`length_problem`). An RR text file is first
screened by counting its lines, which costs milliseconds: one with more than
MAX_RR_LINES (2 * MAX_BEATS, room for a header, comments and blank lines) cannot be within
the limit and is refused before any line is parsed (`check_rr_lines`); the beats and the
duration are checked exactly once read (`check_length`).

Values: an RR interval that is not positive or is above 20 000 ms is an error (no heart beats
that slowly; such a value means the column is not RR); RR intervals between those limits but
outside the physiological 200–3000 ms are kept and left to the artefact corrector.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

MAX_BYTES = 50 * 1024 * 1024  # 50 MB: a 24 h 130 Hz Polar ECG is about 35 MB
MAX_RR_MS = 20_000.0  # above this the column is not RR (longest pauses are a few seconds)
MIN_BEATS = 3
MAX_HOURS = 48  # the longest recording read (module docstring, "Length")
MAX_DURATION_S = MAX_HOURS * 3600.0
MAX_BEATS = MAX_HOURS * 60 * 200  # 576,000: 48 h at a mean of 200 bpm
MAX_RR_LINES = 2 * MAX_BEATS  # an RR text file with more lines cannot be within the limit
MAX_SAMPLING_RATE_HZ = 10_000.0
MIN_SAMPLING_RATE_HZ = 50.0  # below this an ECG cannot locate R peaks
POLAR_EPOCH = datetime(2000, 1, 1)

RR_FORMATS = ("polar-rr", "polar-hr", "elite-hrv", "kubios", "hrv-logger", "plain-rr")
ECG_FORMATS = ("polar-ecg", "ecg-csv", "opensignals", "edf")
FORMATS = RR_FORMATS + ECG_FORMATS
FORMAT_LABELS = {
    "polar-rr": "Polar Sensor Logger RR",
    "polar-hr": "Polar Sensor Logger HR with RR",
    "polar-ecg": "Polar Sensor Logger ECG",
    "elite-hrv": "Elite HRV",
    "kubios": "Kubios / GoldenCheetah RR text",
    "hrv-logger": "HRV Logger CSV",
    "plain-rr": "RR intervals, one per line",
    "ecg-csv": "ECG CSV",
    "opensignals": "OpenSignals (BITalino) text",
    "edf": "EDF / EDF+",
    "live": "Live heart-rate strap",
}


class FormatError(ValueError):
    """A file that cannot be read. `line` is 1-based, or None when no line is to blame."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Recording:
    """What an importer read.

    kind: "rr" (rr_ms set, shape (n,), milliseconds) or "ecg" (ecg set, shape (m,), any
    unit, sampled at sampling_rate_hz). start: the wall-clock time at which the first RR
    interval begins (loggers that stamp each beat are moved back by the first interval) or
    of the first ECG sample, as written in the file (naive = the file's local time), or None.
    """

    kind: str
    format: str
    rr_ms: np.ndarray | None = None
    ecg: np.ndarray | None = None
    sampling_rate_hz: float | None = None
    start: datetime | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        if self.kind == "rr" and self.rr_ms is not None:
            return float(np.sum(self.rr_ms) / 1000.0)
        if self.ecg is not None and self.sampling_rate_hz:
            return float(self.ecg.size / self.sampling_rate_hz)
        return 0.0


# --- length --------------------------------------------------------------------------------

LENGTH_HINT = (
    f"split it into parts of at most {MAX_HOURS} hours and add each part as its own recording"
)


def length_limit_text() -> str:
    """The documented maximum, in words."""
    return f"Somatrace reads recordings of at most {MAX_HOURS} hours ({MAX_BEATS:,} beats)"


def length_problem(n_beats: int, duration_s: float) -> str | None:
    """Why a recording of n_beats RR intervals lasting duration_s (s) is too long, or None."""
    if n_beats > MAX_BEATS:
        return f"the recording has {n_beats:,} beats; {length_limit_text()}: {LENGTH_HINT}"
    if duration_s > MAX_DURATION_S:
        length = _duration_words(duration_s)
        return f"the recording lasts {length}; {length_limit_text()}: {LENGTH_HINT}"
    return None


def _duration_words(seconds: float) -> str:
    """'50 hours', '48 hours and 2 seconds', '1 hour, 1 minute and 5 seconds' (whole s,
    rounded up so that a length over a limit never reads as the limit)."""
    whole = int(np.ceil(seconds))
    units = ((whole // 3600, "hour"), (whole % 3600 // 60, "minute"), (whole % 60, "second"))
    said = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in units if n]
    if len(said) < 2:
        return said[0] if said else "0 seconds"
    return ", ".join(said[:-1]) + " and " + said[-1]


def count_lines(data: bytes) -> int:
    """Lines of a text file, counted without decoding it (line feeds, or carriage returns
    for old Mac files; one more for a last line without either)."""
    lines = data.count(b"\n") or data.count(b"\r")
    return lines + (1 if data and not data.endswith((b"\n", b"\r")) else 0)


def check_rr_lines(lines: int) -> None:
    """Refuse an RR text file with more lines than a recording within the limit can have
    (one RR interval per line at most, MAX_RR_LINES allowing for headers and blank lines)."""
    if lines > MAX_RR_LINES:
        raise FormatError(
            None,
            f"the file has {lines:,} lines, too many for one recording; {length_limit_text()}: "
            f"{LENGTH_HINT}",
        )


def check_length(recording: Recording) -> Recording:
    """The recording, or FormatError when it is longer than the limit (module docstring)."""
    if recording.kind == "rr" and recording.rr_ms is not None:
        problem = length_problem(recording.rr_ms.size, float(np.sum(recording.rr_ms)) / 1000.0)
    else:
        problem = length_problem(0, recording.duration_s)
    if problem:
        raise FormatError(None, problem)
    return recording


# --- helpers -------------------------------------------------------------------------------


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx, Word .docx or OpenDocument file is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office file (.xls or .doc)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
)
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"
_UPLOAD_HINT = (
    "upload the RR-interval or ECG file that the strap or app exported (text or CSV), or an "
    "EDF file"
)


def _too_large() -> FormatError:
    return FormatError(None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")


def describe_binary(data: bytes) -> str | None:
    """What a binary file is, from its first bytes (None when they do not say)."""
    head = data[:64]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if magic == b"PK\x03\x04" and b"xl/" in data[:2000]:
                return "an Excel workbook (.xlsx)"
            return name
    if head[8:12] == b".FIT":
        return "a FIT activity file (Garmin, Wahoo, ...)"
    if head[4:8] == b"ftyp":
        return "a video or a HEIC photo"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "a WAV sound file"
    return None


def text_encoding(data: bytes) -> str:
    """The encoding of a text file: 'utf-32', 'utf-16' (with a BOM, or recognised by its zero
    bytes: one in every pair of an ASCII-range text), 'utf-8-sig' or 'latin-1'; 'binary' for
    anything else (zero bytes or more than 1 % control characters in the first 4 kB)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:
        pairs = head[: len(head) // 2 * 2]
        even, odd = pairs[0::2], pairs[1::2]
        if pairs and (odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even)):
            return "utf-16-le" if odd.count(0) > even.count(0) else "utf-16-be"
        return "binary"
    if sum(head.count(c) for c in _CONTROL) > 0.01 * max(len(head), 1):
        return "binary"
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8-sig"


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise _too_large()
    encoding = text_encoding(data)
    if encoding == "binary":
        what = describe_binary(data)
        raise FormatError(
            None,
            f"this is {what}, not a heart recording; {_UPLOAD_HINT}"
            if what
            else "this is a binary file, neither text nor EDF, so not a heart recording "
            f"Somatrace can read; {_UPLOAD_HINT}",
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FormatError(
            None, f"the file looks like {encoding} text but cannot be decoded"
        ) from None


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _short(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 20 else value[:17] + "..."


def _number(cell: str, line: int, decimal: str = ".") -> float:
    text = cell.strip()
    try:
        value = float(text.replace(",", ".") if decimal == "," else text)
    except ValueError:
        hint = " (this file writes numbers with a decimal point)" if "," in text else ""
        raise FormatError(line, f"'{_short(cell)}' is not a number{hint}") from None
    if not np.isfinite(value):
        raise FormatError(line, f"'{_short(cell)}' is not a finite number")
    return value


def _numbers(cells: list[tuple[int, str]], decimal: str = ".") -> np.ndarray:
    """Parse (line, text) pairs to float64 with the file's decimal mark; fast path first, the
    exact line on failure."""
    texts = [c.replace(",", ".") for _, c in cells] if decimal == "," else [c for _, c in cells]
    try:
        values = np.asarray(texts, dtype=np.float64)
    except ValueError:
        values = np.array([_number(c, n, decimal) for n, c in cells], dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        n, c = cells[int(bad[0])]
        raise FormatError(n, f"'{_short(c)}' is not a finite number")
    return values


# --- separator and decimal mark, from the whole file -----------------------------------------

_SAVE_HINT = (
    "save the file with a decimal point (859.5), or with semicolons or tabs between columns, "
    "and upload it again"
)


@dataclass(frozen=True)
class Layout:
    """How a file of numbers is laid out. separator: ";", "\t", ",", " " (runs of blanks) or
    None (one column); decimal: "." or ","."""

    separator: str | None
    decimal: str

    def split(self, line: str) -> list[str]:
        if self.separator is None:
            return [line.strip()]
        if self.separator == " ":
            return line.split()
        parts = [p.strip() for p in line.split(self.separator)]
        while len(parts) > 1 and parts[-1] == "":  # a separator at the end of the line
            parts.pop()
        return parts


def _mark_of(cells: list[tuple[int, str]]) -> str:
    """The decimal mark of number cells already split into columns: a comma when some cell
    has one, a point otherwise; both in one file is refused (a thousands separator or a mix
    of conventions cannot be read safely)."""
    comma = next(((n, c) for n, c in cells if "," in c), None)
    if comma is None:
        return "."
    point = next(((n, c) for n, c in cells if "." in c), None)
    if point is not None:
        raise FormatError(
            comma[0],
            f"numbers are written with a decimal point (line {point[0]}: '{_short(point[1])}') "
            f"and with a decimal comma (line {comma[0]}: '{_short(comma[1])}'); save the file "
            "with one decimal mark and no thousands separators",
        )
    return ","


def sniff_layout(rows: list[tuple[int, str]], kind: str = "rr") -> Layout:
    """Separator and decimal mark of data lines (line number, text; no header), decided from
    every line (see the module docstring). kind: "rr" or "ecg", for the one case the layout
    alone cannot settle: a single comma on every line. Raises FormatError when ambiguous."""
    lines = [t for _, t in rows]
    if not lines:
        return Layout(None, ".")
    joined = "\n".join(lines)  # one scan of the text per question (fast on 100 000 lines)
    for separator in (";", "\t"):
        if separator in joined:
            layout = Layout(separator, ".")
            cells = [(n, c) for n, t in rows for c in layout.split(t)]
            return Layout(separator, _mark_of(cells))
    if _BLANK_INSIDE.search(joined):
        if _COMMA_BLANK.search(joined):
            return Layout(",", ".")  # "800, 810": commas followed by blanks separate columns
        cells = [(n, c) for n, t in rows for c in t.split()]
        return Layout(" ", _mark_of(cells))
    if "," not in joined:
        return Layout(None, ".")
    commas = [t.count(",") for t in lines]
    if max(commas) > 1:
        return Layout(",", ".")  # a number has at most one decimal mark
    if any("." in t for t in lines):
        if any("." in t and "," in t for t in lines):
            both = next((n, t) for n, t in rows if "." in t and "," in t)
            if _THOUSANDS.match(both[1]):
                raise FormatError(
                    both[0],
                    f"'{_short(both[1])}' has a thousands separator; save the numbers without "
                    "thousands separators",
                )
            return Layout(",", ".")  # "0.859,859": a point is the decimal mark
        point = next((n, t) for n, t in rows if "." in t)
        comma = next((n, t) for n, t in rows if "," in t)
        raise FormatError(
            comma[0],
            f"some numbers have a decimal point (line {point[0]}: '{_short(point[1])}') and "
            f"others a decimal comma (line {comma[0]}: '{_short(comma[1])}'); save the file "
            "with one decimal mark",
        )
    if not all(commas):
        # Whole numbers are written without a decimal comma ("860" beside "859,5"); two
        # columns would have their separator on every line.
        return Layout(None, ",")
    return _comma_on_every_line(rows, kind)


_BLANK_INSIDE = re.compile(r"\S[ \t\f\v]+\S")
_COMMA_BLANK = re.compile(r",\s|\s,")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d*$|^[+-]?\d{1,3}(,\d{3})+\.\d*$")


def _comma_on_every_line(rows: list[tuple[int, str]], kind: str) -> Layout:
    """One comma on every line: 'a,b' is the number a.b or the two columns a and b."""
    try:
        left = np.array([t.split(",")[0] for _, t in rows], dtype=np.float64)
        right = np.array([t.split(",")[1] for _, t in rows], dtype=np.float64)
        joined = np.array([t.replace(",", ".") for _, t in rows], dtype=np.float64)
    except ValueError:
        return Layout(None, ",")  # not all numbers: the reader names the line
    if left.size < 2 or not np.all(np.diff(left) > 0):
        # Two columns need a first column that runs upwards (beat times, a beat or sample
        # count); the whole parts of a measured series do not.
        return Layout(None, ",")
    if kind == "ecg":
        steps = np.diff(left)
        if steps.max() <= 1.5 * steps.min():  # a sample count or a time at a fixed rate
            return Layout(",", ".")
        one_column = two_columns = False
    else:
        if right.size > 2:
            beats = np.median(np.abs(np.diff(left) - right[1:])) < 0.05 * np.median(right)
            if beats:  # the first column is the beat times of the second: two columns
                return Layout(",", ".")
        middle = float(np.median(joined))
        # RR in ms (200-3000) or s (0.2-3): the physiological range (module docstring)
        one_column = 200.0 <= middle <= 3000.0 or 0.2 <= middle <= 3.0
        two_columns = (
            float(np.median(right)) >= 200.0 and 0 < right.min() <= right.max() <= MAX_RR_MS
        )
    if one_column != two_columns:
        return Layout(None, ",") if one_column else Layout(",", ".")
    n, text = rows[0]
    a, b = text.split(",")
    raise FormatError(
        n,
        f"every line holds one comma, such as '{_short(text)}': that can be one number with a "
        f"decimal comma ({a}.{b}) or two columns ({a} and {b}), and the file does not say "
        f"which; {_SAVE_HINT}",
    )


_NOT_DATA = re.compile(r"[^\d\s.,;+\-eE]")


def _is_header(text: str) -> bool:
    """A line of column names: it has a letter other than an exponent's e, or no digit."""
    return bool(_NOT_DATA.search(text)) or not any(ch.isdigit() for ch in text)


def _layout_notes(layout: Layout, notes: list[str]) -> None:
    if layout.decimal == ",":
        notes.append("numbers read with a decimal comma (859,5 = 859.5)")


def _check_rr(rr_ms: np.ndarray, lines: list[int]) -> np.ndarray:
    if rr_ms.size < MIN_BEATS:
        raise FormatError(
            lines[-1] if lines else 1,
            f"found {rr_ms.size} RR intervals; at least {MIN_BEATS} are needed",
        )
    bad = np.flatnonzero((rr_ms <= 0) | (rr_ms > MAX_RR_MS))
    if bad.size:
        i = int(bad[0])
        raise FormatError(
            lines[i],
            f"RR interval {rr_ms[i]:g} ms is not possible (must be above 0 and at most "
            f"{MAX_RR_MS:g} ms)",
        )
    return rr_ms


def _to_ms(values: np.ndarray, notes: list[str]) -> np.ndarray:
    """Seconds or milliseconds: median below 10 means seconds (see module docstring)."""
    if values.size and float(np.median(values)) < 10.0:
        notes.append("RR values read as seconds (median below 10) and converted to ms")
        return values * 1000.0
    return values


def _data_lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines that are not comments, with their 1-based line numbers."""
    return [
        (n, t) for n, t in enumerate(map(str.strip, _lines(text)), start=1) if t and t[0] != "#"
    ]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S.%f %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
)


def _datetime(text: str, line: int) -> datetime:
    text = text.strip()
    if len(text) > 40:
        raise FormatError(line, f"'{_short(text)}' is not a date and time")
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise FormatError(line, f"'{_short(text)}' is not a date and time")


def _interval_start(stamp: datetime | None, rr_ms: np.ndarray) -> datetime | None:
    """A logger stamps a beat when its RR interval ends; the series starts one interval
    earlier."""
    if stamp is None or rr_ms.size == 0:
        return stamp
    return stamp - timedelta(milliseconds=float(rr_ms[0]))


# --- RR importers --------------------------------------------------------------------------


def _rr_rows(data: bytes) -> tuple[list[tuple[int, str]], Layout]:
    """Data lines after any header lines, and their layout (from every line)."""
    rows = _data_lines(_decode(data))
    while rows and _is_header(rows[0][1]):
        rows = rows[1:]  # header lines such as "RR" or "Time (s)  RR (s)"
    return rows, sniff_layout(rows, "rr")


def read_plain_rr(data: bytes, *, format_name: str = "plain-rr") -> Recording:
    """One RR interval per line (ms, or s by the units rule); '#' comments and a header ok;
    decimal point or decimal comma (decided from the whole file)."""
    rows, layout = _rr_rows(data)
    cells = rows if layout.separator is None else []
    for n, line in rows if layout.separator is not None else []:
        parts = layout.split(line)
        if len(parts) != 1:
            raise FormatError(
                n, f"found {len(parts)} columns; this format has one RR interval per line"
            )
        cells.append((n, parts[0]))
    notes: list[str] = []
    _layout_notes(layout, notes)
    rr = _to_ms(_numbers(cells, layout.decimal), notes)
    return Recording("rr", format_name, rr_ms=_check_rr(rr, [n for n, _ in cells]), notes=notes)


_ELITE_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ _T](\d{2})[-:.](\d{2})[-:.](\d{2})")


def start_from_filename(filename: str) -> datetime | None:
    """Elite HRV names its exports by the start time: 'YYYY-MM-DD HH-MM-SS.txt'."""
    match = _ELITE_NAME.search(filename or "")
    if not match:
        return None
    try:
        y, mo, d, h, mi, s = (int(g) for g in match.groups())
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def read_elite_hrv(data: bytes, filename: str = "") -> Recording:
    """Elite HRV: one RR (ms) per line; the start time comes from the file name if present."""
    recording = read_plain_rr(data, format_name="elite-hrv")
    recording.start = start_from_filename(filename)
    if recording.start is None:
        recording.notes.append("no start time in the file name; enter it")
    return recording


def read_kubios(data: bytes) -> Recording:
    """Kubios / GoldenCheetah RR text: one column (RR) or two (beat time, RR); s or ms.

    With two columns the second is RR. Header lines (text) at the top are skipped.
    """
    rows, layout = _rr_rows(data)
    cells = []
    for n, line in rows:
        parts = layout.split(line)
        if len(parts) > 2:
            raise FormatError(n, f"expected one or two columns, found {len(parts)}")
        cells.append((n, parts[-1]))
    notes: list[str] = []
    _layout_notes(layout, notes)
    rr = _to_ms(_numbers(cells, layout.decimal), notes)
    return Recording("rr", "kubios", rr_ms=_check_rr(rr, [n for n, _ in cells]), notes=notes)


def _semicolon_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    lines = _lines(text)
    header = [h.strip() for h in lines[0].split(";")]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if line.strip():
            rows.append((number, [c.strip() for c in line.split(";")]))
    return header, rows


def read_polar_rr(data: bytes) -> Recording:
    """Polar Sensor Logger RR file: ``Phone timestamp;RR-interval [ms]``."""
    header, rows = _semicolon_rows(_decode(data))
    column = next((i for i, h in enumerate(header) if h.lower().startswith("rr")), None)
    if column is None:
        raise FormatError(1, "no 'RR-interval [ms]' column in the header")
    cells = []
    for n, row in rows:
        if len(row) <= column or not row[column]:
            raise FormatError(n, "the RR-interval column is empty")
        cells.append((n, row[column]))
    start = _datetime(rows[0][1][0], rows[0][0]) if rows and rows[0][1][0] else None
    rr = _numbers(cells, _mark_of(cells))
    rr = _check_rr(rr, [n for n, _ in cells])
    return Recording("rr", "polar-rr", rr_ms=rr, start=_interval_start(start, rr))


def read_polar_hr(data: bytes) -> Recording:
    """Polar Sensor Logger HR file: ``Phone timestamp;HR [bpm];HRV [ms];Breathing ...;``.

    RR values are the HRV column and any columns beyond the header (older app versions
    append every RR of the packet, 0-4 per line). Empty cells are skipped.
    """
    header, rows = _semicolon_rows(_decode(data))
    names = [h.lower() for h in header]
    rr_columns = [i for i, h in enumerate(names) if h.startswith("hrv") or h.startswith("rr")]
    skip = {i for i, h in enumerate(names) if h and i not in rr_columns}
    cells = []
    for n, row in rows:
        for i, cell in enumerate(row):
            if cell and i not in skip and (i in rr_columns or i >= len(header) or not header[i]):
                cells.append((n, cell))
    if not cells:
        raise FormatError(
            rows[-1][0] if rows else 1,
            "this file has heart rate only and no RR intervals; record RR in the app",
        )
    start = _datetime(rows[0][1][0], rows[0][0]) if rows and rows[0][1][0] else None
    rr = _numbers(cells, _mark_of(cells))
    rr = _check_rr(rr, [n for n, _ in cells])
    return Recording("rr", "polar-hr", rr_ms=rr, start=_interval_start(start, rr))


def read_hrv_logger(data: bytes) -> Recording:
    """HRV Logger CSV: ``date,rr,since start``; the first date is the start."""
    lines = _lines(_decode(data))
    header = [h.strip().lower() for h in lines[0].split(",")]
    if "rr" not in header:
        raise FormatError(1, "no 'rr' column in the header")
    column = header.index("rr")
    cells = []
    first_date: tuple[int, str] | None = None
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        row = line.split(",")
        if len(row) <= column:
            raise FormatError(number, f"expected {len(header)} columns, found {len(row)}")
        if first_date is None:
            first_date = (number, row[0])
        cells.append((number, row[column]))
    start = _datetime(first_date[1], first_date[0]) if first_date else None
    rr = _numbers(cells)
    rr = _check_rr(rr, [n for n, _ in cells])
    return Recording("rr", "hrv-logger", rr_ms=rr, start=_interval_start(start, rr))


# --- ECG importers -------------------------------------------------------------------------


def _check_ecg(ecg: np.ndarray, rate: float, line: int) -> None:
    if not MIN_SAMPLING_RATE_HZ <= rate <= MAX_SAMPLING_RATE_HZ:
        raise FormatError(
            None,
            f"sampling rate {rate:g} Hz is outside {MIN_SAMPLING_RATE_HZ:g}–"
            f"{MAX_SAMPLING_RATE_HZ:g} Hz",
        )
    if ecg.size < 2 * rate:
        raise FormatError(line, "the ECG is shorter than 2 seconds")


def read_polar_ecg(data: bytes) -> Recording:
    """Polar Sensor Logger ECG: ``Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]``.

    The sampling rate is measured from the sensor timestamps (ns since 2000-01-01; the H10
    samples at 130 Hz); the start is the first phone timestamp.
    """
    header, rows = _semicolon_rows(_decode(data))
    names = [h.lower() for h in header]
    ecg_col = next((i for i, h in enumerate(names) if h.startswith("ecg")), None)
    ns_col = next((i for i, h in enumerate(names) if "[ns]" in h), None)
    if ecg_col is None:
        raise FormatError(1, "no 'ecg [uV]' column in the header")
    ecg_cells, ns_cells = [], []
    for n, row in rows:
        if len(row) <= ecg_col:
            raise FormatError(n, f"expected {len(header)} columns, found {len(row)}")
        ecg_cells.append((n, row[ecg_col]))
        if ns_col is not None:
            ns_cells.append((n, row[ns_col]))
    ecg = _numbers(ecg_cells, _mark_of(ecg_cells))
    rate = 130.0
    notes: list[str] = []
    if ns_col is not None and len(ns_cells) > 10:
        ns = _numbers(ns_cells)
        step = float(np.median(np.diff(ns)))
        if step > 0:
            rate = float(1e9 / step)
            notes.append(f"sampling rate {rate:.1f} Hz from sensor timestamps")
    start = _datetime(rows[0][1][0], rows[0][0]) if rows and rows[0][1][0] else None
    _check_ecg(ecg, rate, rows[-1][0] if rows else 1)
    return Recording("ecg", "polar-ecg", ecg=ecg, sampling_rate_hz=rate, start=start, notes=notes)


def read_ecg_csv(data: bytes, sampling_rate_hz: float | None = None) -> Recording:
    """ECG samples, one per line. Optional header; a column named like 'ecg' is used, else
    the last column; a first column named 'time'/'t' (seconds) gives the rate if none is
    stated. A rate stated in a '# sampling_rate=360' comment is also accepted. Separator and
    decimal mark are decided from the whole file (sniff_layout)."""
    text = _decode(data)
    if sampling_rate_hz is None:
        match = re.search(r"#\s*sampling[ _]rate\s*[=:]\s*([0-9.]+)", text[:2000], re.I)
        if match:
            sampling_rate_hz = _number(match.group(1), 1)
    rows = _data_lines(text)
    header_line = ""
    if rows and _is_header(rows[0][1]):
        header_line = rows[0][1]
        rows = rows[1:]
    layout = sniff_layout(rows, "ecg")
    names = layout.split(header_line) if layout.separator else re.split(r"[;,\t]", header_line)
    header = [h.strip().lower() for h in names] if header_line else []
    column = next((i for i, h in enumerate(header) if "ecg" in h), -1)
    ecg_cells, time_cells = [], []
    for n, line in rows:
        parts = layout.split(line)
        try:
            ecg_cells.append((n, parts[column]))
        except IndexError:
            raise FormatError(n, "this line has fewer columns than the header") from None
        if len(parts) > 1:
            time_cells.append((n, parts[0]))
    ecg = _numbers(ecg_cells, layout.decimal)
    notes: list[str] = []
    _layout_notes(layout, notes)
    if sampling_rate_hz is None:
        if header and header[0] in ("time", "t", "time_s", "seconds") and len(time_cells) > 10:
            step = float(np.median(np.diff(_numbers(time_cells, layout.decimal))))
            if step > 0:
                sampling_rate_hz = 1.0 / step
                notes.append(f"sampling rate {sampling_rate_hz:.1f} Hz from the time column")
        if sampling_rate_hz is None:
            raise FormatError(None, "an ECG CSV file needs its sampling rate; enter it in Hz")
    _check_ecg(ecg, float(sampling_rate_hz), rows[-1][0] if rows else 1)
    return Recording(
        "ecg", "ecg-csv", ecg=ecg, sampling_rate_hz=float(sampling_rate_hz), notes=notes
    )


def read_opensignals(data: bytes) -> Recording:
    """OpenSignals (BITalino) text: '#' header lines, the second a JSON object keyed by
    device; tab-separated columns after '# EndOfHeader'. Uses the ECG sensor's column
    (by the 'sensor' and 'label' lists), else the last column."""
    lines = _lines(_decode(data))
    meta: dict | None = None
    body_start = None
    for number, line in enumerate(lines[:20], start=1):
        stripped = line.strip()
        if stripped.startswith("# {") or stripped.startswith("#{"):
            try:
                parsed = json.loads(stripped.lstrip("#").strip())
            except json.JSONDecodeError as error:
                raise FormatError(number, f"the JSON header is not valid ({error.msg})") from None
            if not isinstance(parsed, dict) or not parsed:
                raise FormatError(number, "the JSON header has no device")
            device = next(iter(parsed.values()))
            if not isinstance(device, dict):
                raise FormatError(number, "the JSON header has no device")
            meta = device
        if stripped.lower().startswith("# endofheader"):
            body_start = number
            break
    if meta is None or body_start is None:
        raise FormatError(1, "no OpenSignals JSON header and '# EndOfHeader' line")
    rate = meta.get("sampling rate")
    if not isinstance(rate, int | float) or isinstance(rate, bool):
        raise FormatError(2, "the header has no numeric 'sampling rate'")
    columns = meta.get("column") or []
    sensors = meta.get("sensor") or []
    labels = meta.get("label") or []
    column = -1
    if isinstance(columns, list) and isinstance(sensors, list) and isinstance(labels, list):
        for sensor, label in zip(sensors, labels, strict=False):
            if str(sensor).upper().startswith("ECG") and label in columns:
                column = columns.index(label)
                break
    cells = []
    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        if not line.strip():
            continue
        parts = line.strip().split("\t")
        try:
            cells.append((number, parts[column]))
        except IndexError:
            raise FormatError(number, "this line has fewer columns than the header") from None
    ecg = _numbers(cells)
    start = None
    try:
        d, t = str(meta.get("date", "")), str(meta.get("time", ""))
        y, mo, day = (int(x) for x in d.split("-"))
        h, mi, s = t.split(":")
        start = datetime(y, mo, day, int(h), int(mi)) + timedelta(seconds=float(s))
    except (ValueError, TypeError, OverflowError):
        start = None
    _check_ecg(ecg, float(rate), cells[-1][0] if cells else body_start)
    return Recording("ecg", "opensignals", ecg=ecg, sampling_rate_hz=float(rate), start=start)


def _edf_int(field: bytes, what: str) -> int:
    try:
        return int(field.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise FormatError(None, f"the EDF header's {what} is not a number") from None


def edf_complete_records(data: bytes) -> tuple[bytes, list[str]]:
    """The EDF file cut to its last complete data record, with the header's record count set
    to match, and notes saying what was read (empty when nothing was missing).

    EDF header (Kemp et al. 1992): bytes 184-192 header length, 236-244 number of data
    records (-1 while recording), 244-252 record duration (s), 252-256 number of signals; then
    per signal 216 bytes of text fields before the samples per record (8 bytes each); samples
    are 2-byte integers.
    """
    if len(data) < 256:
        raise FormatError(None, "the EDF header is cut off (the file is shorter than 256 bytes)")
    n_signals = _edf_int(data[252:256], "number of signals")
    header_bytes = 256 + 256 * n_signals
    if n_signals < 1 or len(data) < header_bytes:
        raise FormatError(
            None,
            f"the EDF header is cut off: it needs {header_bytes} bytes for {n_signals} signals "
            f"and the file has {len(data)}",
        )
    at = 256 + 216 * n_signals
    samples = [
        _edf_int(data[at + 8 * i : at + 8 * i + 8], "samples per record") for i in range(n_signals)
    ]
    record_bytes = 2 * sum(samples)
    announced = _edf_int(data[236:244], "number of data records")
    try:
        record_s = float(data[244:252].decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise FormatError(None, "the EDF header's record duration is not a number") from None
    if record_bytes <= 0:
        raise FormatError(None, "the EDF header gives no samples per data record")
    complete, spare = divmod(len(data) - header_bytes, record_bytes)
    if complete == 0:
        raise FormatError(None, "the EDF file holds no complete data record (it is cut off)")
    notes: list[str] = []
    if announced == -1:
        notes.append(
            f"the EDF header does not say how many data records there are (it was not closed "
            f"after recording); {complete} complete records ({complete * record_s:g} s) were read"
        )
    elif complete < announced:
        notes.append(
            f"the EDF file is truncated: its header announces {announced} data records "
            f"({announced * record_s:g} s) but only {complete} are complete, so only the first "
            f"{complete * record_s:g} s were read"
            + (f" ({spare} bytes of a partial record ignored)" if spare else "")
        )
    elif spare or complete > announced:
        extra = len(data) - header_bytes - announced * record_bytes
        notes.append(
            f"{extra} bytes after the {announced} data records the EDF header announces were "
            "ignored"
        )
        complete = announced
    if not notes:
        return data, notes
    fixed = bytearray(data[: header_bytes + complete * record_bytes])
    fixed[236:244] = f"{complete:<8d}".encode("ascii")
    return bytes(fixed), notes


def read_edf(data: bytes) -> Recording:
    """EDF / EDF+ through edfio: the signal labelled ECG/EKG, else the first signal. A file cut
    short is read up to its last complete data record and the notes say so."""
    import warnings

    import edfio  # imported here: only EDF needs it, and it keeps start-up fast

    if len(data) > MAX_BYTES:
        raise _too_large()
    if len(data) < 256 or not data[:8].startswith(b"0"):
        raise FormatError(1, "not an EDF file (the header does not start with '0')")
    data, notes = edf_complete_records(data)
    try:
        with warnings.catch_warnings():
            # What edfio would warn about (a cut-off file) is in the notes instead.
            warnings.simplefilter("ignore")
            edf = edfio.read_edf(io.BytesIO(data))
        signals = list(edf.signals)
        if not signals:
            raise FormatError(None, "the EDF file has no signals")
        chosen = next((s for s in signals if re.search(r"\b(ECG|EKG)", s.label, re.I)), signals[0])
        ecg = np.asarray(chosen.data, dtype=np.float64)
        rate = float(chosen.sampling_frequency)
        try:
            start = datetime.combine(edf.startdate, edf.starttime)
        except Exception:  # anonymised EDF+ start dates are allowed to be missing
            start = None
    except FormatError:
        raise
    except Exception as error:  # edfio raises many types on malformed headers
        raise FormatError(None, f"not a readable EDF file ({type(error).__name__})") from None
    if not np.all(np.isfinite(ecg)):
        raise FormatError(None, "the EDF signal has values that are not numbers")
    _check_ecg(ecg, rate, 1)
    return Recording(
        "ecg",
        "edf",
        ecg=ecg,
        sampling_rate_hz=rate,
        start=start,
        notes=[*notes, f"signal '{chosen.label.strip()}'"],
    )


# --- detection -----------------------------------------------------------------------------

DETECT_BYTES = 64 * 1024  # detection reads the first 64 kB (a large upload is checked by them)
DETECT_ROWS = 2000  # rows whose columns and values tell the format apart


def _as_text_file(data: bytes) -> tuple[bytes, str | None]:
    """UTF-16 and UTF-32 text re-encoded as UTF-8, with the encoding's name (None for files
    that are already 8-bit text, binary or EDF)."""
    if data[:8].startswith(b"0       "):
        return data, None
    encoding = text_encoding(data)
    if not encoding.startswith(("utf-16", "utf-32")):
        return data, None
    width = 4 if encoding == "utf-32" else 2
    body = data[: len(data) // width * width]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        raise FormatError(
            None, f"the file looks like {encoding.upper()} text but cannot be decoded"
        ) from None
    return text.lstrip("\ufeff").encode("utf-8"), "UTF-" + encoding.split("-")[1]


def detect_format(data: bytes, filename: str = "") -> str:
    """Name of the format, from the content (its first 64 kB) and, for Elite HRV, the file
    name. A binary file is named for what it is (describe_binary)."""
    if len(data) > MAX_BYTES:
        raise _too_large()
    if data[:8].startswith(b"0       ") and len(data) >= 256:
        return "edf"
    data, _ = _as_text_file(data[:DETECT_BYTES])
    text = _decode(data)
    if not text.strip():
        raise FormatError(1, "the file is empty")
    numbered = [(n, line.strip()) for n, line in enumerate(_lines(text), start=1)]
    if len(data) >= DETECT_BYTES and len(numbered) > 1:
        numbered = numbered[:-1]  # the last line may be cut
    first = next((line for _, line in numbered if line), "")
    low = first.lower()
    if low.startswith("# opensignals") or (low.startswith("# {") and "sampling rate" in low):
        return "opensignals"
    if "phone timestamp" in low:
        if "ecg" in low:
            return "polar-ecg"
        if "hr [bpm]" in low:
            return "polar-hr"
        if "rr" in low:
            return "polar-rr"
        raise FormatError(1, "a Polar Sensor Logger file, but not ECG, RR or HR")
    if low.startswith("date,") and ",rr" in low:
        return "hrv-logger"
    if "sampling" in low and "rate" in low and low.startswith("#"):
        return "ecg-csv"
    rows = [(n, line) for n, line in numbered if line and not line.startswith("#")]
    if rows and _is_header(rows[0][1]):
        names = rows[0][1].lower()
        if re.search(r"\b(rr|ibi|nn)\b", names):  # beat intervals, maybe with beat times
            rows = rows[1:]
        elif "ecg" in names or "time" in names:
            return "ecg-csv"
        else:
            rows = rows[1:]
    if not rows:
        raise FormatError(1, "no data lines found")
    if _NOT_DATA.search("\n".join(line for _, line in rows)) and (
        sum(_is_header(line) for _, line in rows) > len(rows) / 2
    ):
        raise FormatError(
            1,
            "this is text but not numbers: the format is not recognised; choose it from the "
            "list of formats",
        )
    layout = sniff_layout(rows, "rr")
    rows = rows[:DETECT_ROWS]  # the layout is the whole head's; columns and values from these
    widths = [len(layout.split(line)) for _, line in rows]
    if all(w == 2 for w in widths):
        return "kubios"
    if sum(w == 1 for w in widths) < len(widths) / 2:
        raise FormatError(1, "the format is not recognised; choose it from the list of formats")
    texts = [line.replace(",", ".") if layout.decimal == "," else line for _, line in rows]
    numbers = [t for t, w in zip(texts, widths, strict=True) if w == 1 and _is_number(t)]
    values = np.asarray(numbers, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "plain-rr"  # the reader then names the first line that is not a number
    if float(np.median(values)) < 10.0:
        # seconds RR (Kubios) or ECG in mV: RR in s lies in 0.2..3 and is always positive.
        if np.all(values > 0.2) and np.all(values < 3.0):
            return "kubios"
        return "ecg-csv"
    if start_from_filename(filename):
        return "elite-hrv"
    return "plain-rr"


def read_recording(
    data: bytes,
    filename: str = "",
    format: str | None = None,
    sampling_rate_hz: float | None = None,
) -> Recording:
    """Detect (unless `format` names one) and read a recording file. UTF-16/32 text is read
    as text and named in the notes (and in any error)."""
    if len(data) > MAX_BYTES:
        raise _too_large()
    if not data.strip():
        raise FormatError(1, "the file is empty")
    data, encoding = _as_text_file(data)
    try:
        recording = check_length(_read(data, filename, format, sampling_rate_hz))
    except FormatError as error:
        if encoding:
            raise FormatError(
                error.line, f"{error.message} (the file is {encoding} text)"
            ) from None
        raise
    if encoding:
        recording.notes.insert(0, f"the file is {encoding} text; read as such")
    return recording


def _read(
    data: bytes, filename: str, format: str | None, sampling_rate_hz: float | None
) -> Recording:
    name = format or detect_format(data, filename)
    if name not in FORMATS:
        raise FormatError(None, f"unknown format '{_short(name)}'")
    if name in RR_FORMATS:
        check_rr_lines(count_lines(data))  # before any line is parsed
    if not data.strip():
        raise FormatError(1, "the file is empty")
    try:
        if name == "edf":
            return read_edf(data)
        if name == "elite-hrv":
            return read_elite_hrv(data, filename)
        if name == "ecg-csv":
            return read_ecg_csv(data, sampling_rate_hz)
        reader = {
            "polar-rr": read_polar_rr,
            "polar-hr": read_polar_hr,
            "polar-ecg": read_polar_ecg,
            "kubios": read_kubios,
            "hrv-logger": read_hrv_logger,
            "plain-rr": read_plain_rr,
            "opensignals": read_opensignals,
        }[name]
        recording = reader(data)
        if name == "opensignals" and sampling_rate_hz:
            recording.notes.append("sampling rate taken from the file header")
        return recording
    except FormatError:
        raise
    except (IndexError, ValueError, OverflowError, TypeError) as error:
        # a malformed file must give a clear message, never a crash
        raise FormatError(None, f"the file could not be read as {name} ({error})") from None
