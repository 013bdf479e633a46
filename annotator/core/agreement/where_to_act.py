"""Agreement where it helps to act: the worst articles, each coder, the confused categories.

One figure per field says whether the study is reliable; it does not say what to do.
These break it down the way a supervisor acts on it: articles worst first (read them,
adjudicate them, retrain on them), each coder against the consensus and against each
other coder (who needs retraining), and the pairs of categories coders most often give
the same unit (which definitions need sharpening). Statistics are the package's own
(`project_agreement`); gold and training codes are left out as everywhere in agreement.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from annotator.core.agreement.bootstrap import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED
from annotator.core.agreement.field_details import TYPE_NAMES
from annotator.core.agreement.from_project import project_agreement, project_reliability
from annotator.core.agreement.report import FieldAgreement
from annotator.core.codebook import Scope
from annotator.core.coding.coded_groups import coded_groups, coder_names
from annotator.core.errors import AnnotatorError
from annotator.core.field_values import FieldType
from annotator.core.store.project import Project
from annotator.core.store.roles import CONSENSUS


@dataclass(frozen=True)
class ArticleAgreement:
    """One article's agreement in one field."""

    article: str
    alpha: float | None
    percent: float | None
    units: int

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CoderAgreement:
    """One coder against another coder or the consensus, in one field."""

    coder: str
    other: str
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    units: int

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Confusion:
    """Two categories given to one unit by two coders, and how often."""

    code_a: str
    code_b: str
    count: int

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def worst_articles(
    project: Project, field: str, *, bootstrap_samples: int = 0
) -> list[ArticleAgreement]:
    """Articles coded by two or more coders, lowest alpha first (an undefined alpha, where
    every coder gave one category, sorts by percent agreement after the defined ones);
    ties by article order. A unit field with one alpha only (`one_alpha`)."""
    one_alpha(project, field, units_only=True)
    result = project_agreement(
        project, [field], by_article=True, bootstrap_samples=bootstrap_samples
    )
    rows = [
        ArticleAgreement(
            name,
            report.krippendorff_alpha.value,
            report.percent_agreement.value,
            report.percent_agreement.n_units,
        )
        for name, report in result.by_article.get(field, {}).items()
        if report.percent_agreement.n_units
    ]
    order = {row.article: i for i, row in enumerate(rows)}
    return sorted(
        rows,
        key=lambda r: (
            r.alpha is None,
            r.alpha if r.alpha is not None else r.percent or 0.0,
            order[r.article],
        ),
    )


def coder_agreements(
    project: Project,
    field: str,
    *,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> list[CoderAgreement]:
    """Each coder against the consensus (where there is one) and against each other
    coder: alpha at the field's level with its interval, over the units both coded."""
    one_alpha(project, field)
    data = project_reliability(project, [field], include_consensus=True)[field]
    coders = [name for name in data.coders if name != CONSENSUS]
    pairs = [(name, CONSENSUS) for name in coders if CONSENSUS in data.coders]
    pairs += list(combinations(coders, 2))
    result = []
    for a, b in pairs:
        report = project_agreement(
            project, [field], [a, b], bootstrap_samples=bootstrap_samples, seed=seed
        ).fields[field]
        result.append(_pair(a, b, report))
    return result


def one_alpha(project: Project, field: str, *, units_only: bool = False) -> None:
    """Refuse, in one line, a field these breakdowns cannot take: a short text or a
    multiple choice has no single alpha (`annotator agreement` gives their figures); with
    `units_only`, an article field, which has one unit per article."""
    book_field = project.codebook.field(field)  # a CodebookError names an unknown field
    if book_field.type in (FieldType.TEXT, FieldType.MULTIPLE):
        raise AnnotatorError(
            f"field {field!r} is {TYPE_NAMES[str(book_field.type)]}: it has no single "
            "alpha to break down; `annotator agreement` gives its figures"
        )
    if units_only and book_field.scope is Scope.ARTICLE:
        raise AnnotatorError(
            f"field {field!r} is coded once per article: this breakdown is of the units "
            "within articles; `annotator agreement` gives it over the articles"
        )


def _pair(a: str, b: str, report: FieldAgreement) -> CoderAgreement:
    alpha = report.krippendorff_alpha
    return CoderAgreement(a, b, alpha.value, alpha.ci_low, alpha.ci_high, alpha.n_units)


def confused_categories(project: Project, field: str) -> list[Confusion]:
    """Pairs of different codes two coders gave one unit, most frequent first: every pair
    of coders on every unit counts once, in either order."""
    one_alpha(project, field, units_only=True)
    with project.reading() as session:
        names = coder_names(session, None)
        groups = coded_groups(session, project, names, [field], None)
    labels = [c.code for c in project.codebook.field(field).categories]
    rank = {code: i for i, code in enumerate(labels)}
    counts: Counter[tuple[str, str]] = Counter()
    for codes in groups.values():
        for (_, x), (_, y) in combinations(sorted(codes.items()), 2):
            if x != y:
                a, b = sorted((x, y), key=lambda c: (rank.get(c, len(rank)), c))
                counts[a, b] += 1
    ordered = sorted(
        counts.items(),
        key=lambda item: (-item[1], rank.get(item[0][0], 0), rank.get(item[0][1], 0)),
    )
    return [Confusion(a, b, n) for (a, b), n in ordered]
