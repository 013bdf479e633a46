"""The typed study (tests/data/codebooks/typed-study.json) coded by two coders, ann and bob,
over five invented articles of one sentence each; the values are worked by hand in
tests/core/test_agreement_typed.py."""

from __future__ import annotations

from pathlib import Path

from annotator.core.codebook import load_codebook
from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.ingest.documents import Block, ParsedArticle
from annotator.core.ingest.into_project import ImportReport, store_articles
from annotator.core.store.project import Project

TYPED = load_codebook(Path(__file__).parent / "data" / "codebooks" / "typed-study.json")
ARTICLES = [f"art-{n}" for n in range(1, 6)]

# Article fields, one value per article (art-1 .. art-5); None: not coded.
STORY_KIND = {
    "ann": ["news", "news", "opinion", "opinion", "news"],
    "bob": ["news", "opinion", "opinion", "opinion", "news"],
}
TOPICS = {
    "ann": ["politics", "politics;economy", "economy", "politics;economy", "politics"],
    "bob": ["politics", "politics", "economy", "politics;economy", "economy"],
}
COLUMN_AUTHOR = {  # asked only of opinion pieces
    "ann": [None, None, "Jane Roe", "Sam Poe", None],
    "bob": [None, "Al Doe", "Jane Roe", "S. Poe", None],
}
EVENT_DATE = {
    "ann": ["2026-03-01", "2026-03-02", "2026-03-05", None, "2026-03-10"],
    "bob": ["2026-03-01", "2026-03-03", "2026-03-05", "2026-03-08", "2026-03-10"],
}
# Unit fields, one value per sentence (the one sentence of each article).
SOURCE = {
    "ann": ["anonymous", "anonymous", "anonymous", "named", "anonymous"],
    "bob": ["anonymous", "anonymous", "named", "named", "anonymous"],
}
REASON = {  # asked only when the source is anonymous
    "ann": ["given", "not_given", "given", None, "not_given"],
    "bob": ["given", "given", None, None, "not_given"],
}
SOURCES_CITED = {"ann": ["1", "2", "3", "0", "4"], "bob": ["1", "2", "4", "0", "4"]}


def five_articles() -> list[ParsedArticle]:
    articles = []
    for n, key in enumerate(ARTICLES, start=1):
        text = f"Officials said the plan number {n} would go ahead."
        articles.append(
            ParsedArticle(text, [Block("paragraph", 0, len(text))], f"Story {n}", key, f"<{key}>")
        )
    return articles


def typed_project(location) -> Project:
    """The typed-study codebook, five articles, ann's and bob's codes (above)."""
    project = Project.create(location, TYPED)
    report = ImportReport()
    store_articles(project, five_articles(), report)
    assert not report.failures
    for coder in ("ann", "bob"):
        for i, key in enumerate(ARTICLES):
            article = lookups.find_unit(project, f"{key}#0")
            codes = {
                "story_kind": STORY_KIND[coder][i],
                "topics": TOPICS[coder][i],
                "column_author": COLUMN_AUTHOR[coder][i],
                "event_date": EVENT_DATE[coder][i],
            }
            coding.apply_codes(project, coder, article.id, _given(codes))
            (sentence,) = lookups.list_units(project, key)
            codes = {
                "source": SOURCE[coder][i],
                "reason": REASON[coder][i],
                "sources_cited": SOURCES_CITED[coder][i],
            }
            coding.apply_codes(project, coder, sentence.id, _given(codes))
    return project


def _given(codes: dict[str, str | None]) -> dict[str, str]:
    return {key: value for key, value in codes.items() if value is not None}
