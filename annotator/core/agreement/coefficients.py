"""Agreement coefficients as pure functions of integer-coded rating matrices.

Every function here takes plain numpy arrays and returns a `Coefficient`. The
rating matrix is ``codes[coder, unit]``: an integer category index, or ``-1`` for
a missing value. Categories are the columns of the per-unit count matrix
(`value_counts`). A coefficient that cannot be computed (nothing to compare, or
no variation so chance agreement is total) comes back with ``value=None`` and a
reason, never as 0, NaN or an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
MISSING = -1

# A chance agreement this close to 1 (or an expected disagreement this close to 0)
# means there was no variation to measure agreement against.
_EPSILON = 1e-12
# Category values at least this large are rescaled before squaring (see
# `scaled_for_arithmetic`): their squared differences could overflow.
_LARGE_VALUE = 1e100


@dataclass(frozen=True)
class Coefficient:
    """One agreement statistic with the counts it rests on.

    ``value`` is None when the statistic is undefined; ``reason`` then says why.
    The counts describe what the statistic used: ``n_units`` the units that entered
    it (for pairwise statistics, units with two or more values), ``n_pairable_values``
    the values in those units. ``note`` records anything else the reader should know
    about how it was computed (e.g. units or values left out). ``ci_low``/``ci_high``
    are its bootstrap 95% interval once one has been drawn (`bootstrap.with_interval`).
    """

    value: float | None
    reason: str | None
    n_units: int
    n_coders: int
    n_pairable_values: int
    note: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    def __post_init__(self) -> None:
        # Never NaN or infinity: JSON cannot hold them and "nan < .667" reads as a verdict.
        if self.value is not None and not np.isfinite(self.value):
            object.__setattr__(self, "value", None)
            object.__setattr__(self, "reason", NOT_FINITE)

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "undefined_reason": self.reason,
            "n_units": self.n_units,
            "n_coders": self.n_coders,
            "n_pairable_values": self.n_pairable_values,
            "note": self.note,
            "ci95_low": self.ci_low,
            "ci95_high": self.ci_high,
        }


def _defined(
    value: float, n_units: int, n_coders: int, n_pairable: int, note: str | None = None
) -> Coefficient:
    return Coefficient(float(value), None, int(n_units), int(n_coders), int(n_pairable), note)


def _undefined(
    reason: str, n_units: int, n_coders: int, n_pairable: int, note: str | None = None
) -> Coefficient:
    return Coefficient(None, reason, int(n_units), int(n_coders), int(n_pairable), note)


NOT_FINITE = "not a finite number in floating point (the category values are too large)"
NO_PAIRABLE_UNITS = "no unit has values from two or more coders, so there is nothing to compare"
TOO_FEW_CODERS = "needs at least two coders"


def scaled_for_arithmetic(values: np.ndarray) -> np.ndarray:
    """Category values divided by a power of two when they are large enough to overflow.

    Squared differences of values near 1e200 overflow to infinity and turn alpha into
    NaN. Every metric here depends on the values only through ratios of differences,
    and dividing by a power of two is exact in floating point, so the result is the
    same to the last bit; values of ordinary size are returned untouched.
    """
    x = np.asarray(values, dtype=np.float64)
    largest = float(np.abs(x).max()) if x.size else 0.0
    if largest >= _LARGE_VALUE:
        return np.ldexp(x, -int(np.frexp(largest)[1]))
    return x


def value_counts(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Count, for each unit, how many coders gave each category: shape (units, categories)."""
    codes = np.asarray(codes)
    n_units = codes.shape[1]
    present = codes >= 0
    unit_index = np.broadcast_to(np.arange(n_units), codes.shape)[present]
    flat = unit_index * n_categories + codes[present]
    counts = np.bincount(flat, minlength=n_units * n_categories)
    return counts.reshape(n_units, n_categories)


def percent_agreement(counts: np.ndarray, n_coders: int) -> Coefficient:
    """Pairwise percent agreement: the share of agreeing coder pairs within a unit,
    averaged over units with at least two values (Gwet 2014, Handbook, eq. for p_a).
    """
    counts = _count_table(counts)
    m = row_sums(counts)
    pairable = m >= 2
    n_units, n_pairable = int(pairable.sum()), int(m[pairable].sum())
    if n_coders < 2:
        return _undefined(TOO_FEW_CODERS, n_units, n_coders, n_pairable)
    if n_units == 0:
        return _undefined(NO_PAIRABLE_UNITS, 0, n_coders, 0)
    return _defined(_unit_agreement(counts[pairable]).mean(), n_units, n_coders, n_pairable)


