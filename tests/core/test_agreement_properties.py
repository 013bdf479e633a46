"""Property tests: our alpha equals the krippendorff package's on random data."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.core.agreement import ReliabilityData, agreement_report

# Non-negative, distinct category values so that the ratio metric is meaningful.
SCALE = [0.0, 0.5, 1.0, 2.0, 3.5, 7.0, 10.0]


@st.composite
def reliability_matrices(draw: st.DrawFn) -> np.ndarray:
    """coders x units matrix of category indices into SCALE, -1 for missing."""
    n_coders = draw(st.integers(2, 5))
    n_units = draw(st.integers(1, 25))
    n_values = draw(st.integers(2, len(SCALE)))
    cells = st.one_of(st.just(-1), st.integers(0, n_values - 1))
    flat = draw(st.lists(cells, min_size=n_coders * n_units, max_size=n_coders * n_units))
    return np.array(flat).reshape(n_coders, n_units)


def package_alpha(codes: np.ndarray, level: str) -> float:
    matrix = np.where(codes >= 0, np.array(SCALE)[np.maximum(codes, 0)], np.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return float(krippendorff.alpha(matrix, level_of_measurement=level))
        except ValueError:  # no pairable unit, or a single value in the data
            return float("nan")


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(codes=reliability_matrices())
def test_alpha_equals_the_krippendorff_package(level: str, codes: np.ndarray) -> None:
    categories = {f"c{i}": value for i, value in enumerate(SCALE)}
    values = [[None if c < 0 else f"c{c}" for c in row] for row in codes.tolist()]
    data = ReliabilityData(
        "f",
        [str(j) for j in range(codes.shape[1])],
        [str(i) for i in range(codes.shape[0])],
        values,
        level,
        categories,
    )
    ours = agreement_report(data, bootstrap_samples=0).krippendorff_alpha
    theirs = package_alpha(codes, level)
    if ours.value is None:
        assert ours.reason
        assert not np.isfinite(theirs)
        return
    assume(np.isfinite(theirs))
    assert ours.value == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=60, deadline=None, database=None)
@given(codes=reliability_matrices(), seed=st.integers(0, 2**32 - 1))
def test_bootstrap_interval_is_ordered_and_reproducible(codes: np.ndarray, seed: int) -> None:
    values = [[None if c < 0 else str(c) for c in row] for row in codes.tolist()]
    data = ReliabilityData(
        "f", [str(j) for j in range(codes.shape[1])], [str(i) for i in range(len(codes))], values
    )
    first = agreement_report(data, bootstrap_samples=50, seed=seed)
    second = agreement_report(data, bootstrap_samples=50, seed=seed)
    assert (first.alpha_ci_low, first.alpha_ci_high) == (second.alpha_ci_low, second.alpha_ci_high)
    if first.alpha_ci_low is not None:
        assert first.alpha_ci_low <= first.alpha_ci_high <= 1.0 + 1e-12
