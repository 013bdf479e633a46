"""Every agreement statistic for one field, as one plain, frozen result."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal, cast

import numpy as np

from annotator.core.agreement.bootstrap import (
    BOOTSTRAP_METHOD,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_BOOTSTRAP_SEED,
    AlphaMetric,
    BootstrapInterval,
    ac1_bootstrap_interval,
    alpha_bootstrap_interval,
    fleiss_bootstrap_interval,
    kappa_bootstrap_intervals,
    pairable_bootstrap_intervals,
    with_interval,
)
from annotator.core.agreement.coefficients import (
    Coefficient,
    Level,
    agreement_weights,
    alpha_from_counts,
    cohen_kappa_from_table,
    coincidences,
    contingency_table,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
    row_sums,
    value_counts,
)
from annotator.core.agreement.reliability_data import CodedRatings, ReliabilityData
from annotator.core.errors import AnnotatorError

# Krippendorff (2004), Content Analysis: An Introduction to Its Methodology, 2nd ed.,
# p. 241: rely on variables with alpha >= .800; alpha >= .667 only for tentative conclusions.
ALPHA_THRESHOLDS: tuple[float, float] = (0.800, 0.667)

NOMINAL_POLICY = "outside-scale codes counted as ordinary categories"
SCALE_POLICY = (
    "outside-scale codes counted as ordinary categories for percent agreement, unweighted "
    "kappa, Fleiss' kappa, nominal alpha and AC1; treated as missing values for {level} "
    "alpha and weighted kappa"
)


@dataclass(frozen=True)
class PairwiseKappa:
    """Cohen's kappa for one pair of coders, over the units both coded.

    ``weighted_kappa`` uses quadratic weights, the usual report for ordinal scales
    (it equals the intraclass correlation asymptotically, Fleiss & Cohen 1973, and is
    the pairwise analogue of interval alpha); ``weighted_kappa_linear`` uses linear
    weights. Weights come from the category positions at the ordinal level and from
    the category numbers at the interval and ratio levels; outside-scale codes are
    missing values for them. Both are None at the nominal level.
    """

    coder_a: str
    coder_b: str
    kappa: Coefficient
    weighted_kappa: Coefficient | None = None
    weighted_kappa_linear: Coefficient | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "coder_a": self.coder_a,
            "coder_b": self.coder_b,
            "kappa": self.kappa.to_dict(),
            "weighted_kappa_quadratic": _optional(self.weighted_kappa),
            "weighted_kappa_linear": _optional(self.weighted_kappa_linear),
        }


@dataclass(frozen=True)
class FieldAgreement:
    """The agreement of the chosen coders on one field.

    ``krippendorff_alpha`` is at the field's level of measurement (``alpha_level``),
    ``nominal_alpha`` is alpha with every code as an unordered category. Every defined
    coefficient carries a bootstrap 95% interval (``ci_low``/``ci_high``, see
    ``bootstrap_method``) when samples were drawn. ``n_units`` counts units with at
    least one value, ``n_pairable_values`` the values in units with two or more.
    """

    field: str
    coders: tuple[str, ...]
    n_units: int
    n_coders: int
    n_pairable_values: int
    percent_agreement: Coefficient
    cohen_kappa: tuple[PairwiseKappa, ...]
    fleiss_kappa: Coefficient
    krippendorff_alpha: Coefficient
    alpha_level: str
    nominal_alpha: Coefficient
    gwet_ac1: Coefficient
    outside_scale_codes: tuple[str, ...]
    outside_scale_handling: str
    n_outside_scale_set_aside: int
    bootstrap_samples: int
    bootstrap_seed: int
    bootstrap_method: str = BOOTSTRAP_METHOD
    categories: tuple[str, ...] = ()
    category_values: tuple[float, ...] | None = None
    category_source: str = "data"
    category_description: str = ""
    input_notes: tuple[str, ...] = ()
    machine_coders: tuple[str, ...] = ()  # coders that are machines (the suggester)

    @property
    def alpha_ci_low(self) -> float | None:
        return self.krippendorff_alpha.ci_low

    @property
    def alpha_ci_high(self) -> float | None:
        return self.krippendorff_alpha.ci_high

    @property
    def category_set(self) -> str:
        """Which categories every coefficient of this field uses, in one sentence.

        Every coefficient (each coder pair's kappa included) uses the same set, so a
        pair's weighted kappa spans categories that only another coder may have used,
        and Gwet's AC1 counts them all in its chance term; declared categories
        (a codebook, --order) make that set the same whatever the data hold.
        """
        scale = ", ".join(self.categories)
        outside = (
            f"; outside the scale: {', '.join(self.outside_scale_codes)}"
            if self.outside_scale_codes
            else ""
        )
        return (
            f"{scale}{outside} ({self.category_description}); every coefficient uses "
            "this set, each pair of coders included"
        )

    def label(self, coder: str) -> str:
        """A coder's name as reports show it: a machine is marked as one."""
        return f"{coder} (machine)" if coder in self.machine_coders else coder

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict with self-explaining keys (undefined values are null)."""
        alpha = self.krippendorff_alpha.to_dict()
        alpha.update(
            level=self.alpha_level,
            ci95_low=self.alpha_ci_low,
            ci95_high=self.alpha_ci_high,
            bootstrap_samples=self.bootstrap_samples,
            bootstrap_seed=self.bootstrap_seed,
            bootstrap_method=self.bootstrap_method,
            thresholds={"reliable": ALPHA_THRESHOLDS[0], "tentative": ALPHA_THRESHOLDS[1]},
        )
        return {
            "field": self.field,
            "coders": list(self.coders),
            "machine_coders": list(self.machine_coders),
            "n_units": self.n_units,
            "n_coders": self.n_coders,
            "n_pairable_values": self.n_pairable_values,
            "percent_agreement": self.percent_agreement.to_dict(),
            "cohen_kappa": [pair.to_dict() for pair in self.cohen_kappa],
            "fleiss_kappa": self.fleiss_kappa.to_dict(),
            "krippendorff_alpha": alpha,
            "krippendorff_alpha_nominal": self.nominal_alpha.to_dict(),
            "gwet_ac1": self.gwet_ac1.to_dict(),
            "outside_scale": {
                "codes": list(self.outside_scale_codes),
                "handling": self.outside_scale_handling,
                "values_set_aside": self.n_outside_scale_set_aside,
            },
            "categories": {
                "scale": list(self.categories),
                "values": None if self.category_values is None else list(self.category_values),
                "outside_scale": list(self.outside_scale_codes),
                "source": self.category_source,
                "description": self.category_set,
            },
            "input_notes": list(self.input_notes),
        }


def _optional(coefficient: Coefficient | None) -> dict[str, object] | None:
    return None if coefficient is None else coefficient.to_dict()


def agreement_report(
    data: ReliabilityData,
    coders: Sequence[str] | None = None,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> FieldAgreement:
    """Compute every agreement statistic for ``data``, for all coders or the ones named.

    Outside-scale codes are ordinary categories for the nominal statistics (percent
    agreement, unweighted kappa, Fleiss' kappa, nominal alpha, AC1) and missing
    values for ordinal/interval/ratio alpha and weighted kappa; the result says how
    many values were set aside. Each coefficient's interval comes from
    ``bootstrap_samples`` unit-resampling samples drawn with ``seed`` (0 samples: no
    intervals).
    Fleiss' kappa uses only the units every chosen coder coded (its note says how
    many were left out). Gwet's AC1 handles missing values as Gwet (2014) does and
    counts every category of the field, declared or observed, outside-scale codes
    included, in its chance term.
    """
    if bootstrap_samples < 0:
        raise AnnotatorError("the number of bootstrap samples cannot be negative")
    rows = _coder_rows(data, coders)
    return _report(data, rows, data.coded.select(rows), bootstrap_samples, seed)


def by_unit_groups(
    data: ReliabilityData,
    groups: Mapping[str, Sequence[str]],
    coders: Sequence[str] | None = None,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> dict[str, FieldAgreement]:
    """`agreement_report` for each group of units (e.g. the sentences of each article).

    Unit ids that the data does not contain have no values and are simply not counted.
    """
    if bootstrap_samples < 0:
        raise AnnotatorError("the number of bootstrap samples cannot be negative")
    rows = _coder_rows(data, coders)
    column = {unit: j for j, unit in enumerate(data.unit_ids)}
    result: dict[str, FieldAgreement] = {}
    for name, units in groups.items():
        columns = np.array([column[u] for u in units if u in column], dtype=np.int64)
        ratings = data.coded.select(rows, columns)
        result[name] = _report(data, rows, ratings, bootstrap_samples, seed)
    return result


def _coder_rows(data: ReliabilityData, coders: Sequence[str] | None) -> list[int]:
    if coders is None:
        return list(range(data.n_coders))
    unknown = [c for c in coders if c not in data.coders]
    if unknown:
        raise AnnotatorError(f"field {data.field!r} has no coder {unknown[0]!r}")
    if len(set(coders)) != len(coders):
        raise AnnotatorError("each coder can be chosen only once")
    return [data.coders.index(c) for c in coders]


def _report(
    data: ReliabilityData,
    rows: list[int],
    ratings: CodedRatings,
    bootstrap_samples: int,
    seed: int,
) -> FieldAgreement:
    codes, k = ratings.codes, ratings.n_categories
    n_coders = codes.shape[0]
    coder_names = tuple(data.coders[i] for i in rows)
    counts = value_counts(codes, k)
    m = row_sums(counts)

    level = data.level
    if level == "nominal":
        scale_codes, scale_counts, set_aside = codes, counts, 0
        n_scale, handling = k, NOMINAL_POLICY
    else:
        scale_codes, set_aside = ratings.scale_only()
        n_scale = ratings.n_scale
        # Without outside-scale values the scale's counts are the first columns of
        # `counts` (the others are 0): the same numbers, not counted again.
        scale_counts = (value_counts(scale_codes, k) if set_aside else counts)[:, :n_scale]
        handling = SCALE_POLICY.format(level=level)
    set_aside_note = f"{set_aside} outside-scale value(s) set aside" if set_aside else None

    agreement = percent_agreement(counts, n_coders)
    nominal_matrix = coincidences(counts)
    nominal_alpha = alpha_from_counts(counts, n_coders, "nominal", matrix=nominal_matrix)
    if level == "nominal":
        alpha = nominal_alpha
    else:  # ReliabilityData refuses a non-nominal scale without numbers or an order
        same = n_scale == k  # no outside-scale category: the same coincidence matrix
        alpha = alpha_from_counts(
            scale_counts,
            n_coders,
            level,
            ratings.scale_values,
            set_aside_note,
            matrix=nominal_matrix if same else None,
        )
    boot = {"n_samples": bootstrap_samples, "seed": seed}
    alpha, nominal_alpha, agreement = _pairable_intervals(
        alpha, nominal_alpha, agreement, counts, scale_counts, ratings, level, n_scale == k, boot
    )
    fleiss = _bootstrapped(
        fleiss_kappa(codes, k),
        bootstrap_samples,
        lambda: fleiss_bootstrap_interval(counts[m == n_coders], **boot),
    )
    ac1 = _bootstrapped(
        gwet_ac1(counts, n_coders, observed=agreement.value),
        bootstrap_samples,
        lambda: ac1_bootstrap_interval(counts, **boot),
    )
    return FieldAgreement(
        field=data.field,
        coders=coder_names,
        n_units=int((m >= 1).sum()),
        n_coders=n_coders,
        n_pairable_values=int(m[m >= 2].sum()),
        percent_agreement=agreement,
        cohen_kappa=_pairwise(coder_names, codes, scale_codes, ratings, level, boot),
        fleiss_kappa=fleiss,
        krippendorff_alpha=alpha,
        alpha_level=level,
        nominal_alpha=nominal_alpha,
        gwet_ac1=ac1,
        outside_scale_codes=tuple(ratings.labels[ratings.n_scale :]),
        outside_scale_handling=handling,
        n_outside_scale_set_aside=set_aside,
        bootstrap_samples=bootstrap_samples,
        bootstrap_seed=seed,
        categories=tuple(ratings.labels[: ratings.n_scale]),
        category_values=None
        if ratings.scale_values is None
        else tuple(float(v) for v in ratings.scale_values),
        category_source=str(data.category_source),
        category_description=data.category_description,
        input_notes=data.notes,
    )


def _pairwise(
    names: tuple[str, ...],
    codes: np.ndarray,
    scale_codes: np.ndarray,
    ratings: CodedRatings,
    level: str,
    boot: dict[str, int],
) -> tuple[PairwiseKappa, ...]:
    n_scale = ratings.n_scale
    positions = np.arange(n_scale) if level == "ordinal" else ratings.scale_values
    reason = "the scale has fewer than two distinct category values"
    weights: dict[str, np.ndarray | None] = {"quadratic": None, "linear": None}
    if positions is not None:  # always, above the nominal level (see ReliabilityData)
        kinds: tuple[Literal["quadratic", "linear"], ...] = ("quadratic", "linear")
        weights = {kind: agreement_weights(positions, kind) for kind in kinds}
    pairs = []
    for a, b in combinations(range(len(names)), 2):
        table = contingency_table(codes[a], codes[b], ratings.n_categories)
        if level == "nominal":
            (kappa,) = _kappas(table, [None], boot)
            pairs.append(PairwiseKappa(names[a], names[b], kappa))
            continue
        scale_table = contingency_table(scale_codes[a], scale_codes[b], n_scale)
        usable: list[np.ndarray | None] = [w for w in weights.values() if w is not None]
        if scale_table.shape == table.shape:  # no outside-scale category: one table
            kappa, *weighted = _kappas(table, [None, *usable], boot)
        else:
            (kappa,) = _kappas(table, [None], boot)
            weighted = _kappas(scale_table, usable, boot)
        found = iter(weighted)
        both = int(scale_table.sum())
        pair_note = _set_aside_note(table, n_scale)
        quadratic, linear = (
            Coefficient(None, reason, both, 2, 2 * both, pair_note)
            if w is None
            else dataclasses.replace(next(found), note=pair_note)
            for w in weights.values()
        )
        pairs.append(PairwiseKappa(names[a], names[b], kappa, quadratic, linear))
    return tuple(pairs)


def _set_aside_note(table: np.ndarray, n_scale: int) -> str | None:
    """How many outside-scale values one pair's weighted kappas set aside: those in the
    units both coders coded (the pair's table), not the field's total over every coder."""
    outside = int(table[n_scale:, :].sum() + table[:, n_scale:].sum())
    return f"{outside} outside-scale value(s) set aside" if outside else None


def _pairable_intervals(
    alpha: Coefficient,
    nominal_alpha: Coefficient,
    agreement: Coefficient,
    counts: np.ndarray,
    scale_counts: np.ndarray,
    ratings: CodedRatings,
    level: str,
    same_units: bool,
    boot: dict[str, int],
) -> tuple[Coefficient, Coefficient, Coefficient]:
    """Alpha, nominal alpha and percent agreement with their intervals. Those over the
    same units share one set of resamples (`pairable_bootstrap_intervals`): all three,
    unless outside-scale categories make the field's own alpha use other units."""
    n_samples, seed = boot["n_samples"], boot["seed"]
    if level == "nominal":
        nominal_alpha = alpha  # the field's alpha is the nominal one
    metrics: list[AlphaMetric] = [("nominal", None, None)]
    shared = [nominal_alpha]
    if level != "nominal":
        own: AlphaMetric = (cast(Level, level), ratings.scale_values, None)
        if same_units:
            metrics.append(own)
            shared.append(alpha)
        else:
            alpha = _bootstrapped(
                alpha,
                n_samples,
                lambda: alpha_bootstrap_interval(
                    scale_counts, own[0], own[1], n_samples=n_samples, seed=seed
                ),
            )
    shared.append(agreement)  # percent agreement: last, as the shared draw returns it
    if n_samples > 0 and any(c.value is not None for c in shared):
        intervals = pairable_bootstrap_intervals(counts, metrics, n_samples=n_samples, seed=seed)
        shared = [
            c if c.value is None else with_interval(c, interval)
            for c, interval in zip(shared, intervals, strict=True)
        ]
    nominal_alpha, *own_alpha, agreement = shared
    if level == "nominal":
        return nominal_alpha, nominal_alpha, agreement
    return (own_alpha[0] if own_alpha else alpha), nominal_alpha, agreement


def _bootstrapped(
    coefficient: Coefficient, n_samples: int, interval: Callable[[], BootstrapInterval]
) -> Coefficient:
    """The coefficient with its interval, drawn only for a defined coefficient."""
    if coefficient.value is None or n_samples <= 0:
        return coefficient
    return with_interval(coefficient, interval())


def _kappas(
    table: np.ndarray, weight_sets: list[np.ndarray | None], boot: dict[str, int]
) -> list[Coefficient]:
    """Cohen's kappa of a pair's table for each set of weights, with their bootstrap
    intervals drawn from one set of resamples."""
    kappas = [cohen_kappa_from_table(table, w) for w in weight_sets]
    if boot["n_samples"] <= 0 or all(k.value is None for k in kappas):
        return kappas
    intervals = kappa_bootstrap_intervals(table, weight_sets, **boot)
    return [
        kappa if kappa.value is None else with_interval(kappa, interval)
        for kappa, interval in zip(kappas, intervals, strict=True)
    ]
