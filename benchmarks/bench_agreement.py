"""Time agreement on 100,000 units x 3 coders: from a CSV file, and the statistics alone.

From CSV (issue 15's target: <= 2x): `annotator agreement FILE --level ordinal --json`
run in-process (reading, every coefficient, the default 1,000-sample bootstrap, the
JSON), and the core call it makes (`read_reliability_csv` + `agreement_report`),
against a bare script on the same file: `pandas.read_csv` then `krippendorff.alpha`.
Wide (a column per coder) and long (unit, coder, value) files. The runs alternate and
the best of each is kept, so a machine busy with other work slows both alike; the
ratio of process CPU times is printed beside the wall-clock one.

The statistics alone: every coefficient of the report on 3 fields (without a
bootstrap, and with a 200-sample one) against krippendorff.alpha alone on the same data.

Run: .venv/bin/python benchmarks/bench_agreement.py [--small]
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

# Run as a script: make the repository's annotator package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from annotator.cli import main as annotator_main
from annotator.core.agreement import (
    ReliabilityData,
    agreement_report,
    read_reliability_csv,
)

N_UNITS = 100_000
CODERS = ["ana", "ben", "cleo"]
MISSING_SHARE = 0.05
SEED = 20240601
REPEATS = 3
CSV_REPEATS = 7

# field -> (level, categories with their numbers, outside-scale codes)
FIELDS: dict[str, tuple[str, dict[str, float], set[str]]] = {
    "source_type": ("nominal", {c: float(i) for i, c in enumerate("ABCDEF")}, set()),
    "reliability": ("ordinal", {str(i): float(i) for i in range(1, 6)}, {"n/a"}),
    "certainty": ("interval", {str(i): float(i) for i in range(0, 11)}, set()),
}


def make_field(rng: np.random.Generator, level: str, categories: dict[str, float], outside):
    """Coders who mostly agree with a hidden true code; ~5% missing values."""
    codes = list(categories) + sorted(outside)
    k = len(categories)
    truth = rng.integers(0, k, N_UNITS)
    shift = rng.choice([-1, 0, 0, 0, 1], size=(len(CODERS), N_UNITS))
    chosen = np.clip(truth[None, :] + shift, 0, k - 1)
    if outside:
        chosen = np.where(rng.random(chosen.shape) < 0.02, k, chosen)  # some "n/a"
    labels = np.array(codes, dtype=object)[chosen]
    labels[rng.random(labels.shape) < MISSING_SHARE] = None
    numbers = np.array([categories.get(c, np.nan) if c else np.nan for c in [*codes, None]])
    as_float = numbers[np.where(np.equal(labels, None), len(codes), chosen)]
    return labels.tolist(), as_float


def best_of(repeats: int, task: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return min(times)


def write_csv_files(folder: Path) -> dict[str, Path]:
    """A 1-5 ordinal field, coders mostly agreeing, ~5% empty cells: wide and long."""
    rng = np.random.default_rng(SEED)
    truth = rng.integers(1, 6, N_UNITS)
    codes = np.clip(truth[None, :] + rng.choice([-1, 0, 0, 0, 1], (len(CODERS), N_UNITS)), 1, 5)
    cells = codes.astype(str).astype(object)
    cells[rng.random(cells.shape) < MISSING_SHARE] = ""
    units = np.array([f"s{j}" for j in range(N_UNITS)], dtype=object)
    wide = pd.DataFrame({"unit": units, **dict(zip(CODERS, cells, strict=True))})
    long = wide.melt(id_vars="unit", var_name="coder", value_name="value")
    long = long.sort_values("unit", kind="stable")
    paths = {"wide": folder / "wide.csv", "long": folder / "long.csv"}
    wide.to_csv(paths["wide"], index=False)
    long.to_csv(paths["long"], index=False)
    return paths


def bare_script(path: Path, layout: str) -> float:
    """What one would write by hand: read with pandas, alpha with krippendorff."""
    frame = pd.read_csv(path)
    if layout == "long":
        frame = frame.pivot(index="unit", columns="coder", values="value")
    matrix = frame[CODERS].to_numpy(dtype=float).T
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")


def cli_in_process(path: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        if annotator_main(["agreement", str(path), "--level", "ordinal", "--json"]) != 0:
            raise SystemExit(f"annotator agreement {path} failed")


def core_call(path: Path) -> list[object]:
    return [agreement_report(d) for d in read_reliability_csv(path, "ordinal").values()]


def bench_csv() -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = write_csv_files(Path(folder))
        print(
            f"From CSV: {N_UNITS:,} units x {len(CODERS)} coders, ordinal 1-5, "
            f"~{MISSING_SHARE:.0%} empty; best of {CSV_REPEATS}, runs alternating"
        )
        for layout, path in paths.items():
            data = next(iter(read_reliability_csv(path, "ordinal").values()))
            alpha = agreement_report(data, bootstrap_samples=0).krippendorff_alpha.value
            assert alpha is not None and abs(alpha - bare_script(path, layout)) < 1e-9
            tasks: dict[str, Callable[[], object]] = {
                "bare pandas.read_csv + krippendorff.alpha": partial(bare_script, path, layout),
                "core: read_reliability_csv + agreement_report": partial(core_call, path),
                "annotator agreement --json (in-process)": partial(cli_in_process, path),
            }
            best = dict.fromkeys(tasks, float("inf"))
            cpu = dict.fromkeys(tasks, float("inf"))
            for _ in range(CSV_REPEATS):
                for name, task in tasks.items():
                    start, start_cpu = time.perf_counter(), time.process_time()
                    task()
                    best[name] = min(best[name], time.perf_counter() - start)
                    cpu[name] = min(cpu[name], time.process_time() - start_cpu)
            bare = "bare pandas.read_csv + krippendorff.alpha"
            print(f"  {layout} ({path.stat().st_size / 1e6:.1f} MB), alpha {alpha:.6f}")
            for name, seconds in best.items():
                print(
                    f"    {name:47s} {seconds:7.3f} s   ratio {seconds / best[bare]:5.2f}x"
                    f"   (CPU time ratio {cpu[name] / cpu[bare]:5.2f}x)"
                )


def main() -> None:
    global N_UNITS, REPEATS, CSV_REPEATS
    if "--small" in sys.argv[1:]:  # one quick run at a small size (tests/core/test_benchmarks.py)
        N_UNITS, REPEATS, CSV_REPEATS = 2_000, 1, 1
    bench_csv()
    print()
    rng = np.random.default_rng(SEED)
    units = [f"s{j}" for j in range(N_UNITS)]
    raw = {name: make_field(rng, *spec) for name, spec in FIELDS.items()}

    start = time.perf_counter()
    data = {
        name: ReliabilityData(name, units, CODERS, raw[name][0], level, categories, outside)
        for name, (level, categories, outside) in FIELDS.items()
    }
    build = time.perf_counter() - start

    def report(samples: int) -> Callable[[], object]:
        return lambda: [agreement_report(d, bootstrap_samples=samples) for d in data.values()]

    def package() -> list[float]:
        # The package sees the numbers; outside-scale codes are missing for it (like ours
        # at the ordinal level), so the data are the same as our scale-level alpha's.
        return [
            krippendorff.alpha(raw[name][1], level_of_measurement=FIELDS[name][0])
            for name in FIELDS
        ]

    package_time = best_of(REPEATS, package)
    plain = best_of(REPEATS, report(0))
    boot = best_of(REPEATS, report(200))

    ours = {name: agreement_report(d, bootstrap_samples=0) for name, d in data.items()}
    for (name, result), theirs in zip(ours.items(), package(), strict=True):
        alpha = result.krippendorff_alpha.value
        print(f"{name:12s} {result.alpha_level:9s} alpha ours={alpha:.6f} package={theirs:.6f}")

    print(
        f"\n{N_UNITS:,} units x {len(CODERS)} coders x {len(FIELDS)} fields, "
        f"~{MISSING_SHARE:.0%} missing, seed {SEED}; best of {REPEATS}"
    )
    print(f"building ReliabilityData from strings          {build:8.3f} s (once)")
    print(f"krippendorff.alpha alone (3 fields)            {package_time:8.3f} s")
    print(
        f"all coefficients, no bootstrap (3 fields)      {plain:8.3f} s   "
        f"ratio {plain / package_time:5.2f}x"
    )
    print(
        f"all coefficients + 200-sample bootstrap        {boot:8.3f} s   "
        f"ratio {boot / package_time:5.2f}x"
    )


if __name__ == "__main__":
    main()
