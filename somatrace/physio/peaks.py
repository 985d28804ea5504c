"""R-peak detection in the ECG. Plain NumPy/SciPy, no Django.

Detector: Elgendi, Jonkman & De Boer (2010), "Frequency bands effects on QRS detection",
Proceedings of BIOSIGNALS 2010, 428-431 — the "two moving averages" method:

1. Band-pass 8-20 Hz (3rd-order Butterworth, zero phase), square.
2. MA_peak: moving average over W1 = 120 ms (about one QRS); MA_beat: moving average over
   W2 = 600 ms (about one beat).
3. Blocks of interest where MA_peak > MA_beat + beta * mean(squared signal), beta = 0.08;
   blocks shorter than W1 are dropped.
4. The R peak is the maximum inside each block of the ECG minus its 600 ms moving average
   (refinement to the local maximum on the unfiltered waveform, baseline removed; polarity
   is detected from the median QRS so inverted leads work). Two peaks closer than a 250 ms
   refractory period keep the larger one.
5. Search-back (Pan & Tompkins 1985, IEEE Trans Biomed Eng 32:230, "searchback"): where an
   RR interval is longer than 1.66 times the median of the nine intervals around it, the gap
   is searched again with half the threshold — the largest MA_peak / (MA_beat + offset) in
   the gap (at least 250 ms from both neighbours) is a beat if that ratio is at least 1 (the
   block only failed the W1 length rule) or, between 0.5 and 1, if its R wave is at least
   half the median R amplitude of the beats found (our guard against noise in pauses,
   checked on MIT-BIH 208). A normal beat
   right after a large premature ventricular beat sits in the premature beat's raised
   MA_beat, so step 3 alone leaves only fragments of it (shorter than W1) and drops it: on
   MIT-BIH record 208 that loses 7 beats in 5 minutes and inflates SDNN and RMSSD by a
   quarter. The pass repeats while it finds beats (a long gap may hide two).

A second, independent detector (`detect_r_peaks_energy`) serves the signal-quality check
(quality.py): after jqrs, the Pan-Tompkins (1985) energy detector by J. Behar that the
PhysioNet Cardiovascular Signal Toolbox (Vest et al. 2018, Physiol Meas 39:105004) compares
with a second detector for its quality index: 5-15 Hz band-pass, derivative, squared, integrated
over 7/256 s, above 0.6 times the 98th percentile of that energy (per 10 s, so long
recordings with changing amplitude are handled), R at the ECG extreme of each block, 250 ms
refractory. It shares no step with the Elgendi detector but the refractory period.

Everything is vectorised: zero-phase filtering with scipy.signal.sosfiltfilt, moving averages
by cumulative sums, per-block maxima by ufunc.reduceat. Cost O(n) in the number of samples.
scipy.signal is imported inside the two detectors: it costs more than a second to import, and
RR files (most of what the command line reads) never need it.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

W1_S = 0.120  # Elgendi et al. 2010: QRS window
W2_S = 0.600  # Elgendi et al. 2010: beat window
BETA = 0.08  # Elgendi et al. 2010: offset
BAND_HZ = (8.0, 20.0)  # Elgendi et al. 2010: QRS band
REFRACTORY_S = 0.25  # no two beats closer than 250 ms (240 bpm)
SEARCHBACK_RR = 1.66  # Pan & Tompkins 1985: search back after 166 % of the average RR
SEARCHBACK_FRACTION = 0.5  # ibid.: the search-back threshold is half the detection threshold
SEARCHBACK_CONTEXT = 9  # intervals in the median the 166 % refers to (Pan & Tompkins: 8)
MAX_SEARCHBACK_PASSES = 4
PT_BAND_HZ = (5.0, 15.0)  # Pan & Tompkins 1985: QRS band
PT_INTEGRATION_S = 0.150  # ibid.: moving-window integration, about the widest QRS
PT_REFRACTORY_S = 0.200  # ibid.: no two QRS complexes closer than 200 ms
PT_T_WAVE_S = 0.360  # ibid.: a peak this close to a beat may be its T wave
PT_SEARCHBACK = 1.66  # ibid.: search back after 166 % of the mean RR
PT_LOCATE_S = 0.075  # half the integration window: where the R wave lies


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over `width` samples by cumulative sums (the ends repeat the
    edge value, as if the signal continued flat). Shape kept."""
    return moving_averages(x, (width,))[0]


def moving_averages(x: np.ndarray, widths: tuple[int, ...]) -> list[np.ndarray]:
    """Centred moving averages of x for several widths from one cumulative sum."""
    x = np.asarray(x, dtype=np.float64)
    widths = tuple(max(int(w), 1) for w in widths)
    pad = max(widths)
    c = np.empty(x.size + 2 * pad + 1)
    c[0] = 0.0
    np.cumsum(np.concatenate((np.full(pad, x[0]), x, np.full(pad, x[-1]))), out=c[1:])
    out = []
    for width in widths:
        half = width // 2
        start = pad - half  # window of sample i covers padded[i + start : i + start + width]
        out.append((c[start + width : start + width + x.size] - c[start : start + x.size]) / width)
    return out


