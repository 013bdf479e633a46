"""Search every article for a word, shown as keyword in context (KWIC).

Each match is one row: the text just before it, the match as it is written, the text
just after, and the unit it is in. Matching is case-insensitive for any script
(Python's Unicode case folding, which SQLite's LIKE lacks beyond ASCII), so the units
are read in coding order in batches and searched here; the number of matches kept is
bounded (`limit`) and the scan stops there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import col

from annotator.core.coding.lookups import unit_key
from annotator.core.errors import AnnotatorError
from annotator.core.store.models import Article, Unit, wide_select
from annotator.core.store.project import Project

CONTEXT = 60  # characters of context on each side
DEFAULT_LIMIT = 2000
MAX_LIMIT = 50_000
MAX_QUERY = 200  # characters: a search word or phrase, never a document
_BATCH = 2000


@dataclass(frozen=True)
class KeywordHit:
    """One match: its context, and the unit (and article) it is in."""

    left: str
    match: str
    right: str
    article_id: int
    article_key: str
    article_title: str
    unit_id: int
    idx: int

    @property
    def unit_key(self) -> str:
        return unit_key(self.article_key, self.idx)


@dataclass(frozen=True)
class KeywordSearch:
    hits: list[KeywordHit]
    truncated: bool


def pattern_for(text: str, *, whole_word: bool = False) -> re.Pattern[str]:
    """The search as a case-insensitive pattern of the literal text (never a regex the
    user wrote); whole words: not inside a longer word on either side."""
    text = text.strip()
    if not text:
        raise AnnotatorError("nothing to search for")
    if len(text) > MAX_QUERY:
        raise AnnotatorError(f"the search is longer than {MAX_QUERY} characters")
    body = re.escape(text)
    if whole_word:
        body = rf"(?<!\w){body}(?!\w)"
    return re.compile(body, re.IGNORECASE)


def search_articles(
    project: Project,
    text: str,
    *,
    whole_word: bool = False,
    limit: int = DEFAULT_LIMIT,
    context: int = CONTEXT,
) -> KeywordSearch:
    """Every match of `text` in every unit of every article, in coding order."""
    if not 1 <= limit <= MAX_LIMIT:
        raise AnnotatorError(f"the limit must be between 1 and {MAX_LIMIT}")
    pattern = pattern_for(text, whole_word=whole_word)
    hits: list[KeywordHit] = []
    with project.reading() as session:
        rows = session.exec(
            wide_select(Unit.id, Unit.idx, Unit.text, Article.id, Article.key, Article.title)
            .join(Article, col(Article.id) == Unit.article_id)
            .order_by(col(Article.position), col(Article.id), col(Unit.idx))
            .execution_options(yield_per=_BATCH)  # a server-side cursor on PostgreSQL
        )
        try:
            for unit_id, idx, unit_text, article_id, key, title in rows:
                for found in pattern.finditer(unit_text):
                    if len(hits) == limit:
                        return KeywordSearch(hits, True)
                    hits.append(
                        KeywordHit(
                            _one_line(unit_text[max(0, found.start() - context) : found.start()]),
                            found.group(),
                            _one_line(unit_text[found.end() : found.end() + context]),
                            article_id,
                            key,
                            title,
                            unit_id,
                            idx,
                        )
                    )
        finally:
            rows.close()  # stopped at the limit: the cursor is closed now, not at collection
    return KeywordSearch(hits, False)


def _one_line(text: str) -> str:
    """Context on one line: line breaks and tabs read as spaces."""
    return " ".join(text.split(None)) if "\n" in text or "\t" in text else text
