"""How well the suggester agrees with a gold standard: attribution codes and cue spans.

The gold is a JSON file of articles whose sentences carry a hand-coded attribution
code and cue spans (tests/data/attribution-gold.json describes the format). The
suggester runs on the gold's own sentence boundaries, so segmentation errors do not
count against it. Agreement is exact agreement and Krippendorff's alpha at the field's
level of measurement, computed by `annotator.core.agreement` like any two coders; a
predicted cue counts as found when it overlaps a gold cue of the same sentence
(partial match, as in attribution-relation evaluations), and exact matches are
reported too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from math import sqrt
from typing import cast

from annotator.core.agreement import Level, ReliabilityData, agreement_report
from annotator.core.codebook import Codebook
from annotator.core.suggest.suggester import Suggester, UnitSuggestion

GOLD_CODER = "gold"
MACHINE_CODER = "suggester"


@dataclass(frozen=True)
class GoldSentence:
    key: str
    start: int
    end: int
    text: str
    attribution: str
    cues: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldArticle:
    key: str
    style: str
    text: str
    sentences: tuple[GoldSentence, ...]


@dataclass(frozen=True)
class Evaluation:
    n_sentences: int
    exact_agreement: float
    alpha: float | None
    alpha_level: str
    cue_precision: float
    cue_recall: float
    cue_f1: float
    cue_exact_f1: float
    mistakes: tuple[tuple[GoldSentence, str], ...]
    source_precision: float = 0.0
    source_recall: float = 0.0
    source_f1: float = 0.0
    by_style: tuple[tuple[str, int, float], ...] = ()
    calibration: tuple[Band, ...] = ()
    shown: int = 0
    shown_right: int = 0


@dataclass(frozen=True)
class Band:
    """Suggestions whose confidence is in [low, high): how many, and how many were right."""

    low: float
    high: float
    n: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.n if self.n else None


CALIBRATION_EDGES = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)
NO_SOURCE = frozenset({"unattributed", "not_applicable"})


def read_gold(data: dict) -> list[GoldArticle]:
    """Gold articles from the decoded gold JSON."""
    articles = []
    for article in data["articles"]:
        sentences = tuple(
            GoldSentence(
                f"{article['key']}#{number}",
                s["start"],
                s["end"],
                s["text"],
                s["attribution"],
                tuple((c["start"], c["end"]) for c in s["cues"]),
            )
            for number, s in enumerate(article["sentences"], start=1)
        )
        articles.append(GoldArticle(article["key"], article["style"], article["text"], sentences))
    return articles


def suggest_gold(suggester: Suggester, articles: Sequence[GoldArticle]) -> list[UnitSuggestion]:
    """The suggester's suggestions for every gold sentence, in gold order."""
    result: list[UnitSuggestion] = []
    for article in articles:
        spans = [(s.start, s.end) for s in article.sentences]
        result += suggester.suggest_article(article.text, spans)
    return result


def evaluate(
    codebook: Codebook,
    articles: Sequence[GoldArticle],
    suggestions: Sequence[UnitSuggestion],
    field: str = "attribution",
    threshold: float = 0.0,
) -> Evaluation:
    """Agreement of the suggestions with the gold on `field`, source and cue detection
    scores, agreement by style and by confidence band, and how many suggestions reach
    `threshold` (the window shows those) and how many of those are right."""
    gold = [s for article in articles for s in article.sentences]
    machine = [s.codes[field].code if field in s.codes else None for s in suggestions]
    agree = sum(g.attribution == m for g, m in zip(gold, machine, strict=True))
    book_field = codebook.field(field)
    data = ReliabilityData(
        field,
        [g.key for g in gold],
        [GOLD_CODER, MACHINE_CODER],
        [[g.attribution for g in gold], machine],
        level=cast(Level, str(book_field.level)),
        categories={c.code: c.value for c in book_field.scale if c.value is not None},
        outside_scale=frozenset(c.code for c in book_field.categories if c.outside_scale),
    )
    report = agreement_report(data, bootstrap_samples=0)
    found = [tuple((c.cue.start, c.cue.end) for c in s.cues) for s in suggestions]
    precision, recall, f1 = _cue_scores(gold, found, _overlaps)
    exact = _cue_scores(gold, found, lambda a, b: a == b)[2]
    mistakes = tuple(
        (g, m or "-") for g, m in zip(gold, machine, strict=True) if g.attribution != m
    )
    confidences = [s.codes[field].confidence if field in s.codes else 0.0 for s in suggestions]
    right = [g.attribution == m for g, m in zip(gold, machine, strict=True)]
    return Evaluation(
        len(gold),
        agree / len(gold) if gold else 0.0,
        report.krippendorff_alpha.value,
        report.alpha_level,
        precision,
        recall,
        f1,
        exact,
        mistakes,
        *_source_scores(gold, machine),
        _by_style(articles, right),
        calibration(confidences, right),
        sum(c >= threshold for c in confidences),
        sum(r for c, r in zip(confidences, right, strict=True) if c >= threshold),
    )