def _blocks(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and (exclusive) end indices of the runs of True in mask."""
    edges = np.diff(mask.astype(np.int8), prepend=0, append=0)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _block_argmax(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Index of the first maximum of values inside each block [start, end)."""
    if starts.size == 0:
        return np.empty(0, dtype=np.int64)
    bounds = np.ravel(np.column_stack((starts, ends)))
    block_max = np.maximum.reduceat(np.append(values, 0.0), bounds)[::2]
    lengths = ends - starts
    seg = np.repeat(np.arange(starts.size), lengths)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    idx = np.repeat(starts, lengths) + (np.arange(seg.size) - np.repeat(offsets, lengths))
    at_max = values[idx] == block_max[seg]
    hits, hit_seg = idx[at_max], seg[at_max]
    _, first = np.unique(hit_seg, return_index=True)
    return hits[first].astype(np.int64)


def _polarity(cleaned: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> float:
    """-1 when the blocks' typical largest negative deflection dominates (inverted lead)."""
    bounds = np.ravel(np.column_stack((starts, ends)))
    padded = np.append(cleaned, 0.0)
    block_max = np.maximum.reduceat(padded, bounds)[::2]
    block_min = np.minimum.reduceat(padded, bounds)[::2]
    return -1.0 if np.median(-block_min) > 1.5 * np.median(block_max) else 1.0


def detect_r_peaks(ecg: np.ndarray, sampling_rate_hz: float) -> np.ndarray:
    """Sample indices of R peaks (int64, increasing). ecg: shape (n,), any unit."""
    from scipy import signal  # imported here to keep start-up fast (see module docstring)

    x = np.asarray(ecg, dtype=np.float64)
    fs = float(sampling_rate_hz)
    if x.size < int(2 * fs):
        return np.empty(0, dtype=np.int64)
    high = min(BAND_HZ[1], 0.45 * fs)
    sos = signal.butter(3, (BAND_HZ[0], high), btype="bandpass", fs=fs, output="sos")
    squared = signal.sosfiltfilt(sos, x) ** 2
    ma_peak, ma_beat = moving_averages(squared, (round(W1_S * fs), round(W2_S * fs)))
    threshold = ma_beat + BETA * float(np.mean(squared))
    starts, ends = _blocks(ma_peak > threshold)
    keep = (ends - starts) >= round(W1_S * fs)
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        return np.empty(0, dtype=np.int64)
    # Refinement on the ECG itself (no second filter): inside a 120+ ms block the baseline
    # barely moves, so the R peak is the sample furthest from the block's mean.
    cleaned = x - moving_average(x, round(W2_S * fs))
    cleaned = cleaned * _polarity(cleaned, starts, ends)
    peaks = _refractory(_block_argmax(cleaned, starts, ends), cleaned, round(REFRACTORY_S * fs))
    return _search_back(peaks, cleaned, ma_peak / threshold, fs)


def _search_back(
    peaks: np.ndarray, cleaned: np.ndarray, ratio: np.ndarray, fs: float
) -> np.ndarray:
    """Add the beats that long gaps hide (Pan & Tompkins 1985 search-back; module docstring).

    ratio: MA_peak / Elgendi threshold per sample; cleaned: polarity-corrected ECG minus its
    baseline. Loops over long gaps only (few), each scanned once: O(n) overall.
    """
    gap = round(REFRACTORY_S * fs)
    half = round(W1_S * fs / 2)
    for _ in range(MAX_SEARCHBACK_PASSES):
        if peaks.size < 4:
            return peaks
        amplitude = float(np.median(cleaned[peaks]))
        rr = np.diff(peaks).astype(np.float64)
        reference = _running_median(rr, SEARCHBACK_CONTEXT)
        added = []
        for i in np.flatnonzero(rr > SEARCHBACK_RR * reference).tolist():
            lo, hi = int(peaks[i]) + gap, int(peaks[i + 1]) - gap
            if hi <= lo:
                continue
            starts, ends = _blocks(ratio[lo:hi] > SEARCHBACK_FRACTION)
            best, best_ratio = -1, 0.0
            for a, b in zip((starts + lo).tolist(), (ends + lo).tolist(), strict=True):
                k = a + int(np.argmax(ratio[a:b]))
                a, b = max(k - half, lo), min(k + half + 1, hi)
                r = a + int(np.argmax(cleaned[a:b]))
                # Above the full threshold the block only failed W1 (a fragment of a QRS);
                # between half and full threshold its R wave must confirm it.
                confirmed = ratio[k] >= 1.0 or cleaned[r] >= SEARCHBACK_FRACTION * amplitude
                if confirmed and ratio[k] > best_ratio:
                    best, best_ratio = r, float(ratio[k])
            if best >= 0:
                added.append(best)
        if not added:
            return peaks
        peaks = np.unique(np.concatenate((peaks, np.asarray(added, dtype=np.int64))))
    return peaks


def _running_median(x: np.ndarray, width: int) -> np.ndarray:
    """Centred running median with windows shrinking at the ends. Shape kept."""
    half = width // 2
    padded = np.pad(x, half, mode="constant", constant_values=np.nan)
    return np.nanmedian(sliding_window_view(padded, width), axis=1)


def detect_r_peaks_energy(ecg: np.ndarray, sampling_rate_hz: float) -> np.ndarray:
    """Second detector for the quality check (module docstring): sample indices of R peaks
    (int64, increasing). ecg: shape (n,), any unit. Pan & Tompkins (1985): 5-15 Hz band-pass,
    derivative, squared, 150 ms moving integration; peaks of that energy at least 200 ms
    apart are beats when above THRESHOLD1 = NPKI + 0.25 (SPKI - NPKI), the running levels of
    signal and noise peaks (each updated by 1/8 of a new peak), learnt from 2 s of signal
    (here the median over the first five 2-s stretches, so one artefact at the start does not
    set them); a gap longer than 166 % of the mean of the last 8 RR takes its largest peak
    above half THRESHOLD1 (search-back); a peak within 360 ms of a beat with less than half
    its energy is a T wave (Pan & Tompkins compare slopes; we compare the energy). The R
    peak is the ECG extreme (baseline removed, polarity detected) within 75 ms of the energy
    peak. Loops over energy peaks (a few per beat)."""
    from scipy import signal  # imported here to keep start-up fast (see module docstring)

    x = np.asarray(ecg, dtype=np.float64)
    fs = float(sampling_rate_hz)
    if x.size < int(2 * fs):
        return np.empty(0, dtype=np.int64)
    high = min(PT_BAND_HZ[1], 0.45 * fs)
    sos = signal.butter(3, (PT_BAND_HZ[0], high), btype="bandpass", fs=fs, output="sos")
    slope = np.diff(signal.sosfiltfilt(sos, x), prepend=0.0)
    energy = moving_average(slope * slope, max(round(PT_INTEGRATION_S * fs), 1))
    candidates, _ = signal.find_peaks(energy, distance=max(round(PT_REFRACTORY_S * fs), 1))
    if candidates.size == 0:
        return np.empty(0, dtype=np.int64)
    levels = energy[candidates]
    stretch = int(2 * fs)
    learn = [energy[k : k + stretch] for k in range(0, min(5 * stretch, energy.size), stretch)]
    # Pan & Tompkins 1985: SPKI 0.25 of the largest, NPKI 0.5 of the mean energy of 2 s
    spk = 0.25 * float(np.median([part.max() for part in learn if part.size]))
    npk = 0.5 * float(np.median([part.mean() for part in learn if part.size]))
    beats: list[int] = []
    rr: list[int] = []
    since: list[int] = []  # candidates below threshold since the last beat
    t_wave = round(PT_T_WAVE_S * fs)
    for k, level in zip(candidates.tolist(), levels.tolist(), strict=True):
        threshold = npk + 0.25 * (spk - npk)
        if beats and rr and since and k - beats[-1] > PT_SEARCHBACK * (sum(rr[-8:]) / len(rr[-8:])):
            best = max(since, key=lambda c: energy[c])
            if energy[best] > 0.5 * threshold:
                rr.append(best - beats[-1])
                beats.append(best)
                spk = 0.25 * float(energy[best]) + 0.75 * spk  # searchback update (ibid.)
            since = []
        if level > threshold and not (
            beats and k - beats[-1] < t_wave and level < 0.5 * energy[beats[-1]]
        ):
            if beats:
                rr.append(k - beats[-1])
            beats.append(k)
            spk = 0.125 * level + 0.875 * spk
            since = []
        else:
            npk = 0.125 * level + 0.875 * npk
            since.append(k)
    found = np.asarray(beats, dtype=np.int64)
    centred = x - moving_average(x, round(W2_S * fs))
    reach = round(PT_LOCATE_S * fs)
    lo = np.maximum(found - reach, 0)
    hi = np.minimum(found + reach + 1, x.size)
    centred = centred * _polarity(centred, lo, hi)
    located = _block_argmax(centred, lo, hi)
    return _refractory(np.unique(located), centred, round(REFRACTORY_S * fs))


def _refractory(peaks: np.ndarray, cleaned: np.ndarray, gap: int) -> np.ndarray:
    """Drop the smaller of any two peaks closer than `gap` samples (rare; linear pass)."""
    if peaks.size < 2 or np.all(np.diff(peaks) >= gap):
        return peaks
    kept = [int(peaks[0])]
    for p in peaks[1:]:
        p = int(p)
        if p - kept[-1] < gap:
            if cleaned[p] > cleaned[kept[-1]]:
                kept[-1] = p
        else:
            kept.append(p)
    return np.asarray(kept, dtype=np.int64)


def rr_from_peaks(peaks: np.ndarray, sampling_rate_hz: float) -> np.ndarray:
    """RR intervals (ms), shape (len(peaks) - 1,)."""
    return np.diff(np.asarray(peaks, dtype=np.float64)) * (1000.0 / sampling_rate_hz)
