"""Bootstrap intervals for every coefficient, not only alpha (issue 17).

Each coefficient's interval comes from the one unit-resampling engine
(`bootstrap.unit_bootstrap`). These tests check what a reader relies on: the interval
holds the estimate, the same seed gives the same interval, more units give a narrower
one, and the figures agree with computations made independently here: resampling
units one by one with numpy and recomputing the coefficient, and the analytic
large-sample standard error of Cohen's kappa (Fleiss, Cohen & Everitt 1969).
"""

from __future__ import annotations

import numpy as np
import pytest

from annotator.core.agreement import ReliabilityData, agreement_report
from annotator.core.agreement.bootstrap import (
    ac1_bootstrap_interval,
    fleiss_bootstrap_interval,
    kappa_bootstrap_interval,
    unit_bootstrap,
)
from annotator.core.agreement.coefficients import (
    cohen_kappa,
    cohen_kappa_from_table,
    fleiss_kappa,
    gwet_ac1,
    value_counts,
)
from annotator.core.agreement.verdicts import landis_koch_band, verdict, verdict_tone

CODERS = ["ana", "ben", "cleo"]


def sample(n_units: int, seed: int = 5, level: str = "ordinal") -> ReliabilityData:
    """Three coders who mostly agree on a 1-5 scale, with 5% missing values."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units)
    noisy = np.clip(truth[None, :] + rng.choice([-1, 0, 0, 0, 1], (3, n_units)), 1, 5)
    values = [[None if rng.random() < 0.05 else str(v) for v in row] for row in noisy.tolist()]
    return ReliabilityData("f", [f"u{j}" for j in range(n_units)], CODERS, values, level)


def every_coefficient(report) -> dict[str, object]:
    shown = {
        "percent_agreement": report.percent_agreement,
        "fleiss_kappa": report.fleiss_kappa,
        "krippendorff_alpha": report.krippendorff_alpha,
        "krippendorff_alpha_nominal": report.nominal_alpha,
        "gwet_ac1": report.gwet_ac1,
    }
    for pair in report.cohen_kappa:
        names = f"{pair.coder_a}×{pair.coder_b}"
        shown[f"cohen_kappa {names}"] = pair.kappa
        shown[f"quadratic {names}"] = pair.weighted_kappa
        shown[f"linear {names}"] = pair.weighted_kappa_linear
    return shown


def test_every_coefficient_has_an_interval_around_its_value() -> None:
    report = agreement_report(sample(300), bootstrap_samples=400)
    shown = every_coefficient(report)
    assert len(shown) == 5 + 3 * 3
    for name, coefficient in shown.items():
        assert coefficient.ci_low is not None, name
        assert coefficient.ci_low < coefficient.value < coefficient.ci_high, name
        assert coefficient.ci_high - coefficient.ci_low < 0.3, name
    as_json = report.to_dict()
    assert as_json["fleiss_kappa"]["ci95_low"] == report.fleiss_kappa.ci_low
    assert as_json["cohen_kappa"][0]["weighted_kappa_linear"]["ci95_high"] == (
        report.cohen_kappa[0].weighted_kappa_linear.ci_high
    )


def test_intervals_are_reproducible_with_the_seed_and_change_with_another() -> None:
    data = sample(200)
    once = every_coefficient(agreement_report(data, bootstrap_samples=300, seed=3))
    again = every_coefficient(agreement_report(data, bootstrap_samples=300, seed=3))
    other = every_coefficient(agreement_report(data, bootstrap_samples=300, seed=4))
    for name in once:
        interval = (once[name].ci_low, once[name].ci_high)
        assert interval == (again[name].ci_low, again[name].ci_high), name
        assert interval != (other[name].ci_low, other[name].ci_high), name


def test_intervals_narrow_with_more_units() -> None:
    """Sixteen times the units: about a quarter of the width (1/sqrt(n)); at most 0.4."""
    small = every_coefficient(agreement_report(sample(150, seed=8), bootstrap_samples=400))
    large = every_coefficient(agreement_report(sample(2400, seed=8), bootstrap_samples=400))
    for name in small:
        ratio = (large[name].ci_high - large[name].ci_low) / (
            small[name].ci_high - small[name].ci_low
        )
        assert 0.1 < ratio < 0.4, (name, ratio)


def test_no_interval_without_samples_or_for_an_undefined_coefficient() -> None:
    report = agreement_report(sample(50), bootstrap_samples=0)
    assert all(c.ci_low is None and c.ci_high is None for c in every_coefficient(report).values())
    same = ReliabilityData("f", ["u1", "u2"], ["a", "b"], [["x", "x"], ["x", "x"]])
    kappa = agreement_report(same, bootstrap_samples=100).cohen_kappa[0].kappa
    assert kappa.value is None and kappa.ci_low is None


def naive_interval(codes: np.ndarray, coefficient, units: np.ndarray, seed: int) -> tuple:
    """Resample the given units one by one (numpy's choice) and recompute in full."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(2000):
        drawn = rng.choice(units, size=len(units), replace=True)
        value = coefficient(codes[:, drawn])
        if value is not None:
            values.append(value)
    return tuple(np.quantile(values, [0.025, 0.975]))


def test_intervals_match_resampling_units_one_by_one() -> None:
    """The engine draws how often each distinct unit is picked; drawing the units
    themselves must give the same interval, up to Monte Carlo error."""
    data = sample(160, seed=2, level="nominal")
    codes, k = data.coded.codes, data.coded.n_categories
    counts = value_counts(codes, k)
    present = codes >= 0

    both = np.flatnonzero(present[0] & present[1])
    kappa = naive_interval(codes, lambda c: cohen_kappa(c[0], c[1], k).value, both, 21)
    table = np.zeros((k, k), dtype=np.int64)
    np.add.at(table, (codes[0, both], codes[1, both]), 1)
    fast = kappa_bootstrap_interval(table, n_samples=2000, seed=22)
    assert (fast.low, fast.high) == pytest.approx(kappa, abs=0.02)

    complete = np.flatnonzero(present.all(axis=0))
    fleiss = naive_interval(codes, lambda c: fleiss_kappa(c, k).value, complete, 23)
    fast = fleiss_bootstrap_interval(counts[complete], n_samples=2000, seed=24)
    assert (fast.low, fast.high) == pytest.approx(fleiss, abs=0.02)

    rated = np.flatnonzero(present.any(axis=0))
    ac1 = naive_interval(codes, lambda c: gwet_ac1(value_counts(c, k), 3).value, rated, 25)
    fast = ac1_bootstrap_interval(counts, n_samples=2000, seed=26)
    assert (fast.low, fast.high) == pytest.approx(ac1, abs=0.02)


def fleiss_cohen_everitt_se(table: np.ndarray) -> float:
    """The large-sample standard error of Cohen's kappa (not under the null), Fleiss,
    Cohen & Everitt (1969), Psychological Bulletin 72, 323-327, eq. 13; also Fleiss,
    Levin & Paik (2003), Statistical Methods for Rates and Proportions, 3rd ed., eq. 18.13.
    Written out here from the formula, independently of the bootstrap."""
    n = table.sum()
    p = table / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    p_o, p_e = np.trace(p), rows @ cols
    diagonal = sum(
        p[i, i] * ((1 - p_e) - (cols[i] + rows[i]) * (1 - p_o)) ** 2 for i in range(len(p))
    )
    off = sum(
        p[i, j] * (cols[i] + rows[j]) ** 2 for i in range(len(p)) for j in range(len(p)) if i != j
    )
    variance = (diagonal + (1 - p_o) ** 2 * off - (p_o * p_e - 2 * p_e + p_o) ** 2) / (
        n * (1 - p_e) ** 4
    )
    return float(np.sqrt(variance))


@pytest.mark.parametrize(
    "table",
    [
        # three diagnoses of 100 patients by two raters (p_o = .89, p_e = .66, kappa = .676)
        np.array([[75, 1, 4], [5, 4, 1], [0, 0, 10]]),
        # a 2 x 2 table of 400 units (p_o = .85, kappa = .70)
        np.array([[170, 30], [30, 170]]),
    ],
)
def test_kappa_interval_matches_the_analytic_standard_error(table: np.ndarray) -> None:
    """The bootstrap's standard error is within 15% of the asymptotic one."""
    kappa = cohen_kappa_from_table(table).value
    se = fleiss_cohen_everitt_se(table)
    interval = kappa_bootstrap_interval(table, n_samples=4000, seed=9)
    bootstrap_se = (interval.high - interval.low) / (2 * 1.959964)
    assert bootstrap_se == pytest.approx(se, rel=0.15)
    assert interval.low < kappa < interval.high


def test_first_example_is_the_kappa_it_says() -> None:
    assert cohen_kappa_from_table(np.array([[75, 1, 4], [5, 4, 1], [0, 0, 10]])).value == (
        pytest.approx((0.89 - 0.66) / 0.34, abs=1e-12)
    )


def test_engine_resamples_few_units_one_by_one() -> None:
    """The engine alone, recomputed here with the same seed strategy: up to 200 units
    are drawn by index (numpy's integers) and counted per distinct unit."""
    values = np.arange(10.0)
    interval = unit_bootstrap(np.ones(10), lambda w: (w @ values) / w.sum(axis=1), seed=1)
    drawn = np.random.default_rng(1).integers(0, 10, size=(1000, 10))
    expected = np.quantile(values[drawn].mean(axis=1), [0.025, 0.975])
    assert (interval.low, interval.high) == tuple(expected)
    assert interval.n_defined == 1000


def test_engine_draws_many_units_as_profile_counts() -> None:
    """Above 200 units a resample is Multinomial(n, profile shares), as alpha's always was."""
    values = np.arange(5.0)
    frequency = np.array([100, 50, 50, 25, 25])
    interval = unit_bootstrap(frequency, lambda w: (w @ values) / w.sum(axis=1), seed=2)
    draws = np.random.default_rng(2).multinomial(250, frequency / 250, size=1000)
    expected = np.quantile((draws @ values) / 250, [0.025, 0.975])
    assert (interval.low, interval.high) == tuple(expected)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.1, "poor"),
        (0.0, "slight"),
        (0.2, "slight"),
        (0.21, "fair"),
        (0.4, "fair"),
        (0.5, "moderate"),
        (0.6, "moderate"),
        (0.61, "substantial"),
        (0.8, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(value: float, band: str) -> None:
    """Landis & Koch (1977), Biometrics 33, p. 165: <0 poor, .00-.20 slight, .21-.40 fair,
    .41-.60 moderate, .61-.80 substantial, .81-1.00 almost perfect."""
    assert landis_koch_band(value) == band


def test_verdicts_by_coefficient() -> None:
    assert verdict("krippendorff_alpha", 0.7) == "tentative"
    assert verdict("krippendorff_alpha_nominal", 0.9) == "reliable"
    assert verdict("cohen_kappa", 0.7) == "substantial"
    assert verdict("gwet_ac1", 0.9) == "almost perfect"
    assert verdict("percent_agreement", 0.9) is None  # not corrected for chance
    assert verdict("fleiss_kappa", None) is None
    assert [verdict_tone(v) for v in ("almost perfect", "substantial", "moderate", "poor")] == [
        "reliable",
        "tentative",
        "unreliable",
        "unreliable",
    ]
