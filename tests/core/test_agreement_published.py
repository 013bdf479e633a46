"""Each coefficient against a published worked example; the source is in each docstring.

Where the source prints three decimals we compare with ``abs=5e-4`` (i.e. our value
rounds to the published figure); where it prints four or more, with ``abs=5e-5``.
"""

from __future__ import annotations

from fractions import Fraction

import krippendorff
import numpy as np
import pytest

from annotator.core.agreement import (
    ReliabilityData,
    agreement_report,
    agreement_weights,
    cohen_kappa_from_table,
    fleiss_kappa_from_counts,
)

THREE_DECIMALS = 5e-4
FOUR_DECIMALS = 5e-5

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School
# for Communication, University of Pennsylvania, section C: 4 coders x 12 units with
# missing values. The same data are in Gwet (2014), Handbook of Inter-Rater Reliability,
# 4th ed., p. 120 (dataset ``cac.raw4raters`` of Gwet's R package irrCAC).
KRIPPENDORFF_2011 = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}

# Gwet (2014), Handbook, 4th ed.: two abstractors classify 100 pregnancies as Ectopic,
# AIU or NIU (irrCAC dataset ``cont3x3abstractors``); rows abstractor 1, columns 2.
ABSTRACTORS = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])


def krippendorff_2011(level: str) -> ReliabilityData:
    values = [[None if v == "." else v for v in row.split()] for row in KRIPPENDORFF_2011.values()]
    units = [f"u{j}" for j in range(1, 13)]
    return ReliabilityData("example", units, list(KRIPPENDORFF_2011), values, level)


