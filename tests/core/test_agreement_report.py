"""The agreement report: undefined cases, outside-scale codes, subsets, groups, bootstrap."""

from __future__ import annotations

import json

import numpy as np
import pytest

from annotator.core.agreement import (
    ALPHA_THRESHOLDS,
    ReliabilityData,
    agreement_report,
    alpha_bootstrap_interval,
    by_unit_groups,
    krippendorff_alpha,
    value_counts,
)
from annotator.core.errors import AnnotatorError

LIKERT = {"1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0, "5": 5.0}


def data(rows: dict[str, str], level: str = "nominal", **kwargs) -> ReliabilityData:
    """Coders' codes as space-separated strings, '.' for missing."""
    values = [[None if v == "." else v for v in row.split()] for row in rows.values()]
    units = [f"u{j}" for j in range(len(values[0]))]
    return ReliabilityData("field", units, list(rows), values, level, **kwargs)


def json_roundtrip(report) -> dict:
    return json.loads(json.dumps(report.to_dict(), allow_nan=False))


# --- undefined coefficients ------------------------------------------------------------------


def test_every_coder_always_the_same_value_is_undefined_not_zero() -> None:
    report = agreement_report(data({"a": "3 3 3 3", "b": "3 3 3 3", "c": "3 3 3 3"}, "ordinal"))
    for coefficient in (report.krippendorff_alpha, report.nominal_alpha, report.fleiss_kappa):
        assert coefficient.value is None
        assert coefficient.reason
    assert all(pair.kappa.value is None for pair in report.cohen_kappa)
    assert all(pair.weighted_kappa.value is None for pair in report.cohen_kappa)
    assert report.gwet_ac1.value is None  # one category exists in the data, none declared
    assert report.percent_agreement.value == 1.0
    assert (report.alpha_ci_low, report.alpha_ci_high) == (None, None)
    assert "expected disagreement is 0" in report.krippendorff_alpha.reason
    assert json_roundtrip(report)["krippendorff_alpha"]["value"] is None


def test_same_value_with_a_codebook_scale_leaves_ac1_defined() -> None:
    """AC1's chance term counts all categories of the scale, so it stays defined (1.0)."""
    report = agreement_report(data({"a": "3 3 3", "b": "3 3 3"}, "ordinal", categories=LIKERT))
    assert report.gwet_ac1.value == pytest.approx(1.0)
    assert report.krippendorff_alpha.value is None


def test_a_single_coder_gives_only_undefined_coefficients() -> None:
    report = agreement_report(data({"a": "1 2 3", "b": "1 2 2"}), coders=["a"])
    assert report.n_coders == 1
    assert report.cohen_kappa == ()
    for coefficient in (
        report.percent_agreement,
        report.fleiss_kappa,
        report.krippendorff_alpha,
        report.gwet_ac1,
    ):
        assert coefficient.value is None
        assert "at least two coders" in coefficient.reason
    json_roundtrip(report)


def test_no_pairable_values_is_undefined() -> None:
    report = agreement_report(data({"a": "1 2 . .", "b": ". . 1 2"}))
    assert report.n_pairable_values == 0
    assert report.n_units == 4
    for coefficient in (report.percent_agreement, report.krippendorff_alpha, report.gwet_ac1):
        assert coefficient.value is None
        assert "nothing to compare" in coefficient.reason
    assert report.fleiss_kappa.value is None
    assert report.cohen_kappa[0].kappa.value is None
    assert report.cohen_kappa[0].kappa.n_units == 0


def test_empty_data_is_undefined() -> None:
    empty = ReliabilityData("field", [], ["a", "b"], [[], []])
    report = agreement_report(empty)
    assert report.n_units == 0
    assert report.krippendorff_alpha.value is None
    json_roundtrip(report)


# --- missing data and Fleiss' complete units -------------------------------------------------


def test_fleiss_uses_only_units_rated_by_every_chosen_coder() -> None:
    report = agreement_report(data({"a": "1 2 1 2 1", "b": "1 2 1 1 .", "c": "1 2 2 . 1"}))
    assert report.fleiss_kappa.n_units == 3
    assert (
        report.fleiss_kappa.note == "2 unit(s) without a value from each of the 3 coders left out"
    )
    # Choosing coders a and c makes unit 3 (index 4) complete again.
    subset = agreement_report(data({"a": "1 2 1 2 1", "c": "1 2 2 . 1"}))
    chosen = agreement_report(
        data({"a": "1 2 1 2 1", "b": "1 2 1 1 .", "c": "1 2 2 . 1"}), coders=["a", "c"]
    )
    assert chosen.fleiss_kappa == subset.fleiss_kappa
    assert chosen.krippendorff_alpha == subset.krippendorff_alpha
    assert chosen.coders == ("a", "c")


def test_unknown_or_repeated_coder_is_an_error() -> None:
    sample = data({"a": "1 2", "b": "1 2"})
    with pytest.raises(AnnotatorError, match="no coder 'z'"):
        agreement_report(sample, coders=["a", "z"])
    with pytest.raises(AnnotatorError, match="only once"):
        agreement_report(sample, coders=["a", "a"])
    with pytest.raises(AnnotatorError, match="negative"):
        agreement_report(sample, bootstrap_samples=-1)


# --- levels, order and outside-scale codes ----------------------------------------------------


def test_ordinal_alpha_uses_category_order_not_numbers() -> None:
    """Krippendorff (2011) example with word codes in the codebook's order: ordinal .815
    whatever numbers the categories carry; interval alpha does use the numbers."""
    words = ["very low", "low", "mid", "high", "very high"]
    rows = {
        "A": "1 2 3 3 2 1 4 1 2 . . .",
        "B": "1 2 3 3 2 2 4 1 2 5 . 3",
        "C": ". 3 3 3 2 3 4 2 2 5 1 .",
        "D": "1 2 3 3 2 4 4 1 2 5 1 .",
    }
    values = [
        [None if v == "." else words[int(v) - 1] for v in row.split()] for row in rows.values()
    ]
    units = [str(j) for j in range(12)]
    reports = {}
    for name, numbers in {"even": [1, 2, 3, 4, 5], "stretched": [1, 2, 3, 10, 100]}.items():
        categories = dict(zip(words, map(float, numbers), strict=True))
        for level in ("ordinal", "interval"):
            sample = ReliabilityData("f", units, list(rows), values, level, categories)
            reports[name, level] = agreement_report(sample, bootstrap_samples=0)
    assert reports["even", "ordinal"].krippendorff_alpha.value == pytest.approx(0.815, abs=5e-4)
    assert (
        reports["stretched", "ordinal"].krippendorff_alpha
        == reports["even", "ordinal"].krippendorff_alpha
    )
    assert reports["even", "interval"].krippendorff_alpha.value == pytest.approx(0.849, abs=5e-4)
    assert reports["stretched", "interval"].krippendorff_alpha.value != pytest.approx(
        0.849, abs=0.01
    )


def test_outside_scale_codes_are_categories_for_nominal_and_missing_for_ordinal() -> None:
    rows = {"a": "1 2 NA 4 5 NA", "b": "1 3 NA 4 NA 2", "c": "2 2 NA 4 5 2"}
    with_na = data(rows, "ordinal", categories=LIKERT, outside_scale={"NA"})
    report = agreement_report(with_na, bootstrap_samples=0)
    assert report.n_outside_scale_set_aside == 5
    assert report.outside_scale_codes == ("NA",)
    assert "treated as missing values for ordinal alpha" in report.outside_scale_handling
    assert report.krippendorff_alpha.note == "5 outside-scale value(s) set aside"

    # Ordinal alpha equals alpha with the NA values blanked out.
    blanked = {coder: row.replace("NA", ".") for coder, row in rows.items()}
    as_missing = agreement_report(data(blanked, "ordinal", categories=LIKERT), bootstrap_samples=0)
    assert report.krippendorff_alpha.value == pytest.approx(as_missing.krippendorff_alpha.value)
    assert report.krippendorff_alpha.n_pairable_values == 13
    for with_codes, blank in zip(report.cohen_kappa, as_missing.cohen_kappa, strict=True):
        assert with_codes.weighted_kappa.value == pytest.approx(blank.weighted_kappa.value)

    # The nominal statistics count NA like any other category ("9" here).
    renamed = {coder: row.replace("NA", "9") for coder, row in rows.items()}
    as_category = agreement_report(data(renamed, "nominal"), bootstrap_samples=0)
    assert report.nominal_alpha.value == pytest.approx(as_category.krippendorff_alpha.value)
    assert report.fleiss_kappa.value == pytest.approx(as_category.fleiss_kappa.value)
    assert report.percent_agreement.value == pytest.approx(as_category.percent_agreement.value)
    for mine, theirs in zip(report.cohen_kappa, as_category.cohen_kappa, strict=True):
        assert mine.kappa.value == pytest.approx(theirs.kappa.value)

    outside = json_roundtrip(report)["outside_scale"]
    assert outside == {
        "codes": ["NA"],
        "handling": report.outside_scale_handling,
        "values_set_aside": 5,
    }


def test_each_pair_says_how_many_outside_scale_values_it_set_aside() -> None:
    """Issue 27: every pair's weighted kappas said the field's total (5 here); each pair
    sets aside the outside-scale values of the units both its coders coded."""
    rows = {"a": "1 2 NA 4 5 NA", "b": "1 3 NA 4 NA 2", "c": "2 2 NA 4 5 2"}
    report = agreement_report(
        data(rows, "ordinal", categories=LIKERT, outside_scale={"NA"}), bootstrap_samples=0
    )
    notes = {
        (pair.coder_a, pair.coder_b): (pair.weighted_kappa.note, pair.weighted_kappa_linear.note)
        for pair in report.cohen_kappa
    }
    assert notes == {
        ("a", "b"): ("4 outside-scale value(s) set aside",) * 2,
        ("a", "c"): ("3 outside-scale value(s) set aside",) * 2,
        ("b", "c"): ("3 outside-scale value(s) set aside",) * 2,
    }


def test_nominal_level_keeps_outside_scale_codes() -> None:
    report = agreement_report(data({"a": "x NA", "b": "x NA"}, outside_scale={"NA"}))
    assert report.n_outside_scale_set_aside == 0
    assert report.outside_scale_handling == "outside-scale codes counted as ordinary categories"
    assert report.krippendorff_alpha.value == pytest.approx(1.0)


def test_word_codes_without_numbers_or_order_are_refused_above_the_nominal_level() -> None:
    """Issue 12: "low", "mid", "high" sorted alphabetically would reverse part of the
    scale silently; an interval scale of words has no numbers. Both are refused."""
    for level in ("ordinal", "interval", "ratio"):
        with pytest.raises(AnnotatorError, match=r"the codes are text \(high, low\)"):
            data({"a": "low high", "b": "low low"}, level)
    with pytest.raises(AnnotatorError, match="code 'x' is not a number"):
        data({"a": "1 x", "b": "1 2"}, "ordinal")
    report = agreement_report(data({"a": "low high", "b": "low low"}, "nominal"))
    assert report.nominal_alpha.value is not None
    ordered = {"low": 1.0, "mid": 2.0, "high": 3.0}
    given = agreement_report(
        data({"a": "low high", "b": "low mid"}, "interval", categories=ordered)
    )
    assert given.krippendorff_alpha.value is not None


def test_derived_categories_are_numeric_when_every_code_is_a_number() -> None:
    assert data({"a": "10 9 2", "b": "2 10 ."}).derived_categories() == ["2", "9", "10"]
    assert data({"a": "b a c", "b": "a a ."}).derived_categories() == ["a", "b", "c"]
    assert data({"a": "1 NA", "b": "2 1"}, outside_scale={"NA"}).derived_categories() == ["1", "2"]


def test_codes_outside_the_given_categories_are_rejected() -> None:
    with pytest.raises(AnnotatorError, match="'7' are neither categories nor outside-scale"):
        data({"a": "1 7", "b": "1 2"}, "ordinal", categories=LIKERT)
    with pytest.raises(AnnotatorError, match="both a category and outside the scale"):
        data({"a": "1", "b": "1"}, categories=LIKERT, outside_scale={"1"})
    with pytest.raises(AnnotatorError, match="unknown level"):
        data({"a": "1", "b": "1"}, "fuzzy")
    with pytest.raises(AnnotatorError, match="coder 'a' appears more than once"):
        ReliabilityData("f", ["u"], ["a", "a"], [["1"], ["1"]])
    with pytest.raises(AnnotatorError, match="one row per coder"):
        ReliabilityData("f", ["u", "v"], ["a"], [["1"]])


def test_from_records_builds_the_matrix_and_rejects_duplicates() -> None:
    records = [("u1", "a", "1"), ("u2", "a", ""), ("u1", "b", "2"), ("u3", "b", None)]
    built = ReliabilityData.from_records("f", records)
    assert built.unit_ids == ["u1", "u2", "u3"]
    assert built.coders == ["a", "b"]
    assert built.values == [["1", None, None], ["2", None, None]]
    with pytest.raises(AnnotatorError, match="two values from coder 'a'"):
        ReliabilityData.from_records("f", [("u1", "a", "1"), ("u1", "a", "2")])


# --- groups ----------------------------------------------------------------------------------


def test_by_unit_groups_equals_a_report_on_each_group_alone() -> None:
    rows = {"a": "1 2 3 1 2 3", "b": "1 2 2 1 3 3", "c": "1 . 3 2 2 3"}
    sample = data(rows)
    groups = {"first": ["u0", "u1", "u2"], "second": ["u3", "u4", "u5", "not-a-unit"]}
    results = by_unit_groups(sample, groups, bootstrap_samples=50, seed=3)
    assert list(results) == ["first", "second"]
    first = data({coder: " ".join(row.split()[:3]) for coder, row in rows.items()})
    alone = agreement_report(first, bootstrap_samples=50, seed=3)
    assert results["first"] == alone
    assert results["second"].n_units == 3


# --- bootstrap -------------------------------------------------------------------------------


def large_sample(seed: int = 1, n_units: int = 300) -> ReliabilityData:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units)
    noisy = np.clip(truth[None, :] + rng.integers(-1, 2, (3, n_units)), 1, 5).astype(str)
    values = [[None if rng.random() < 0.05 else v for v in row] for row in noisy.tolist()]
    return ReliabilityData(
        "f", [str(j) for j in range(n_units)], ["a", "b", "c"], values, "ordinal"
    )


