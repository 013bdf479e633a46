"""Read-only queries the coding window needs, shaped for speed and free of Qt.

The coding window lists thousands of articles and opens articles of thousands of
sentences; loading full ORM rows (with every article's text) for that is the slow
part, so these queries select only the columns a view shows. Codes are not read
here: the window reads them through `coding.coder_codes`, which keeps coding blind.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import col, select

from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.article_metadata import metadata_of, near_duplicates
from annotator.core.coding.memos import MEMO_KEY
from annotator.core.store.article_units import TEXT_UNIT
from annotator.core.store.models import Article, History, Unit, wide_select
from annotator.core.store.project import Project

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


@dataclass(frozen=True)
class ArticleSummary:
    """One line of the article list: what it is and how far this coder has got."""

    id: int
    key: str
    title: str
    outlet: str
    published: str
    complete: int
    total: int
    author: str = ""
    language: str = ""  # ISO code, when the import knew it (archive exports)
    near_duplicate_of: str = ""  # the key of the article this one nearly duplicates
    memo: str = ""  # the memo kept on the article (`memos`), shown above its text

    @property
    def finished(self) -> bool:
        return self.complete >= self.total


@dataclass(frozen=True)
class ReaderUnit:
    """A unit as the reader shows it; `new_block` marks the first unit of a paragraph."""

    id: int
    idx: int
    kind: str
    text: str
    new_block: bool


def article_summaries(
    project: Project, coder: str, only: Collection[str] | None = None
) -> list[ArticleSummary]:
    """Every article in coding order with this coder's progress, without loading texts;
    with `only` (article SHA-256s: a coder's assignment, `study.assign.assigned_articles`)
    just those, so a coder of a shared project sees the articles assigned to them."""
    with project.reading() as session:
        rows = session.exec(
            wide_select(*lookups.SUMMARY_COLUMNS, Article.metadata_json, Article.sha256).order_by(
                col(Article.position), col(Article.id)
            )
        ).all()
    if only is not None:
        wanted = set(only)  # filtered here: a study's thousands of hashes exceed SQL's parameters
        rows = [row for row in rows if row[7] in wanted]
    done = coding.progress(project, coder)
    metadata = {row[0]: metadata_of(row[6]) for row in rows}
    pairs = near_duplicates((row[1], metadata[row[0]]) for row in rows)
    summaries = []
    for article_id, key, title, outlet, published, author, _, _ in rows:
        counts = done.get(article_id)
        summaries.append(
            ArticleSummary(
                article_id,
                key,
                title,
                outlet or "",
                published or "",
                counts.complete if counts else 0,
                counts.total if counts else 0,
                author or "",
                metadata[article_id].get("language", ""),
                pairs.get(key, ""),
                metadata[article_id].get(MEMO_KEY, ""),
            )
        )
    return summaries


def article_units(project: Project, article_id: int) -> list[ReaderUnit]:
    """The units of one article in reading order, each knowing whether a paragraph starts."""
    with project.reading() as session:
        text = session.exec(select(Article.text).where(Article.id == article_id)).one()
        rows = session.exec(
            wide_select(Unit.id, Unit.idx, Unit.kind, Unit.start, Unit.end, Unit.text)
            .where(col(Unit.article_id) == article_id, TEXT_UNIT)
            .order_by(col(Unit.idx))
        ).all()
    units = []
    previous_end: int | None = None
    previous_kind = ""
    for unit_id, idx, kind, start, end, unit_text in rows:
        new_block = (
            previous_end is None
            or kind != "sentence"
            or previous_kind != "sentence"
            or _BLANK_LINE.search(text, previous_end, start) is not None
        )
        units.append(ReaderUnit(unit_id, idx, kind, unit_text, new_block))
        previous_end, previous_kind = end, kind
    return units


def last_article_of(project: Project, coder: str) -> int | None:
    """The article this coder changed most recently (from the history), or None."""
    with project.reading() as session:
        return session.exec(
            select(Article.id)
            .join(History, col(History.article_sha256) == Article.sha256)
            .where(History.coder == coder)
            .order_by(col(History.id).desc())
            .limit(1)
        ).first()
