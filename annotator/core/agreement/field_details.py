"""Agreement on the fields that are more than one category per unit: multiple choice,
short text, and any field asked only when a condition holds.

The classic statistics (`report.agreement_report`) measure a field whose answer is one
value on a scale: single choice, number, date. The fields here need more:

- Multiple choice: alpha per category as a binary variable (chosen 1, not chosen 0), and
  alpha on the whole set with a set distance, MASI and Jaccard (see `set_distances`).
- Short text: exact-match percent agreement only (`TEXT_ONLY_PERCENT`).
- A conditional field (`when`): its statistics are over the units where the condition held
  for two or more coders, each coder's own codes deciding (`Codebook.applicable`), and
  they are reported next to the agreement on whether the condition held (binary alpha).

Every alpha and percent agreement here carries the same unit-resampling bootstrap
interval as the classic ones (`bootstrap`); a set alpha resamples units with the set
distance fixed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.core.agreement.bootstrap import (
    agreement_bootstrap_interval,
    alpha_bootstrap_interval,
    with_interval,
)
from annotator.core.agreement.coefficients import (
    Coefficient,
    alpha_with_distances,
    percent_agreement,
    value_counts,
)
from annotator.core.agreement.reliability_data import ReliabilityData
from annotator.core.agreement.report import FieldAgreement, agreement_report
from annotator.core.agreement.set_distances import SET_DISTANCES, distance_matrix

TEXT_ONLY_PERCENT = (
    "short text: exact-match percent agreement only. Free text has no chance model (the "
    "answers are open, so there is no set of categories to expect agreement by chance "
    "from), and a chance-corrected coefficient would need a distance between two texts "
    "that the study has agreed on"
)
TYPE_NAMES = {
    "single": "single choice",
    "multiple": "multiple choice",
    "number": "number",
    "text": "short text",
    "date": "date",
}
BINARY = {"0": 0.0, "1": 1.0}
"""The categories of a derived binary variable: 1 chosen (or held), 0 not."""


@dataclass(frozen=True)
class ConditionAgreement:
    """How a conditional field's units were chosen, and the agreement on the condition.

    ``n_units`` counts the units where the condition held for two or more coders (the
    units the field's statistics are over); ``held`` is the binary alpha on whether it
    held, over the units where two or more coders coded a field the condition names;
    ``n_set_aside`` counts codes of the field where their own coder's condition did not
    hold (left by an import; the window clears them).
    """

    condition: str
    n_units: int
    held: FieldAgreement
    n_set_aside: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "condition": self.condition,
            "n_units_where_both_held": self.n_units,
            "condition_held": self.held.to_dict(),
            "codes_set_aside": self.n_set_aside,
        }


@dataclass(frozen=True)
class SetAgreement:
    """A multiple-choice field: exact-set percent agreement, MASI and Jaccard alpha, and a
    binary report per category (``per_category``, category code -> its report)."""

    exact: Coefficient
    masi: Coefficient
    jaccard: Coefficient
    per_category: dict[str, FieldAgreement]

    def to_dict(self) -> dict[str, object]:
        return {
            "percent_agreement_exact_sets": self.exact.to_dict(),
            "krippendorff_alpha_masi": self.masi.to_dict(),
            "krippendorff_alpha_jaccard": self.jaccard.to_dict(),
            "per_category": {code: r.to_dict() for code, r in self.per_category.items()},
        }


@dataclass(frozen=True)
class FieldDetails:
    """What a field's agreement needs beyond `FieldAgreement`: its type and scope, the set
    or text statistics, its condition, and a line when codes of two codebook versions
    were compared."""

    field: str
    type: str
    scope: str
    text: Coefficient | None = None
    sets: SetAgreement | None = None
    condition: ConditionAgreement | None = None
    versions: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The field's type and scope in words: "topics: multiple choice, over articles"."""
        return f"{self.field}: {TYPE_NAMES.get(self.type, self.type)}, over {self.unit_noun}"

    @property
    def unit_noun(self) -> str:
        """What the field's units are: articles for an article field, matched sources
        (core/agreement/source_agreement.py) for a source field."""
        return {"article": "articles", "source": "matched sources"}.get(self.scope, "units")

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "type": self.type,
            "scope": self.scope,
            "text_percent_agreement": None if self.text is None else self.text.to_dict(),
            "text_why": TEXT_ONLY_PERCENT if self.text is not None else None,
            "sets": None if self.sets is None else self.sets.to_dict(),
            "condition": None if self.condition is None else self.condition.to_dict(),
            "codebook_versions": self.versions,
            "notes": list(self.notes),
        }


def binary_data(name: str, unit_ids: list[str], coders: list[str], values) -> ReliabilityData:
    """A derived 0/1 variable (a category chosen, a condition held) as reliability data."""
    return ReliabilityData(
        name, unit_ids, coders, values, "nominal", BINARY, category_source="binary"
    )


