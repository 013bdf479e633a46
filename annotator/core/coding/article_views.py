"""Read-only queries the coding window needs, shaped for speed and free of Qt.

The coding window lists up to 100,000 articles and opens articles of thousands of
sentences; loading full ORM rows (with every article's text) for that is the slow
part, so these queries select only the columns a view shows. The list reads in two
steps: `article_order` once (every article's id, key, outlet and date: what ordering,
the facets and the near-duplicate marks need), then `article_page` for the rows on
screen, with this coder's progress read through the indexes for just those articles;
nothing on the way to a usable window sums every article's codes. Codes are not read
here: the window reads them through `coding.coder_codes`, which keeps coding blind.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import case
from sqlmodel import col, select

from annotator.core.coding import lookups
from annotator.core.coding import service as coding
from annotator.core.coding.article_metadata import metadata_of, near_duplicates
from annotator.core.coding.memos import MEMO_KEY
from annotator.core.ingest.near_duplicates import NEAR_DUPLICATE_OF
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
        return coding.is_finished(self.complete, self.total)

    @property
    def search_text(self) -> str:
        """What the list's filter searches (`search_text`)."""
        return search_text(self.title, self.outlet, self.published, self.key)


def search_text(title: str, outlet: str, published: str, key: str) -> str:
    """The words the article list's filter looks in: title, outlet, date and key."""
    return f"{title} {outlet} {published} {key}"


@dataclass(frozen=True)
class ArticleOrder:
    """The articles a coder lists, in coding order: for each, only what ordering, the
    outlet and month facets and the near-duplicate marks need (parallel lists), so a
    project of 100,000 articles is ordered without reading a title or a code."""

    ids: list[int]
    keys: list[str]
    outlets: list[str]
    published: list[str]
    twins: dict[str, str]  # near-duplicate pairs by article key, both ways round


@dataclass(frozen=True)
class ReaderUnit:
    """A unit as the reader shows it; `new_block` marks the first unit of a paragraph."""

    id: int
    idx: int
    kind: str
    text: str
    new_block: bool


LIST_PAGE = 100  # articles whose rows `article_page` reads at once: a few screens' worth


def article_order(project: Project, only: Collection[str] | None = None) -> ArticleOrder:
    """Every article in coding order (the position index orders them); with `only`
    (article SHA-256s: a coder's assignment, `study.assign.assigned_articles`) just
    those. Metadata is read only where it flags a near-duplicate."""
    flagged = case(
        (col(Article.metadata_json).contains(NEAR_DUPLICATE_OF), Article.metadata_json),
        else_=None,
    )
    columns = [Article.id, Article.key, Article.outlet, Article.published, flagged]
    if only is not None:
        columns.append(Article.sha256)
    with project.reading() as session:
        rows = session.exec(
            wide_select(*columns).order_by(col(Article.position), col(Article.id))
        ).all()
    if only is not None:
        wanted = set(only)  # filtered here: a study's thousands of hashes exceed SQL's parameters
        rows = [row for row in rows if row[5] in wanted]
    keys = [row[1] for row in rows]
    marked = [(row[1], metadata_of(row[4])) for row in rows if row[4] is not None]
    twins = near_duplicates(marked, keys) if marked else {}
    return ArticleOrder(
        [row[0] for row in rows],
        keys,
        [row[2] or "" for row in rows],
        [row[3] or "" for row in rows],
        twins,
    )


def article_page(
    project: Project, coder: str, ids: Sequence[int], twins: Mapping[str, str]
) -> list[ArticleSummary]:
    """The list's rows of these articles (a page: up to `LIST_PAGE`), in the order given,
    with this coder's progress; an id no longer in the project is left out."""
    with project.reading() as session:
        rows = session.exec(
            wide_select(*lookups.SUMMARY_COLUMNS, Article.metadata_json).where(
                col(Article.id).in_(ids)
            )
        ).all()
    done = coding.progress(project, coder, ids)
    by_id = {row[0]: row for row in rows}
    summaries = []
    for article_id in ids:
        if article_id not in by_id:
            continue
        _, key, title, outlet, published, author, metadata_json = by_id[article_id]
        metadata = metadata_of(metadata_json)
        counts = done[article_id]
        summaries.append(
            ArticleSummary(
                article_id,
                key,
                title,
                outlet or "",
                published or "",
                counts.complete,
                counts.total,
                author or "",
                metadata.get("language", ""),
                twins.get(key, ""),
                metadata.get(MEMO_KEY, ""),
            )
        )
    return summaries


def article_search_texts(project: Project) -> dict[int, str]:
    """Article id -> what the list's filter searches in it (`search_text`), for every
    article: read when a filter is first typed, not when the list opens."""
    with project.reading() as session:
        rows = session.exec(
            wide_select(Article.id, Article.title, Article.outlet, Article.published, Article.key)
        ).all()
    return {
        article_id: search_text(title, outlet or "", published or "", key)
        for article_id, title, outlet, published, key in rows
    }


def article_summaries(
    project: Project, coder: str, only: Collection[str] | None = None
) -> list[ArticleSummary]:
    """Every article in coding order with this coder's progress, without loading texts
    (`article_order`, then every page of it): for listings that want them all at once."""
    order = article_order(project, only)
    summaries = []
    for first in range(0, len(order.ids), LIST_PAGE):
        page = order.ids[first : first + LIST_PAGE]
        summaries += article_page(project, coder, page, order.twins)
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
    """The article this coder changed most recently (from the history), or None.

    Someone who never coded here (no coder row: a new coder, or one who only edited
    article details) has None at once: the history has no index by coder, and looking
    for a name it does not hold would read all of it (1.2 s at 10,000 articles).
    """
    with project.reading() as session:
        if project.coder_id(session, coder, create=False) is None:
            return None
        return session.exec(
            select(Article.id)
            .join(History, col(History.article_sha256) == Article.sha256)
            .where(History.coder == coder)
            .order_by(col(History.id).desc())
            .limit(1)
        ).first()