def test_bootstrap_is_deterministic_by_seed_and_brackets_alpha() -> None:
    sample = large_sample()
    once = agreement_report(sample, bootstrap_samples=200)
    again = agreement_report(sample, bootstrap_samples=200)
    other = agreement_report(sample, bootstrap_samples=200, seed=7)
    assert (once.alpha_ci_low, once.alpha_ci_high) == (again.alpha_ci_low, again.alpha_ci_high)
    assert (once.alpha_ci_low, once.alpha_ci_high) != (other.alpha_ci_low, other.alpha_ci_high)
    assert once.alpha_ci_low < once.krippendorff_alpha.value < once.alpha_ci_high
    assert once.bootstrap_samples == 200
    none = agreement_report(sample, bootstrap_samples=0)
    assert (none.alpha_ci_low, none.alpha_ci_high) == (None, None)


def test_bootstrap_matches_naive_unit_resampling() -> None:
    """Drawing profile counts must give the same interval as resampling units one by one
    (up to Monte Carlo error)."""
    sample = large_sample(seed=2, n_units=150)
    codes = sample.coded.codes
    k = sample.coded.n_categories
    counts = value_counts(codes, k)
    fast = alpha_bootstrap_interval(counts, "ordinal", n_samples=3000, seed=11)

    pairable = np.flatnonzero(counts.sum(axis=1) >= 2)
    rng = np.random.default_rng(12)
    naive = []
    for _ in range(3000):
        drawn = rng.choice(pairable, size=len(pairable), replace=True)
        naive.append(krippendorff_alpha(codes[:, drawn], k, "ordinal").value)
    low, high = np.quantile(naive, [0.025, 0.975])
    assert fast.low == pytest.approx(low, abs=0.015)
    assert fast.high == pytest.approx(high, abs=0.015)


def test_thresholds_are_krippendorffs() -> None:
    """Krippendorff (2004), Content Analysis, 2nd ed., p. 241: .800 and .667."""
    assert ALPHA_THRESHOLDS == (0.800, 0.667)


def test_to_dict_has_self_explaining_keys() -> None:
    report = agreement_report(large_sample(n_units=40), bootstrap_samples=100)
    result = json_roundtrip(report)
    assert {
        "krippendorff_alpha",
        "fleiss_kappa",
        "cohen_kappa",
        "gwet_ac1",
        "percent_agreement",
        "n_units",
        "n_coders",
        "n_pairable_values",
    } <= set(result)
    alpha = result["krippendorff_alpha"]
    assert alpha["level"] == "ordinal"
    assert alpha["ci95_low"] < alpha["value"] < alpha["ci95_high"]
    assert "unit-resampling" in alpha["bootstrap_method"]
    pair = result["cohen_kappa"][0]
    assert {
        "coder_a",
        "coder_b",
        "kappa",
        "weighted_kappa_quadratic",
        "weighted_kappa_linear",
    } <= set(pair)
