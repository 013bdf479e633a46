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
) -> Evaluation:
    """Agreement of the suggestions with the gold on `field`, and cue detection scores."""
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
    )


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
