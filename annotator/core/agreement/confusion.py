"""Confusion matrices: how two coders\' codes of one field cross."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.coding.coded_groups import coded_groups, coder_names
from annotator.core.store.project import Project


@dataclass(frozen=True)
class ConfusionMatrix:
    """How often coder A chose each label (rows) when coder B chose each label (columns)."""

    field: str
    coder_a: str
    coder_b: str
    labels: list[str]
    counts: list[list[int]]

    @property
    def n_units(self) -> int:
        return sum(map(sum, self.counts))


def confusion_matrix(project: Project, field: str, coder_a: str, coder_b: str) -> ConfusionMatrix:
    """Cross-table of two coders' codes on the units both coded; labels in codebook order
    (any code the codebook no longer has comes last)."""
    labels = [c.code for c in project.codebook.field(field).categories]
    with project.reading() as session:
        coder_names(session, [coder_a, coder_b])
        groups = coded_groups(session, project, [coder_a, coder_b], [field], None)
    pairs = [(c[coder_a], c[coder_b]) for c in groups.values() if coder_a in c and coder_b in c]
    labels += sorted({code for pair in pairs for code in pair} - set(labels))
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for a, b in pairs:
        counts[index[a]][index[b]] += 1
    return ConfusionMatrix(field, coder_a, coder_b, labels, counts)
