"""A bootstrap confidence interval for Krippendorff's alpha by resampling units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.core.agreement.coefficients import Level, row_sums, squared_differences

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_BOOTSTRAP_SEED = 20070101
BOOTSTRAP_METHOD = (
    "unit-resampling percentile bootstrap: units with two or more values are drawn "
    "with replacement and alpha is recomputed (observed and expected disagreement)"
)

# Upper bound on the temporary arrays of one batch of bootstrap samples (elements).
_BATCH_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class BootstrapInterval:
    """A percentile interval and how many bootstrap samples gave a defined alpha."""

    low: float | None
    high: float | None
    n_samples: int
    n_defined: int
    seed: int
    confidence: float


def alpha_bootstrap_interval(
    counts: np.ndarray,
    level: Level,
    values: np.ndarray | None = None,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
    confidence: float = 0.95,
) -> BootstrapInterval:
    """Percentile interval for alpha from ``n_samples`` unit-resampling bootstrap samples.

    This is not Krippendorff's own algorithm (Hayes & Krippendorff 2007), which keeps
    the expected disagreement fixed and resamples pairs of values; it resamples the
    units that have two or more values (their number stays the same) and recomputes
    alpha in full. The same ``seed`` gives the same interval.

    Units with the same counts per category are interchangeable for alpha, so instead
    of drawing units one by one we draw how often each distinct count profile is
    picked, Multinomial(n_units, profile shares): the same distribution, at a cost
    that does not grow with the number of units.
    """
    if n_samples <= 0:
        return BootstrapInterval(None, None, 0, 0, seed, confidence)
    rng = np.random.default_rng(seed)
    counts = np.asarray(counts)
    pairable = counts[row_sums(counts) >= 2].astype(np.float64)
    if len(pairable) == 0:
        return BootstrapInterval(None, None, max(n_samples, 0), 0, seed, confidence)
    profiles, frequency = _profiles(pairable)
    n_units = len(pairable)
    size = profiles.shape[1]
    inverse_m = 1.0 / (profiles.sum(axis=1) - 1.0)
    fixed_delta = None if level == "ordinal" else squared_differences(level, np.ones(size), values)

    draws = rng.multinomial(n_units, frequency / n_units, size=n_samples).astype(np.float64)
    batch = max(1, _BATCH_ELEMENTS // max(1, len(profiles) * size))
    alphas = np.empty(n_samples)
    for start in range(0, n_samples, batch):
        weights = draws[start : start + batch] * inverse_m  # (b, profiles)
        scaled = weights[:, :, None] * profiles[None, :, :]  # (b, profiles, categories)
        matrices = np.einsum("bpc,pk->bck", scaled, profiles)
        diagonal = scaled.sum(axis=1)
        idx = np.arange(size)
        matrices[:, idx, idx] -= diagonal
        alphas[start : start + batch] = _alphas(matrices, level, values, fixed_delta)

    defined = alphas[np.isfinite(alphas)]
    if len(defined) == 0:
        return BootstrapInterval(None, None, n_samples, 0, seed, confidence)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(defined, [tail, 1.0 - tail])
    return BootstrapInterval(float(low), float(high), n_samples, len(defined), seed, confidence)


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