def _source_scores(
    gold: Sequence[GoldSentence], machine: Sequence[str | None]
) -> tuple[float, float, float]:
    """Source detection: does the sentence have a source (any code but unattributed and
    not applicable)? Precision, recall and F1 of the suggester's answer to that."""
    has = [g.attribution not in NO_SOURCE for g in gold]
    says = [m is not None and m not in NO_SOURCE for m in machine]
    both = sum(h and s for h, s in zip(has, says, strict=True))
    precision = both / sum(says) if sum(says) else 0.0
    recall = both / sum(has) if sum(has) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _by_style(articles: Sequence[GoldArticle], right: Sequence[bool]) -> tuple:
    """(style, sentences, exact agreement) for each style, in order of first appearance."""
    counts: dict[str, list[int]] = {}
    position = 0
    for article in articles:
        tally = counts.setdefault(article.style, [0, 0])
        for _ in article.sentences:
            tally[0] += 1
            tally[1] += right[position]
            position += 1
    return tuple((style, n, good / n if n else 0.0) for style, (n, good) in counts.items())


# The 97.5th percentile of the standard normal distribution: a 95% two-sided interval.
Z_95 = 1.959963984540054


def wilson_interval(proportion: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (95% by default) for a proportion seen in n trials: how
    far a style's agreement over a few sentences may be from the rate the rules would
    have on much more text of that style. Wilson rather than the normal approximation
    because styles hold few sentences and agreement sits near 1, where the normal
    interval runs past 1 and undercovers (Newcombe 1998, Statistics in Medicine 17,
    857-872). Written here: three lines of arithmetic, against statsmodels and scipy
    as new dependencies for them."""
    if n <= 0:
        return (0.0, 1.0)
    shrink = 1 + z * z / n
    centre = (proportion + z * z / (2 * n)) / shrink
    half = z * sqrt(proportion * (1 - proportion) / n + z * z / (4 * n * n)) / shrink
    return (max(0.0, centre - half), min(1.0, centre + half))


def calibration(confidences: Sequence[float], right: Sequence[bool]) -> tuple[Band, ...]:
    """Accuracy by confidence band: whether a suggestion's confidence means what it says."""
    bands = []
    for low, high in pairwise(CALIBRATION_EDGES):
        inside = [r for c, r in zip(confidences, right, strict=True) if low <= c < high]
        bands.append(Band(low, min(high, 1.0), len(inside), sum(inside)))
    return tuple(bands)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _cue_scores(gold: Sequence[GoldSentence], found, match) -> tuple[float, float, float]:
    true_found = sum(
        any(match(p, g) for g in sentence.cues)
        for sentence, predicted in zip(gold, found, strict=True)
        for p in predicted
    )
    true_gold = sum(
        any(match(p, g) for p in predicted)
        for sentence, predicted in zip(gold, found, strict=True)
        for g in sentence.cues
    )
    n_found = sum(len(p) for p in found)
    n_gold = sum(len(s.cues) for s in gold)
    precision = true_found / n_found if n_found else 0.0
    recall = true_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
