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


# --- helpers -------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FormatError(None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if b"\x00" in data[:4096]:
        raise FormatError(1, "this is a binary file, not text")
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(1, "the text encoding is not readable")  # pragma: no cover (latin-1)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _short(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 20 else value[:17] + "..."


def _number(cell: str, line: int) -> float:
    try:
        value = float(cell.strip().replace(",", ".") if cell.count(",") == 1 else cell)
    except ValueError:
        raise FormatError(line, f"'{_short(cell)}' is not a number") from None
    if not np.isfinite(value):
        raise FormatError(line, f"'{_short(cell)}' is not a finite number")
    return value


def _numbers(cells: list[tuple[int, str]]) -> np.ndarray:
    """Parse (line, text) pairs to float64; fast path first, exact line on failure."""
    texts = [c for _, c in cells]
    try:
        values = np.asarray(texts, dtype=np.float64)
    except ValueError:
        values = np.array([_number(c, n) for n, c in cells], dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        n, c = cells[int(bad[0])]
        raise FormatError(n, f"'{_short(c)}' is not a finite number")
    return values


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
    out = []
    for number, line in enumerate(_lines(text), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            out.append((number, stripped))
    return out


_SPLIT = re.compile(r"[;,\t ]+")


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


def read_plain_rr(data: bytes, *, format_name: str = "plain-rr") -> Recording:
    """One RR interval per line (ms, or s by the units rule); '#' comments and a header ok."""
    rows = _data_lines(_decode(data))
    if rows and not _is_number(rows[0][1].split()[0] if rows[0][1].split() else ""):
        rows = rows[1:]  # a header line such as "RR" or "rr_ms"
    notes: list[str] = []
    rr = _to_ms(_numbers(rows), notes)
    return Recording("rr", format_name, rr_ms=_check_rr(rr, [n for n, _ in rows]), notes=notes)


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
    rows = _data_lines(_decode(data))
    while rows and not _is_number(_SPLIT.split(rows[0][1])[0]):
        rows = rows[1:]
    cells = []
    for n, line in rows:
        parts = [p for p in _SPLIT.split(line) if p]
        if len(parts) > 2:
            raise FormatError(n, f"expected one or two columns, found {len(parts)}")
        cells.append((n, parts[-1]))
    notes: list[str] = []
    rr = _to_ms(_numbers(cells), notes)
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
    rr = _numbers(cells)
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
    rr = _numbers(cells)
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
    ecg = _numbers(ecg_cells)
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
    stated. A rate stated in a '# sampling_rate=360' comment is also accepted."""
    text = _decode(data)
    if sampling_rate_hz is None:
        match = re.search(r"#\s*sampling[ _]rate\s*[=:]\s*([0-9.]+)", text[:2000], re.I)
        if match:
            sampling_rate_hz = _number(match.group(1), 1)
    rows = _data_lines(text)
    header: list[str] = []
    if rows and not _is_number(_SPLIT.split(rows[0][1])[0]):
        header = [h.lower() for h in re.split(r"[;,\t]", rows[0][1])]
        rows = rows[1:]
    column = next((i for i, h in enumerate(header) if "ecg" in h), -1)
    sep = re.compile(r"[;,\t]") if header or (rows and re.search(r"[;,\t]", rows[0][1])) else None
    ecg_cells, time_cells = [], []
    for n, line in rows:
        parts = sep.split(line) if sep else [line]
        try:
            ecg_cells.append((n, parts[column]))
        except IndexError:
            raise FormatError(n, "this line has fewer columns than the header") from None
        if len(parts) > 1:
            time_cells.append((n, parts[0]))
    ecg = _numbers(ecg_cells)
    notes: list[str] = []
    if sampling_rate_hz is None:
        if header and header[0] in ("time", "t", "time_s", "seconds") and len(time_cells) > 10:
            step = float(np.median(np.diff(_numbers(time_cells))))
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


def read_edf(data: bytes) -> Recording:
    """EDF / EDF+ through edfio: the signal labelled ECG/EKG, else the first signal."""
    import edfio  # imported here: only EDF needs it

    if len(data) > MAX_BYTES:
        raise FormatError(None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if len(data) < 256 or not data[:8].startswith(b"0"):
        raise FormatError(1, "not an EDF file (the header does not start with '0')")
    try:
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
        notes=[f"signal '{chosen.label.strip()}'"],
    )


# --- detection -----------------------------------------------------------------------------


def detect_format(data: bytes, filename: str = "") -> str:
    """Name of the format, from the content (first lines) and, for Elite HRV, the file name."""
    if len(data) > MAX_BYTES:
        raise FormatError(None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    head = data[:4096]
    if head.startswith(b"0       ") and len(data) >= 256:
        return "edf"
    text = _decode(head + b"")[:4096] if b"\x00" not in head else ""
    if not text.strip():
        raise FormatError(1, "the file is empty")
    lines = [line.strip() for line in _lines(text)]
    first = next((line for line in lines if line), "")
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
    data_rows = [line for line in lines if line and not line.startswith("#")]
    if data_rows and not _is_number(_SPLIT.split(data_rows[0])[0]):
        if "ecg" in data_rows[0].lower() or "time" in data_rows[0].lower():
            return "ecg-csv"
        data_rows = data_rows[1:]
    sample = [row for row in data_rows[:50]]
    if not sample:
        raise FormatError(1, "no data lines found")
    widths = [len([p for p in _SPLIT.split(row) if p]) for row in sample]
    if all(w == 2 for w in widths):
        return "kubios"
    if sum(w == 1 for w in widths) < len(widths) / 2:
        raise FormatError(1, "the format is not recognised; choose it from the list of formats")
    values = np.asarray([row for row in sample if _is_number(row)], dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "plain-rr"  # the reader then names the first line that is not a number
    if values.size and float(np.median(values)) < 10.0:
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
    """Detect (unless `format` names one) and read a recording file."""
    name = format or detect_format(data, filename)
    if name not in FORMATS:
        raise FormatError(None, f"unknown format '{_short(name)}'")
    if len(data) > MAX_BYTES:
        raise FormatError(None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
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
