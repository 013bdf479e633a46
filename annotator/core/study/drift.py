"""Drift: each coder's agreement with her own earlier codes, next to agreement between coders.

For each scheduled re-check (`study.recheck`) and each measured field: Krippendorff's alpha
between the coder's original codes and her re-check codes (intra-coder agreement, the
stability of Krippendorff 2004, ch. 11.1) with its bootstrap interval, and beside it the
alpha of the study's coders over the same units (inter-coder agreement, the
reproducibility a study reports). Both come from `agreement` (`project_reliability`,
`by_unit_groups`), the same statistics as the study's report. A coder whose intra-coder
alpha falls from one re-check to the next drifts; one whose intra-coder alpha stays high
while inter-coder alpha is low codes consistently in her own way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.from_project import project_reliability
from annotator.core.agreement.report import FieldAgreement, by_unit_groups
from annotator.core.coding import service as coding
from annotator.core.coding.lookups import unit_key
from annotator.core.coding.measured_fields import measured_fields
from annotator.core.store.models import Article, Unit
from annotator.core.store.project import Project
from annotator.core.study.recheck import Recheck, recheck_identity, rechecks


@dataclass(frozen=True)
class FieldDrift:
    """One field of one re-check: the coder against herself, and the coders together."""

    field: str
    intra: FieldAgreement | None  # the original codes against the re-check codes (None
    # until the coder has coded some of the re-check)
    inter: FieldAgreement  # the study's coders over the same units

    def to_dict(self) -> dict[str, object]:
        intra = None if self.intra is None else _alpha(self.intra)
        return {"field": self.field, "intra": intra, "inter": _alpha(self.inter)}


@dataclass(frozen=True)
class RecheckDrift:
    """One re-check of one coder: when, how many units came back and were coded again."""

    recheck: Recheck
    units_recoded: int
    fields: tuple[FieldDrift, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "coder": self.recheck.coder,
            "scheduled_at": self.recheck.scheduled_at,
            "units": len(self.recheck.units),
            "units_recoded": self.units_recoded,
            "fields": [f.to_dict() for f in self.fields],
        }


def _alpha(report: FieldAgreement) -> dict[str, object]:
    alpha = report.krippendorff_alpha
    return {
        "alpha": alpha.value,
        "undefined_reason": alpha.reason,
        "ci95_low": alpha.ci_low,
        "ci95_high": alpha.ci_high,
        "units": report.n_units,
        "coders": list(report.coders),
    }


def drift(
    project: Project,
    coder: str | None = None,
    *,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> list[RecheckDrift]:
    """Every re-check (of one coder, or everyone's), oldest first, with its figures."""
    fields = measured_fields(project)
    names = _unit_names(project)
    study = project_reliability(project, fields)
    results = []
    for recheck in rechecks(project, coder):
        identity = recheck_identity(recheck.coder)
        recoded = coding.coder_codes(project, identity)
        group = {"recheck": [names[u] for u in recheck.units if u in names]}
        pair = project_reliability(project, fields, [recheck.coder, identity]) if recoded else {}
        rows = []
        for key in fields:
            inter = by_unit_groups(study[key], group, None, bootstrap_samples, seed)["recheck"]
            intra = by_unit_groups(pair[key], group, None, bootstrap_samples, seed) if pair else {}
            rows.append(FieldDrift(key, intra.get("recheck"), inter))
        units_recoded = sum(1 for unit in recheck.units if unit in recoded)
        results.append(RecheckDrift(recheck, units_recoded, tuple(rows)))
    return results


def _unit_names(project: Project) -> dict[int, str]:
    """Unit id -> its readable key (`article#3`), the names reliability data uses."""
    with project.reading() as session:
        rows = session.exec(
            select(Unit.id, Article.key, Unit.idx).join(Article, col(Article.id) == Unit.article_id)
        ).all()
    return {unit: unit_key(article, idx) for unit, article, idx in rows if unit is not None}
