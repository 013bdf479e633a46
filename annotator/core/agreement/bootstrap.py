"""Bootstrap confidence intervals for every agreement coefficient, by resampling units.

One engine (`unit_bootstrap`) draws the resamples and reads off the percentile
interval; each coefficient gives it a vectorised statistic of a resample. A resample
is described by how often each distinct unit ("profile") was drawn, so the cost does
not grow with the number of units. The coefficients' formulas are the ones in
`coefficients` (``kappa_terms``, ``fleiss_terms``, ``ac1_terms``, ``mean_agreement``),
shared with the point estimates; alpha's batched form is `_alphas` below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.core.agreement.coefficients import (
    Coefficient,
    Level,
    ac1_terms,
    chance_corrected,
    fleiss_terms,
    kappa_terms,
    mean_agreement,
    row_sums,
    squared_differences,
)

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_BOOTSTRAP_SEED = 20070101
BOOTSTRAP_METHOD = (
    "unit-resampling percentile bootstrap: the units a coefficient uses are drawn with "
    "replacement (as many as it used) and the coefficient is recomputed in full; the same "
    "seed for every coefficient"
)
# Upper bound on the temporary arrays of one batch of bootstrap samples (elements).
_BATCH_ELEMENTS = 4_000_000
# Up to this many units a resample is drawn unit by unit (see `_draws`).
_FEW_UNITS = 200


@dataclass(frozen=True)
class BootstrapInterval:
    """A percentile interval and how many bootstrap samples gave a defined alpha."""

    low: float | None
    high: float | None
    n_samples: int
    n_defined: int
    seed: int
    confidence: float


Statistic = Callable[[np.ndarray], np.ndarray]
"""Values of a coefficient (NaN where undefined) for a batch of resamples ``(b, profiles)``,
each row the number of times each distinct unit was drawn."""


def unit_bootstrap(
    frequency: np.ndarray,
    statistic: Statistic,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
    confidence: float = 0.95,
    width: int = 1,
) -> BootstrapInterval:
    """Percentile interval of ``statistic`` over ``n_samples`` unit resamples.

    ``frequency[p]`` is how many units have profile ``p`` (units the statistic cannot
    tell apart); a resample is how often each profile is drawn (see `_draws`).
    ``width`` is the size of the statistic's temporary arrays per profile, to keep each
    batch within a fixed amount of memory. The same ``seed`` gives the same interval.
    """
    (interval,) = unit_bootstrap_each(
        frequency,
        lambda draws: statistic(draws)[:, None],
        n_samples=n_samples,
        seed=seed,
        confidence=confidence,
        width=width,
    )
    return interval


def unit_bootstrap_each(
    frequency: np.ndarray,
    statistics: Callable[[np.ndarray], np.ndarray],
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
    confidence: float = 0.95,
    width: int = 1,
    count: int = 1,
) -> list[BootstrapInterval]:
    """`unit_bootstrap` for ``count`` statistics of the same units at once:
    ``statistics(draws)`` gives ``(b, count)`` values, each column read off alone.
    They share the resamples (a pair's kappa and weighted kappas: one set of draws)."""
    if n_samples <= 0:
        return [BootstrapInterval(None, None, 0, 0, seed, confidence)] * count
    rng = np.random.default_rng(seed)
    frequency = np.asarray(frequency, dtype=np.int64)
    n_units = int(frequency.sum())
    if n_units == 0:
        return [BootstrapInterval(None, None, n_samples, 0, seed, confidence)] * count
    draws = _draws(rng, frequency, n_units, n_samples)
    batch = max(1, _BATCH_ELEMENTS // max(1, len(frequency) * width))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.concatenate(
            [statistics(draws[start : start + batch]) for start in range(0, n_samples, batch)]
        )
    tail = (1.0 - confidence) / 2.0
    intervals = []
    for column in values.T:
        defined = column[np.isfinite(column)]
        if len(defined) == 0:
            intervals.append(BootstrapInterval(None, None, n_samples, 0, seed, confidence))
            continue
        low, high = np.quantile(defined, [tail, 1.0 - tail])
        intervals.append(
            BootstrapInterval(float(low), float(high), n_samples, len(defined), seed, confidence)
        )
    return intervals


def _draws(rng: np.random.Generator, frequency: np.ndarray, n_units: int, n_samples: int):
    """How often each profile is picked in each resample, ``(n_samples, profiles)``.

    Few units (an article's sentences) are drawn one by one and counted by profile;
    many are drawn as Multinomial(n_units, profile shares), whose cost grows with the
    number of profiles, not of units. Both are the same distribution.
    """
    if n_units > _FEW_UNITS:
        return rng.multinomial(n_units, frequency / n_units, size=n_samples).astype(np.float64)
    profile_of_unit = np.repeat(np.arange(len(frequency)), frequency)
    picked = profile_of_unit[rng.integers(0, n_units, size=(n_samples, n_units))]
    picked += np.arange(n_samples)[:, None] * len(frequency)
    counts = np.bincount(picked.ravel(), minlength=n_samples * len(frequency))
    return counts.reshape(n_samples, len(frequency)).astype(np.float64)


def with_interval(coefficient: Coefficient, interval: BootstrapInterval) -> Coefficient:
    """The coefficient carrying the interval."""
    return dataclasses.replace(coefficient, ci_low=interval.low, ci_high=interval.high)


def alpha_bootstrap_interval(
    counts: np.ndarray,
    level: Level,
    values: np.ndarray | None = None,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
    confidence: float = 0.95,
    distances: np.ndarray | None = None,
) -> BootstrapInterval:
    """Percentile interval for alpha from ``n_samples`` unit-resampling bootstrap samples.

    ``distances`` replaces the level's difference function by a fixed matrix (the set
    distances of a multiple-choice field, `coefficients.alpha_with_distances`).

    This is not Krippendorff's own algorithm (Hayes & Krippendorff 2007), which keeps
    the expected disagreement fixed and resamples pairs of values; it resamples the
    units that have two or more values (their number stays the same) and recomputes
    alpha in full. Units with the same counts per category are interchangeable for
    alpha: they are the profiles `unit_bootstrap` draws.
    """
    (interval,) = pairable_bootstrap_intervals(
        counts,
        [(level, values, distances)],
        agreement=False,
        n_samples=n_samples,
        seed=seed,
        confidence=confidence,
    )
    return interval


AlphaMetric = tuple[Level, np.ndarray | None, np.ndarray | None]
"""An alpha's level, category values and fixed distances (see `alpha_bootstrap_interval`)."""


def pairable_bootstrap_intervals(
    counts: np.ndarray,
    metrics: Sequence[AlphaMetric],
    *,
    agreement: bool = True,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
    confidence: float = 0.95,
) -> list[BootstrapInterval]:
    """Intervals of alpha under each metric and (with ``agreement``, last) of percent
    agreement: all of them are over the units with two or more values, so they share
    one set of resamples, each statistic evaluated on it. The seed makes the same draws
    as each one drawn alone would, so the intervals are the same as drawn one by one."""
    counts = np.asarray(counts)
    count = len(metrics) + agreement
    pairable = counts[row_sums(counts) >= 2]
    if len(pairable) == 0:
        nothing = unit_bootstrap(np.zeros(0), _nothing, n_samples=n_samples, seed=seed)
        return [nothing] * count
    whole, frequency = _profiles(pairable)
    profiles = whole.astype(np.float64)
    size = profiles.shape[1]
    alphas = [_alpha_statistic(profiles, *metric) for metric in metrics]

    def statistics(draws: np.ndarray) -> np.ndarray:
        values = [alpha(draws) for alpha in alphas]
        if agreement:
            values.append(mean_agreement(whole, draws))
        return np.stack(values, axis=1)

    return unit_bootstrap_each(
        frequency,
        statistics,
        n_samples=n_samples,
        seed=seed,
        confidence=confidence,
        width=size if metrics else 1,
        count=count,
    )


def _alpha_statistic(
    profiles: np.ndarray, level: Level, values: np.ndarray | None, distances: np.ndarray | None
) -> Statistic:
    """Alpha of a resample of `profiles` (units with two or more values, as floats)."""
    size = profiles.shape[1]
    inverse_m = 1.0 / (profiles.sum(axis=1) - 1.0)
    fixed_delta = distances
    if fixed_delta is None and level != "ordinal":
        fixed_delta = squared_differences(level, np.ones(size), values)
    idx = np.arange(size)

    def alphas(draws: np.ndarray) -> np.ndarray:
        scaled = (draws * inverse_m)[:, :, None] * profiles[None, :, :]  # (b, p, categories)
        matrices = np.einsum("bpc,pk->bck", scaled, profiles)
        matrices[:, idx, idx] -= scaled.sum(axis=1)
        return _alphas(matrices, level, values, fixed_delta)

    return alphas


def kappa_bootstrap_interval(
    table: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> BootstrapInterval:
    """Cohen's (weighted) kappa: the units both coders coded are resampled; a unit is
    one cell of their contingency table, so the cells are the profiles."""
    return kappa_bootstrap_intervals(table, [weights], n_samples=n_samples, seed=seed)[0]


def kappa_bootstrap_intervals(
    table: np.ndarray,
    weight_sets: Sequence[np.ndarray | None],
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> list[BootstrapInterval]:
    """`kappa_bootstrap_interval` for each set of weights, from one set of resamples."""
    table = np.asarray(table)
    size = table.shape[0]
    cells = np.flatnonzero(table)

    def kappas(draws: np.ndarray) -> np.ndarray:
        tables = np.zeros((len(draws), size * size))
        tables[:, cells] = draws
        tables = tables.reshape(-1, size, size)
        return np.stack([chance_corrected(*kappa_terms(tables, w)) for w in weight_sets], axis=1)

    return unit_bootstrap_each(
        table.ravel()[cells],
        kappas,
        n_samples=n_samples,
        seed=seed,
        width=size * size * len(weight_sets),
        count=len(weight_sets),
    )


def fleiss_bootstrap_interval(
    counts: np.ndarray,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> BootstrapInterval:
    """Fleiss' kappa: the units rated by every coder (rows of ``counts``) are resampled."""
    return _count_bootstrap(counts, 1, fleiss_terms, n_samples, seed)


def ac1_bootstrap_interval(
    counts: np.ndarray,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> BootstrapInterval:
    """Gwet's AC1: every unit with a value is resampled (all of them enter its chance term)."""
    return _count_bootstrap(counts, 1, ac1_terms, n_samples, seed)


def agreement_bootstrap_interval(
    counts: np.ndarray,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> BootstrapInterval:
    """Percent agreement: the units with two or more values are resampled."""
    return _count_bootstrap(counts, 2, lambda p, w: (mean_agreement(p, w), 0.0), n_samples, seed)


def _count_bootstrap(
    counts: np.ndarray,
    min_values: int,
    terms: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray | float]],
    n_samples: int,
    seed: int,
) -> BootstrapInterval:
    """A coefficient of a units x categories count table over units with ``min_values``."""
    counts = np.asarray(counts)
    used = counts[row_sums(counts) >= min_values]
    if len(used) == 0:
        return unit_bootstrap(np.zeros(0), _nothing, n_samples=n_samples, seed=seed)
    profiles, frequency = _profiles(used)

    def statistic(draws: np.ndarray) -> np.ndarray:
        observed, expected = terms(profiles, draws)
        return chance_corrected(observed, np.broadcast_to(expected, np.shape(observed)))

    return unit_bootstrap(
        frequency, statistic, n_samples=n_samples, seed=seed, width=profiles.shape[1]
    )


def _nothing(draws: np.ndarray) -> np.ndarray:
    return np.full(len(draws), np.nan)


def _profiles(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a count table and how often each occurs."""
    base = int(counts.max()) + 1
    if counts.shape[1] * np.log2(base) < 62:
        # Read each row as a number in base `base`: sorting integers is much faster
        # than np.unique(axis=0) on rows.
        keys = counts.astype(np.int64) @ (base ** np.arange(counts.shape[1], dtype=np.int64))
        _, first, frequency = np.unique(keys, return_index=True, return_counts=True)
        return counts[first], frequency
    return np.unique(counts, axis=0, return_counts=True)


def _alphas(
    matrices: np.ndarray, level: Level, values: np.ndarray | None, fixed_delta: np.ndarray | None
) -> np.ndarray:
    """alpha for a batch of coincidence matrices; NaN where alpha is undefined."""
    n_c = matrices.sum(axis=2)
    n = n_c.sum(axis=1)
    delta = squared_differences(level, n_c, values) if fixed_delta is None else fixed_delta
    observed = (matrices * delta).sum(axis=(1, 2))
    expected = (n_c[:, :, None] * n_c[:, None, :] * delta).sum(axis=(1, 2)) / (n - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 1.0 - observed / expected
    result[~(expected > 1e-12 * np.maximum(n, 1.0))] = np.nan
    return result
