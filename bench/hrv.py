"""Heart-rate variability: Somatrace against NeuroKit2 doing the same work, in one run.

    .venv/bin/python bench/hrv.py [--repeats 5]

(a) 60-minute 130 Hz ECG: R peaks + artefact correction + every window and metric that the
    session page shows (60 s HR/RMSSD every 30 s, 300 s LF/HF every 30 s, baseline/session/
    after, shift) against NeuroKit2's fastest equivalent: ecg_clean + ecg_peaks(correct_
    artifacts=True), then hrv_time on each 60 s window and hrv_frequency on each 300 s window.
(b) 24-hour RR series (100,000 beats): full analysis time and peak memory (tracemalloc).
    NeuroKit2's hrv() is not run: on 100,000 beats its fuzzy entropy builds an N x N distance
    matrix (1e10 float64 values, about 74.5 GiB), so it cannot finish on this machine.
(c) Artefact repair on the same injected series: detection recall/precision and RMSSD error
    against the clean series, for Somatrace and NeuroKit2's Kubios method.
(d) `somatrace hrv analyze` as a whole process (start-up, read, analyse, print) on a 5-min
    and a 24-h RR file, against `python -c pass` measured in the same run (interleaved), and
    the same analysis through Django's management command (django.setup + call_command).
Prints medians and the ratios.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from somatrace.physio import artifacts, hrv, peaks, windows  # noqa: E402
from somatrace.physio.tests.helpers import inject, synthetic_rr  # noqa: E402

warnings.filterwarnings("ignore")


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def somatrace_ecg(ecg: np.ndarray, fs: float) -> dict:
    found = peaks.detect_r_peaks(ecg, fs)
    rr = peaks.rr_from_peaks(found, fs)
    fixed = artifacts.correct(rr)
    metrics = hrv.all_metrics(fixed.rr_ms)
    total_s = float(fixed.rr_ms.sum() / 1000)
    out = windows.analyze_windows(fixed.rr_ms, fixed.flags, -300.0, total_s - 600.0)
    return {"n": fixed.rr_ms.size, "metrics": metrics, "windows": out}


def neurokit_ecg(nk, ecg: np.ndarray, fs: float) -> dict:
    cleaned = nk.ecg_clean(ecg, sampling_rate=fs)
    _, info = nk.ecg_peaks(cleaned, sampling_rate=fs, correct_artifacts=True)
    r = np.asarray(info["ECG_R_Peaks"])
    t = r / fs
    rows_time = []
    for start in np.arange(t[0], t[-1] - 30, 30.0):
        sel = r[(t >= start) & (t < start + 60)]
        if sel.size > 20:
            rows_time.append(nk.hrv_time(sel, sampling_rate=fs))
    rows_freq = []
    for start in np.arange(t[0], t[-1] - 300, 30.0):
        sel = r[(t >= start) & (t < start + 300)]
        if sel.size > 20:
            rows_freq.append(
                nk.hrv_frequency(sel, sampling_rate=fs, normalize=False, interpolation_rate=4)
            )
    return {"n": r.size, "time": len(rows_time), "freq": len(rows_freq)}


def bench_ecg(nk, repeats: int) -> None:
    fs = 130.0
    ecg = nk.ecg_simulate(
        duration=3600,
        sampling_rate=int(fs),
        heart_rate=68,
        method="simple",
        noise=0.02,
        random_state=3,
    )
    ours = somatrace_ecg(ecg, fs)
    theirs = neurokit_ecg(nk, ecg, fs)
    # Interleaved (ours, theirs, ours, ...) so a busy machine slows both alike.
    ours_times, nk_times = [], []
    for _ in range(repeats):
        ours_times.append(median_time(lambda: somatrace_ecg(ecg, fs), 1))
        nk_times.append(median_time(lambda: neurokit_ecg(nk, ecg, fs), 1))
    t_ours, t_nk = statistics.median(ours_times), statistics.median(nk_times)
    print("(a) 60-min 130 Hz ECG: peaks + correction + all windows and metrics")
    print(
        f"    Somatrace  {t_ours * 1000:8.1f} ms   beats {ours['n']}, "
        f"{len(ours['windows']['short'])} 60 s + {len(ours['windows']['frequency'])} 300 s windows"
    )
    print(
        f"    NeuroKit2  {t_nk * 1000:8.1f} ms   beats {theirs['n']}, "
        f"{theirs['time']} hrv_time + {theirs['freq']} hrv_frequency windows"
    )
    print(f"    ratio      {t_nk / t_ours:8.1f}x faster (target >= 10x)")


def bench_24h(repeats: int) -> None:
    rr = synthetic_rr(100_000)
    dirty, _ = inject(rr, every=2000)

    def run():
        fixed = artifacts.correct(dirty)
        hrv.all_metrics(fixed.rr_ms)
        windows.analyze_windows(fixed.rr_ms, fixed.flags, -300.0, float(dirty.sum() / 1000) - 600)

    run()
    elapsed = median_time(run, repeats)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    hours = dirty.sum() / 3.6e6
    print(f"(b) 24-h RR series: {dirty.size} beats ({hours:.1f} h)")
    print(
        f"    Somatrace  {elapsed * 1000:8.1f} ms full analysis (target < 1000 ms), "
        f"peak traced memory {peak / 2**20:.0f} MiB (target < 500 MiB)"
    )
    print(
        "    NeuroKit2  hrv() not run: its fuzzy entropy allocates an N x N matrix "
        "(100,000^2 x 8 B = 74.5 GiB) and fails"
    )


def bench_repair(nk) -> None:
    clean = synthetic_rr(6000)
    dirty, sites = inject(clean)
    peaks_ms = np.concatenate(([0], np.cumsum(dirty))).astype(int)
    # Detection scored on a single pass (iterative mode reports only its last pass's
    # indices); repair scored on the iterative correction, NeuroKit2's default and best.
    info, _ = nk.signal_fixpeaks(peaks_ms, sampling_rate=1000, iterative=False, method="Kubios")
    _, nk_peaks = nk.signal_fixpeaks(peaks_ms, sampling_rate=1000, iterative=True, method="Kubios")
    ours = artifacts.correct(dirty)
    truth = hrv.rmssd(clean)

    def score(flagged):
        pos = np.array([p for p, _ in sites])
        hit = sum(1 for p in pos if any(abs(f - p) <= 2 for f in flagged))
        right = sum(1 for f in flagged if np.min(np.abs(pos - f)) <= 2)
        return hit / len(pos), right / max(len(flagged), 1)

    ours_flagged = sorted({i for k in artifacts.KINDS for i in ours.indices[k]})
    nk_flagged = sorted({int(i) - 1 for k in artifacts.KINDS for i in info[k]})
    r_o, p_o = score(ours_flagged)
    r_n, p_n = score(nk_flagged)
    e_o = abs(hrv.rmssd(ours.rr_ms) - truth) / truth
    e_n = abs(hrv.rmssd(np.diff(nk_peaks).astype(float)) - truth) / truth
    print(
        f"(c) artefact repair on {len(sites)} injected ectopic/missed/extra beats "
        f"(clean RMSSD {truth:.1f} ms, corrupted {hrv.rmssd(dirty):.1f} ms)"
    )
    print(f"    Somatrace  recall {r_o:.1%} precision {p_o:.1%}  RMSSD error {e_o:.2%}")
    print(
        f"    NeuroKit2  recall {r_n:.1%} precision {p_n:.1%}  RMSSD error {e_n:.2%} "
        "(Kubios: single-pass detection, iterative repair)"
    )


def _process(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of a process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_cli(repeats: int) -> None:
    rr = synthetic_rr(100_000)
    dirty, _ = inject(rr, every=2000)
    with tempfile.TemporaryDirectory() as folder:
        day = Path(folder) / "rr24h.txt"
        day.write_text("\n".join(f"{v:.0f}" for v in dirty) + "\n")
        short = ROOT / "somatrace/physio/tests/data/nsrdb_rr_5min.txt"
        python = [sys.executable]
        hrv_cli = [*python, "-m", "somatrace.cli", "hrv", "analyze"]
        django = [
            *python,
            "-c",
            "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'somatrace.settings';"
            " django.setup(); from django.core.management import call_command;"
            " call_command('hrv', 'analyze', sys.argv[1], '--json')",
        ]
        commands = {
            "pass": [*python, "-c", "pass"],
            "5min": [*hrv_cli, str(short), "--json"],
            "24h": [*hrv_cli, str(day), "--json"],
            "django": [*django, str(day)],
        }
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
        for _ in range(repeats):  # interleaved, so a busy machine slows all alike
            for name, argv in commands.items():
                runs[name].append(_process(argv))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    print("(d) somatrace hrv analyze as a whole process (medians; CPU = user + system)")
    rows = [
        ("pass", "python -c pass", "(reference)"),
        ("5min", "hrv analyze, 5-min RR file", ""),
        ("24h", "hrv analyze, 24-h RR file", "(target: well under 1000 ms)"),
        ("django", "same via Django's command", "(django.setup imports every app)"),
    ]
    for key, label, note in rows:
        ratio = "" if key == "pass" else f"{wall[key] / wall['pass']:5.1f}x python -c pass "
        print(
            f"    {label:28s} wall {wall[key] * 1000:7.1f} ms  CPU {cpu[key] * 1000:7.1f} ms  "
            f"{ratio}{note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cli-only", action="store_true", help="only (d), the command line")
    args = parser.parse_args()
    if args.cli_only:
        bench_cli(args.repeats)
        return
    import neurokit2 as nk

    bench_ecg(nk, args.repeats)
    bench_24h(args.repeats)
    bench_repair(nk)
    bench_cli(args.repeats)


if __name__ == "__main__":
    main()
