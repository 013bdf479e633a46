"""Time the agreement statistics on 100,000 units x 3 coders x 3 fields.

Prints the time for every coefficient of the report (without a bootstrap, and with a
200-sample bootstrap), next to the time the krippendorff package needs for alpha alone
on the same data, measured in the same process, and the ratio.

Run: .venv/bin/python benchmarks/bench_agreement.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import krippendorff
import numpy as np

# Run as a script: make the repository's annotator package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from annotator.core.agreement import ReliabilityData, agreement_report

N_UNITS = 100_000
CODERS = ["ana", "ben", "cleo"]
MISSING_SHARE = 0.05
SEED = 20240601
REPEATS = 3

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


def main() -> None:
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
