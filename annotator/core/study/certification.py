"""Certification: how far a coder's training codes agree with the gold, field by field.

Per measured field: Krippendorff's alpha between the gold and the coder's training codes
at the field's level, with its bootstrap interval (`agreement.project_agreement`, the
same statistics as the study's agreement), the confusion matrix of the coder's codes
(rows) against the gold's (columns), and pass or fail against the supervisor's
threshold. The verdict is on alpha itself; the interval is reported beside it so a
supervisor can ask for more training when its lower bound is far below the threshold.
A coder who has not yet coded every gold unit is "incomplete", not failed: alpha over a
few units says little.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.confusion import ConfusionMatrix, confusion_matrix
from annotator.core.agreement.from_project import project_agreement
from annotator.core.agreement.report import FieldAgreement
from annotator.core.coding import service as coding
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.errors import AnnotatorError
from annotator.core.store.project import Project
from annotator.core.store.roles import GOLD
from annotator.core.study.gold import gold_articles
from annotator.core.study.training import trainee_identity

DEFAULT_THRESHOLD = 0.8  # Krippendorff (2004, p. 241): rely on variables with alpha >= .800


@dataclass(frozen=True)
class FieldCertification:
    """One field: alpha against the gold with its interval, the confusions, the verdict."""

    field: str
    agreement: FieldAgreement
    confusion: ConfusionMatrix  # rows: the coder's codes; columns: the gold's
    passed: bool

    @property
    def alpha(self) -> float | None:
        return self.agreement.krippendorff_alpha.value

    def to_dict(self) -> dict[str, object]:
        alpha = self.agreement.krippendorff_alpha
        return {
            "field": self.field,
            "alpha": alpha.value,
            "alpha_level": self.agreement.alpha_level,
            "undefined_reason": alpha.reason,
            "ci95_low": alpha.ci_low,
            "ci95_high": alpha.ci_high,
            "units_compared": self.confusion.n_units,
            "passed": self.passed,
            "confusion": {
                "rows": "coder",
                "columns": "gold",
                "labels": self.confusion.labels,
                "counts": self.confusion.counts,
            },
        }


@dataclass(frozen=True)
class Certification:
    """A coder's certification report against the gold."""

    coder: str
    threshold: float
    gold_units: int
    coded_units: int
    fields: tuple[FieldCertification, ...]

    @property
    def verdict(self) -> str:
        """ "pass", "fail", or "incomplete" while gold units are left to code."""
        if self.coded_units < self.gold_units:
            return "incomplete"
        return "pass" if all(f.passed for f in self.fields) else "fail"

    def to_dict(self) -> dict[str, object]:
        return {
            "coder": self.coder,
            "threshold": self.threshold,
            "gold_units": self.gold_units,
            "coded_units": self.coded_units,
            "verdict": self.verdict,
            "fields": [f.to_dict() for f in self.fields],
        }


def certify(
    project: Project,
    coder: str,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> Certification:
    """`coder`'s training codes against the gold, in every measured field."""
    if not 0 < threshold <= 1:
        raise AnnotatorError(f"the threshold is an alpha between 0 and 1, not {threshold}")
    if not gold_articles(project):
        raise AnnotatorError("no gold articles yet: mark some with `annotator gold`")
    identity = trainee_identity(coder)
    gold = coding.coder_codes(project, GOLD)
    mine = coding.coder_codes(project, identity)
    if not mine:
        raise AnnotatorError(f"{coder!r} has no training codes yet")
    fields = measured_fields(project)
    agreement = project_agreement(
        project, fields, [GOLD, identity], bootstrap_samples=bootstrap_samples, seed=seed
    )
    results = []
    for key in fields:
        report = agreement.fields.get(key)
        if report is None:  # a short text or a multiple choice: no single alpha to pass
            continue
        if report.n_pairable_values == 0:  # the gold asks nothing of it (an optional field)
            continue
        matrix = confusion_matrix(project, key, identity, GOLD)
        results.append(FieldCertification(key, report, matrix, _passes(report, threshold)))
    measured = set(fields)
    coded = sum(
        1 for unit, codes in gold.items() if _answered(project, measured, codes, mine.get(unit))
    )
    return Certification(coder.strip(), threshold, len(gold), coded, tuple(results))


def _passes(report: FieldAgreement, threshold: float) -> bool:
    """Alpha at or above the threshold; where alpha is undefined because the gold's codes
    do not vary (one gold article's story type), the trainee passes by matching every one
    of them, as alpha would reward if it could be computed."""
    alpha = report.krippendorff_alpha.value
    if alpha is not None:
        return alpha >= threshold
    return report.percent_agreement.value == 1.0


def _answered(
    project: Project, measured: set[str], gold: dict[str, str], mine: dict[str, str] | None
) -> bool:
    """Whether the trainee answered every measured field the gold answers on a unit that
    is asked of them (a conditional field only where their own codes make it hold)."""
    keys = set(gold).intersection(measured)
    if mine is None or not keys:
        return mine is not None
    scope = project.codebook.field(next(iter(keys))).scope
    asked = project.codebook.applicable(scope, mine)
    return all(key in mine for key in keys if key in asked)