def from_table(table: np.ndarray, level: str = "nominal") -> ReliabilityData:
    """Two coders' raw codes rebuilt from a contingency table."""
    records = []
    unit = 0
    for i, j in np.ndindex(table.shape):
        for _ in range(table[i, j]):
            records += [(f"u{unit}", "first", str(i + 1)), (f"u{unit}", "second", str(j + 1))]
            unit += 1
    return ReliabilityData.from_records("table", records, level=level)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorff_2011(level: str, published: float) -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", worked example
    with missing data: nominal .743, ordinal .815, interval .849, ratio .797 (three
    decimals in the source). The nominal value is also printed as 0.74342 by Gwet's
    irrCAC (krippen.alpha.raw on cac.raw4raters), and the krippendorff package's own
    doctests give .815 and .797 for this data."""
    report = agreement_report(krippendorff_2011(level), bootstrap_samples=0)
    alpha = report.krippendorff_alpha
    assert alpha.value == pytest.approx(published, abs=THREE_DECIMALS)
    assert (alpha.n_units, alpha.n_coders, alpha.n_pairable_values) == (11, 4, 40)
    assert report.n_units == 12


def test_nominal_alpha_by_hand_krippendorff_2011() -> None:
    """Krippendorff (2011), nominal alpha of the worked example by hand from the
    coincidence matrix: diagonal o_11..o_55 = 7, 10, 8, 4, 3 (32 matching of n = 40
    pairable values), marginals n_c = 9, 13, 10, 5, 3, so
    alpha = 1 - (n - 1)(n - 32) / (n^2 - sum n_c^2) = 1 - 39 * 8 / 1216 = 0.74342."""
    diagonal = {
        1: Fraction(3 * 2, 2) + Fraction(3 * 2, 3) + Fraction(2 * 1, 1),  # units 1, 8, 11
        2: Fraction(3 * 2, 3) + Fraction(4 * 3, 3) + Fraction(4 * 3, 3),  # units 2, 5, 9
        3: Fraction(4 * 3, 3) + Fraction(4 * 3, 3),  # units 3, 4
        4: Fraction(4 * 3, 3),  # unit 7
        5: Fraction(3 * 2, 2),  # unit 10
    }
    marginals = [9, 13, 10, 5, 3]
    n = sum(marginals)
    exact = 1 - Fraction(n - 1) * (n - sum(diagonal.values())) / (
        n * n - sum(c * c for c in marginals)
    )
    assert float(exact) == pytest.approx(0.74342, abs=FOUR_DECIMALS)
    report = agreement_report(krippendorff_2011("nominal"), bootstrap_samples=0)
    assert report.krippendorff_alpha.value == pytest.approx(float(exact), abs=1e-12)


def test_alpha_with_complete_data_three_coders_is_unbiased() -> None:
    """Complete data, 3 coders (where R's irr::kripp.alpha is known to be biased). By hand:
    units (a,a,a), (a,a,b), (b,b,b), (a,b,b) give o_aa = o_bb = 4, o_ab = o_ba = 2,
    n_a = n_b = 6, n = 12, so alpha = 1 - 11 * 4 / (2 * 6 * 6) = 7/18 = 0.38889
    (Krippendorff 2011, nominal formula). The krippendorff package must agree."""
    values = [["a", "a", "b", "a"], ["a", "a", "b", "b"], ["a", "b", "b", "b"]]
    data = ReliabilityData("f", ["1", "2", "3", "4"], ["x", "y", "z"], values)
    alpha = agreement_report(data, bootstrap_samples=0).krippendorff_alpha.value
    assert alpha == pytest.approx(7 / 18, abs=1e-12)
    package = krippendorff.alpha(
        np.array([[0, 0, 1, 0], [0, 0, 1, 1], [0, 1, 1, 1]], dtype=float),
        level_of_measurement="nominal",
    )
    assert alpha == pytest.approx(package, abs=1e-12)


def test_gwet_ac1_and_percent_agreement_gwet_handbook() -> None:
    """Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120 data (= the
    Krippendorff 2011 example); Gwet's irrCAC README prints gwet.ac1.raw(cac.raw4raters):
    pa = 0.8181818, pe = 0.1903212, AC1 = 0.77544 (five decimals), and pa.coeff.raw:
    percent agreement 0.8181818."""
    report = agreement_report(krippendorff_2011("nominal"), bootstrap_samples=0)
    assert report.gwet_ac1.value == pytest.approx(0.77544, abs=FOUR_DECIMALS)
    assert report.percent_agreement.value == pytest.approx(0.8181818, abs=FOUR_DECIMALS)
    assert report.gwet_ac1.n_units == 11


def test_gwet_ac1_two_raters_gwet_handbook() -> None:
    """Gwet (2014), Handbook, 4th ed., the 3x3 abstractors table; irrCAC README prints
    gwet.ac1.table = 0.8493305, kappa2.table = 0.7964094 and pa2.table = 0.89 for it."""
    report = agreement_report(from_table(ABSTRACTORS), bootstrap_samples=0)
    assert report.gwet_ac1.value == pytest.approx(0.8493305, abs=FOUR_DECIMALS)
    assert report.cohen_kappa[0].kappa.value == pytest.approx(0.7964094, abs=FOUR_DECIMALS)
    assert report.percent_agreement.value == pytest.approx(0.89, abs=FOUR_DECIMALS)


def test_cohen_kappa_wikipedia_example() -> None:
    """Wikipedia, "Cohen's kappa", simple example: 50 grant proposals, both yes 20,
    A yes / B no 5, A no / B yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    table = np.array([[20, 5], [10, 15]])
    assert cohen_kappa_from_table(table).value == pytest.approx(0.4, abs=1e-12)
    pair = agreement_report(from_table(table), bootstrap_samples=0).cohen_kappa[0]
    assert pair.kappa.value == pytest.approx(0.4, abs=1e-12)
    assert pair.kappa.n_units == 50


def test_weighted_kappa_quadratic_gwet_handbook() -> None:
    """Gwet (2014), Handbook, 4th ed., ch. 3; irrCAC vignette "Weighted Chance-corrected
    Agreement Coefficients" prints kappa2.table(cont3x3abstractors, quadratic weights)
    = 0.8921569. Quadratic agreement weights 1 - (i - j)^2 / (q - 1)^2 as in Fleiss &
    Cohen (1973)."""
    weights = agreement_weights(np.arange(3), "quadratic")
    assert cohen_kappa_from_table(ABSTRACTORS, weights).value == pytest.approx(
        0.8921569, abs=FOUR_DECIMALS
    )
    pair = agreement_report(from_table(ABSTRACTORS, "ordinal"), bootstrap_samples=0).cohen_kappa[0]
    assert pair.weighted_kappa is not None
    assert pair.weighted_kappa.value == pytest.approx(0.8921569, abs=FOUR_DECIMALS)


def test_weighted_kappa_linear_abstractors() -> None:
    """Linear weights 1 - |i - j| / (q - 1) (Cohen 1968) on Gwet's (2014) abstractors
    table: 0.843 in the test suite of the Python port of irrCAC (afergadis/irrCAC,
    three decimals). By hand: p_o = 0.89 + 0.5 * 11/100 = 0.945; p_e = 6499/10000;
    kappa = 0.2951 / 0.3501 = 0.84290."""
    weights = agreement_weights(np.arange(3), "linear")
    value = cohen_kappa_from_table(ABSTRACTORS, weights).value
    assert value == pytest.approx(0.843, abs=THREE_DECIMALS)
    assert value == pytest.approx(0.2951 / 0.3501, abs=1e-12)
    pair = agreement_report(from_table(ABSTRACTORS, "ordinal"), bootstrap_samples=0).cohen_kappa[0]
    assert pair.weighted_kappa_linear is not None
    assert pair.weighted_kappa_linear.value == pytest.approx(value, abs=1e-12)


def test_interval_alpha_abstractors_equals_gwet_quadratic_alpha() -> None:
    """irrCAC vignette (Gwet 2014): krippen2.table(cont3x3abstractors) = 0.7972585
    unweighted and 0.8926487 with quadratic weights, i.e. nominal and interval alpha
    for two coders with complete data."""
    nominal = agreement_report(from_table(ABSTRACTORS), bootstrap_samples=0)
    interval = agreement_report(from_table(ABSTRACTORS, "interval"), bootstrap_samples=0)
    assert nominal.krippendorff_alpha.value == pytest.approx(0.7972585, abs=FOUR_DECIMALS)
    assert interval.krippendorff_alpha.value == pytest.approx(0.8926487, abs=FOUR_DECIMALS)


FLEISS_WIKIPEDIA = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)


def test_fleiss_kappa_wikipedia_example() -> None:
    """Wikipedia, "Fleiss' kappa", worked example: 14 raters, 10 subjects, 5 categories;
    P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210 (three decimals in the source; the
    unrounded value is 0.20993)."""
    kappa = fleiss_kappa_from_counts(FLEISS_WIKIPEDIA)
    assert kappa.value == pytest.approx(0.210, abs=THREE_DECIMALS)
    assert (kappa.n_units, kappa.n_coders) == (10, 14)


def test_fleiss_kappa_wikipedia_example_from_raw_codes() -> None:
    """The same Wikipedia example entered as raw codes of 14 coders: kappa = 0.210."""
    records = []
    for unit, row in enumerate(FLEISS_WIKIPEDIA):
        codes = [str(category + 1) for category, n in enumerate(row) for _ in range(n)]
        records += [(f"s{unit}", f"r{rater}", code) for rater, code in enumerate(codes)]
    report = agreement_report(ReliabilityData.from_records("f", records), bootstrap_samples=0)
    assert report.fleiss_kappa.value == pytest.approx(0.210, abs=THREE_DECIMALS)
    assert report.fleiss_kappa.note is None