def mean_agreement(profiles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Percent agreement of weighted units: ``weights[..., p]`` copies of unit ``profiles[p]``.

    The form the bootstrap uses (a resample is a count of copies of each distinct unit);
    every profile must have two or more values.
    """
    return (weights @ _unit_agreement(profiles)) / weights.sum(axis=-1)


def chance_corrected(observed: np.ndarray | float, expected: np.ndarray | float) -> np.ndarray:
    """``(p_o - p_e) / (1 - p_e)``, NaN where chance agreement is total."""
    if np.ndim(observed) == 0 and np.ndim(expected) == 0:  # one value: without array calls
        p_o, p_e = float(observed), float(expected)
        room = 1.0 - p_e
        return np.asarray((p_o - p_e) / room if room > _EPSILON else np.nan)
    o, e = np.asarray(observed, dtype=np.float64), np.asarray(expected, np.float64)
    room_ = 1.0 - e
    defined = room_ > _EPSILON
    return np.where(defined, (o - e) / np.where(defined, room_, 1.0), np.nan)


def row_sums(counts: np.ndarray) -> np.ndarray:
    """Each unit's number of values in a units x categories count table.

    An integer table is summed by a matrix product: exact for integers in any order, and
    several times faster than ``sum(axis=1)`` over a handful of columns; a float table
    is summed as it always was.
    """
    if np.issubdtype(counts.dtype, np.integer):
        return counts @ np.ones(counts.shape[1], dtype=counts.dtype)
    return counts.sum(axis=1)


def _count_table(counts: np.ndarray) -> np.ndarray:
    """Counts as they come when they are integers (sums of integers are exact whatever
    their order, and faster than in floating point), else as floats."""
    counts = np.asarray(counts)
    return counts if np.issubdtype(counts.dtype, np.integer) else counts.astype(np.float64)


def _unit_agreement(counts: np.ndarray) -> np.ndarray:
    """Share of agreeing ordered pairs in each unit (all units must have >= 2 values).

    Integer counts are summed as integers (see `_count_table`); the quotient is the
    same float either way.
    """
    m = row_sums(counts)
    return row_sums(counts * (counts - 1)) / (m * (m - 1))


# --- Cohen's kappa -------------------------------------------------------------------------


def agreement_weights(
    positions: np.ndarray, kind: Literal["identity", "linear", "quadratic"]
) -> np.ndarray | None:
    """Agreement weights for weighted kappa (1 on the diagonal, 0 for the farthest pair).

    Linear: ``1 - |x_i - x_j| / span``; quadratic: ``1 - (x_i - x_j)**2 / span**2``
    (Cohen 1968; Fleiss & Cohen 1973). Returns None if the scale has no span.
    """
    x = scaled_for_arithmetic(positions)
    if kind == "identity":
        return np.eye(len(x))
    span = float(x.max() - x.min()) if len(x) else 0.0
    if span <= 0:
        return None
    distance = np.abs(x[:, None] - x[None, :]) / span
    return 1.0 - (distance if kind == "linear" else distance**2)


def cohen_kappa_from_table(table: np.ndarray, weights: np.ndarray | None = None) -> Coefficient:
    """Cohen's kappa from a square table (rows: coder A's category, columns: coder B's).

    With ``weights`` (agreement weights, see `agreement_weights`) this is Cohen's (1968)
    weighted kappa; without, the unweighted kappa of Cohen (1960).
    """
    table = np.asarray(table, dtype=np.float64)
    n_units = round(float(table.sum()))
    if n_units == 0:
        return _undefined("the two coders have no unit coded by both", 0, 2, 0)
    observed, expected = kappa_terms(table, weights)
    if 1.0 - expected <= _EPSILON:
        return _undefined(
            "chance agreement is total: both coders used one and the same category throughout",
            n_units,
            2,
            2 * n_units,
        )
    return _defined(float(chance_corrected(observed, expected)), n_units, 2, 2 * n_units)


def kappa_terms(
    tables: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Observed and chance agreement (p_o, p_e) of Cohen's kappa for tables ``(..., k, k)``.

    Leading dimensions are a batch (the bootstrap's resampled tables); every table
    must hold at least one unit.
    """
    tables = np.asarray(tables, dtype=np.float64)
    size = tables.shape[-1]
    w = np.eye(size) if weights is None else np.asarray(weights, dtype=np.float64)
    flat = tables.reshape(*tables.shape[:-2], size * size)
    n = flat.sum(axis=-1)
    observed = (flat @ w.ravel()) / n
    rows, cols = tables.sum(axis=-1), tables.sum(axis=-2)
    expected = ((rows @ w) * cols).sum(axis=-1) / (n * n)
    return observed, expected


def contingency_table(codes_a: np.ndarray, codes_b: np.ndarray, n_categories: int) -> np.ndarray:
    """Square table of how often coder A gave category i while coder B gave j."""
    both = (codes_a >= 0) & (codes_b >= 0)
    flat = codes_a[both] * n_categories + codes_b[both]
    counts = np.bincount(flat, minlength=n_categories * n_categories)
    return counts.reshape(n_categories, n_categories)


def cohen_kappa(
    codes_a: np.ndarray,
    codes_b: np.ndarray,
    n_categories: int,
    weights: np.ndarray | None = None,
) -> Coefficient:
    """Cohen's kappa for two coders over the units both coded (see `cohen_kappa_from_table`)."""
    table = contingency_table(np.asarray(codes_a), np.asarray(codes_b), n_categories)
    return cohen_kappa_from_table(table, weights)


# --- Fleiss' kappa -------------------------------------------------------------------------


def fleiss_kappa_from_counts(counts: np.ndarray, note: str | None = None) -> Coefficient:
    """Fleiss' (1971) kappa from a units x categories table with equal row sums."""
    counts = _count_table(counts)
    n_units = len(counts)
    if n_units == 0:
        return _undefined("no unit was rated by every chosen coder", 0, 0, 0, note)
    m = row_sums(counts)
    raters = int(m[0])
    if not np.all(m == raters):
        raise ValueError("Fleiss' kappa needs the same number of ratings for every unit")
    if raters < 2:
        return _undefined(TOO_FEW_CODERS, n_units, raters, n_units * raters, note)
    observed, expected = fleiss_terms(counts, np.ones(n_units))
    if 1.0 - expected <= _EPSILON:
        return _undefined(
            "chance agreement is total: every rating is in one and the same category",
            n_units,
            raters,
            n_units * raters,
            note,
        )
    kappa = float(chance_corrected(observed, expected))
    return _defined(kappa, n_units, raters, n_units * raters, note)


def fleiss_terms(profiles: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fleiss' observed and chance agreement for ``weights[..., p]`` copies of each unit
    ``profiles[p]`` (rows of equal sums, two or more)."""
    profiles = np.asarray(profiles)
    raters = float(row_sums(profiles[:1])[0])
    total = weights.sum(axis=-1)
    observed = (weights @ _unit_agreement(profiles)) / total
    shares = (weights @ profiles) / (total[..., None] * raters)
    return observed, (shares**2).sum(axis=-1)


def fleiss_kappa(codes: np.ndarray, n_categories: int) -> Coefficient:
    """Fleiss' kappa over the units that every coder in ``codes`` rated.

    Fleiss' kappa assumes the same number of ratings per unit, so units missing a
    rating from any coder are left out; the note says how many.
    """
    codes = np.asarray(codes)
    n_coders = codes.shape[0]
    if n_coders < 2:
        return _undefined(TOO_FEW_CODERS, 0, n_coders, 0)
    present = codes >= 0
    complete = present.all(axis=0)
    left_out = int((present.any(axis=0) & ~complete).sum())
    note = (
        f"{left_out} unit(s) without a value from each of the {n_coders} coders left out"
        if left_out
        else None
    )
    counts = value_counts(codes[:, complete], n_categories)
    if len(counts) == 0:
        return _undefined(
            f"no unit has a value from each of the {n_coders} coders", 0, n_coders, 0, note
        )
    return fleiss_kappa_from_counts(counts, note)


# --- Krippendorff's alpha ------------------------------------------------------------------
# We compute alpha from the coincidence matrix ourselves rather than calling
# krippendorff.alpha: the report needs the matrix and the pairable-value counts anyway,
# the bootstrap re-weights the same per-unit coincidences thousands of times, and an
# undefined alpha must come back as a reason, not as NaN or a ValueError. A hypothesis
# test checks that the value equals krippendorff.alpha on random data at every level.


def coincidences(counts: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix o_ck from a units x categories count table."""
    counts = np.asarray(counts)
    m = row_sums(counts).astype(np.float64)
    pairable = m >= 2
    c = counts[pairable].astype(np.float64)
    weighted = c / (m[pairable] - 1)[:, None]
    return weighted.T @ c - np.diag(weighted.sum(axis=0))


def squared_differences(
    level: Level, marginals: np.ndarray, values: np.ndarray | None = None
) -> np.ndarray:
    """Krippendorff's difference function delta^2_ck for each pair of categories.

    ``marginals`` are the coincidence-matrix marginals n_c. The ordinal metric uses
    only the order of the categories (ranks through n_c); interval and ratio use the
    numeric ``values``. ``marginals`` may carry leading batch dimensions (bootstrap).
    """
    n_c = np.asarray(marginals, dtype=np.float64)
    size = n_c.shape[-1]
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "ordinal":
        index = np.arange(size)
        low = np.minimum(index[:, None], index[None, :])
        high = np.maximum(index[:, None], index[None, :])
        cumulative = np.cumsum(n_c, axis=-1)
        between = cumulative[..., high] - cumulative[..., low] + n_c[..., low]
        return (between - (n_c[..., low] + n_c[..., high]) / 2.0) ** 2
    if values is None:
        raise ValueError(f"{level} differences need numeric category values")
    x = scaled_for_arithmetic(values)
    difference = x[:, None] - x[None, :]
    if level == "interval":
        return difference**2
    total = x[:, None] + x[None, :]
    ratio = np.divide(difference, total, out=np.zeros_like(difference), where=total != 0)
    return ratio**2


def alpha_from_coincidences(
    matrix: np.ndarray,
    level: Level,
    values: np.ndarray | None = None,
    *,
    n_units: int,
    n_coders: int,
    note: str | None = None,
) -> Coefficient:
    """alpha = 1 - D_o / D_e from a coincidence matrix (Krippendorff 2011, eqs. for each metric)."""
    n_c = matrix.sum(axis=1)
    n = float(n_c.sum())
    n_pairable = round(n)
    if n_pairable == 0:
        return _undefined(NO_PAIRABLE_UNITS, 0, n_coders, 0, note)
    return _alpha_of(matrix, squared_differences(level, n_c, values), n_units, n_coders, note)


def alpha_with_distances(
    counts: np.ndarray, n_coders: int, distances: np.ndarray, note: str | None = None
) -> Coefficient:
    """Krippendorff's alpha with a difference function given as a matrix: ``distances[c, k]``
    between categories c and k (0 on the diagonal), e.g. the MASI or Jaccard distance
    between two sets of codes (Passonneau 2006; see `set_distances`).

    The alpha of `alpha_from_counts`, only with the metric given rather than one of the
    four levels: the coincidence matrix is the same, and so is alpha = 1 - D_o / D_e
    (Krippendorff 2011, section A: alpha for any difference function). The krippendorff
    package takes a distance too (a callable ``level_of_measurement``), and the tests
    check that it finds the same value; it is computed here for the reasons given above
    `coincidences` (an undefined alpha as a reason, the bootstrap's reuse of the matrix).
    """
    n_units = int((row_sums(np.asarray(counts)) >= 2).sum())
    if n_coders < 2:
        return _undefined(TOO_FEW_CODERS, n_units, n_coders, 0, note)
    matrix = coincidences(counts)
    if round(float(matrix.sum())) == 0:
        return _undefined(NO_PAIRABLE_UNITS, 0, n_coders, 0, note)
    return _alpha_of(matrix, np.asarray(distances, dtype=np.float64), n_units, n_coders, note)


def _alpha_of(
    matrix: np.ndarray, delta: np.ndarray, n_units: int, n_coders: int, note: str | None
) -> Coefficient:
    """1 - D_o / D_e of a coincidence matrix under the difference function ``delta``."""
    n_c = matrix.sum(axis=1)
    n = float(n_c.sum())
    n_pairable = round(n)
    observed = (matrix * delta).sum()
    expected = (np.outer(n_c, n_c) * delta).sum() / (n - 1.0)
    if expected <= _EPSILON * max(n, 1.0):
        return _undefined(
            "no variation: every pairable value is the same, so expected disagreement is 0",
            n_units,
            n_coders,
            n_pairable,
            note,
        )
    return _defined(1.0 - observed / expected, n_units, n_coders, n_pairable, note)


def krippendorff_alpha(
    codes: np.ndarray,
    n_categories: int,
    level: Level = "nominal",
    values: np.ndarray | None = None,
    note: str | None = None,
) -> Coefficient:
    """Krippendorff's alpha using every pairable value (units with >= 2 values).

    Categories must be indexed in scale order for the ordinal level; ``values`` gives
    each category's number for interval and ratio.
    """
    codes = np.asarray(codes)
    counts = value_counts(codes, n_categories)
    return alpha_from_counts(counts, codes.shape[0], level, values, note)


def alpha_from_counts(
    counts: np.ndarray,
    n_coders: int,
    level: Level = "nominal",
    values: np.ndarray | None = None,
    note: str | None = None,
    matrix: np.ndarray | None = None,
) -> Coefficient:
    """`krippendorff_alpha` from the units x categories count table (`value_counts`);
    ``matrix`` is its coincidence matrix when the caller already has it."""
    n_units = int((row_sums(np.asarray(counts)) >= 2).sum())
    if n_coders < 2:
        return _undefined(TOO_FEW_CODERS, n_units, n_coders, 0, note)
    return alpha_from_coincidences(
        coincidences(counts) if matrix is None else matrix,
        level,
        values,
        n_units=n_units,
        n_coders=n_coders,
        note=note,
    )


# --- Gwet's AC1 ----------------------------------------------------------------------------


def gwet_ac1(counts: np.ndarray, n_coders: int, observed: float | None = None) -> Coefficient:
    """Gwet's AC1 for any number of coders with missing values (Gwet 2008; Gwet 2014, ch. 2).

    p_a averages the pairwise agreement over units with >= 2 values; the chance term
    uses pi_k, the share of category k averaged over every unit with >= 1 value, and
    p_e = sum_k pi_k (1 - pi_k) / (q - 1), where q is the number of categories in
    ``counts`` (all categories of the scale, used or not). ``observed`` is p_a when the
    caller has it already: the value of `percent_agreement` on the same counts.
    """
    counts = _count_table(counts)
    q = counts.shape[1]
    m = row_sums(counts)
    pairable = m >= 2
    n_units, n_pairable = int(pairable.sum()), int(m[pairable].sum())
    if n_coders < 2:
        return _undefined(TOO_FEW_CODERS, n_units, n_coders, n_pairable)
    if n_units == 0:
        return _undefined(NO_PAIRABLE_UNITS, 0, n_coders, 0)
    if q < 2:
        return _undefined(
            "only one category exists, so chance agreement is total", n_units, n_coders, n_pairable
        )
    rated = counts[m >= 1]
    terms = ac1_terms(rated, np.ones(len(rated)))
    value = float(chance_corrected(terms[0] if observed is None else observed, terms[1]))
    return _defined(value, n_units, n_coders, n_pairable)


def ac1_terms(profiles: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AC1's p_a and p_e for ``weights[..., p]`` copies of each unit ``profiles[p]``.

    Profiles have one value or more; p_a averages over those with two or more (NaN
    where a batch has none), pi_k over all of them (Gwet 2014, ch. 2).
    """
    m = row_sums(profiles).astype(np.float64)
    pairable = m >= 2
    paired = weights[..., pairable]
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (paired @ _unit_agreement(profiles[pairable])) / paired.sum(axis=-1)
    shares = (weights @ (profiles / m[:, None])) / weights.sum(axis=-1)[..., None]
    expected = (shares * (1.0 - shares)).sum(axis=-1) / (profiles.shape[1] - 1)
    return observed, expected