def set_agreement(
    key: str,
    unit_ids: list[str],
    coders: list[str],
    sets: Sequence[Sequence[frozenset[str] | None]],
    categories: Sequence[str],
    bootstrap_samples: int,
    seed: int,
) -> SetAgreement:
    """A multiple-choice field's statistics from each coder's set per unit (None: missing).

    The distinct sets are the categories of one coincidence matrix; alpha uses the MASI
    or the Jaccard distance between them as its difference function.
    """
    distinct = sorted({s for row in sets for s in row if s is not None}, key=sorted)
    index = {s: i for i, s in enumerate(distinct)}
    codes = np.array(
        [[-1 if s is None else index[s] for s in row] for row in sets], dtype=np.int64
    ).reshape(len(coders), len(unit_ids))
    counts = value_counts(codes, len(distinct))
    n = len(coders)
    exact = percent_agreement(counts, n)
    if exact.value is not None and bootstrap_samples > 0:
        boot = agreement_bootstrap_interval(counts, n_samples=bootstrap_samples, seed=seed)
        exact = with_interval(exact, boot)
    alphas = []
    for kind in SET_DISTANCES:
        distances = distance_matrix(distinct, kind)
        alpha = alpha_with_distances(counts, n, distances)
        if alpha.value is not None and bootstrap_samples > 0:
            interval = alpha_bootstrap_interval(
                counts, "nominal", n_samples=bootstrap_samples, seed=seed, distances=distances
            )
            alpha = with_interval(alpha, interval)
        alphas.append(alpha)
    per_category = {}
    for code in categories:
        values = [[None if s is None else str(int(code in s)) for s in row] for row in sets]
        data = binary_data(f"{key}={code}", unit_ids, coders, values)
        per_category[code] = agreement_report(data, bootstrap_samples=bootstrap_samples, seed=seed)
    return SetAgreement(exact, alphas[0], alphas[1], per_category)


def text_agreement(data: ReliabilityData, bootstrap_samples: int, seed: int) -> Coefficient:
    """Exact-match percent agreement of a short-text field (see `TEXT_ONLY_PERCENT`)."""
    counts = value_counts(data.coded.codes, data.coded.n_categories)
    agreement = percent_agreement(counts, data.n_coders)
    if agreement.value is None or bootstrap_samples <= 0:
        return agreement
    interval = agreement_bootstrap_interval(counts, n_samples=bootstrap_samples, seed=seed)
    return with_interval(agreement, interval)


def detail_lines(details: FieldDetails, stated) -> list[str]:
    """The lines that say what `details` adds to a field's report, for the command line
    and the HTML report alike; `stated(name, coefficient)` writes one coefficient."""
    lines = []
    if details.text is not None:
        lines.append(f"exact-match percent agreement: {stated('percent_agreement', details.text)}")
        lines.append(f"why no other coefficient: {TEXT_ONLY_PERCENT}")
    if details.sets is not None:
        sets = details.sets
        lines.append(f"alpha (MASI distance): {stated('krippendorff_alpha_masi', sets.masi)}")
        lines.append(
            f"alpha (Jaccard distance): {stated('krippendorff_alpha_jaccard', sets.jaccard)}"
        )
        lines.append(f"identical sets: {stated('percent_agreement', sets.exact)}")
        for code, report in sets.per_category.items():
            lines.append(
                f"{code} (chosen or not, binary alpha): "
                f"{stated('krippendorff_alpha', report.krippendorff_alpha)}"
            )
    if details.condition is not None:
        lines.append(condition_line(details.condition, details.unit_noun))
        held = details.condition.held.krippendorff_alpha
        lines.append(f"whether it held (binary alpha): {stated('krippendorff_alpha', held)}")
    if details.versions is not None:
        lines.append(details.versions)
    lines.extend(details.notes)
    return lines


def condition_line(condition: ConditionAgreement, noun: str) -> str:
    """Over which units a conditional field was measured, in words."""
    line = (
        f"asked when {condition.condition}: measured over the {condition.n_units} {noun} "
        "where it held for two coders or more (each coder's own codes decide)"
    )
    if condition.n_set_aside:
        line += f"; {condition.n_set_aside} code(s) set aside where it did not hold for their coder"
    return line


def version_line(pairs: Mapping[tuple[str, str], int]) -> str | None:
    """One line naming the codebook versions that compared codes were made under, when a
    compared pair of codes spans two of them; `pairs` counts pairs by (version, version)."""
    mixed = {versions: n for versions, n in pairs.items() if versions[0] != versions[1]}
    if not mixed:
        return None
    total = sum(mixed.values())
    names = sorted({name for versions in mixed for name in versions})
    return (
        f"codebook versions: {total} compared pair(s) of codes were made under different "
        f"codebook versions ({' and '.join(names)})"
    )
