"""The `sources` layout: one row per source, article and coder.

Each row names the article (as every layout does), the coder, the source's id (stable,
coding/sources_service.py) and label, how many mentions it has, its first mention (the
words and the unit holding them), the keys of the units linked to it (the claims resting
on it, joined by ";"; `claim_units`: those where it is the claim's own source, first),
and the codebook's source fields in the cells of `field_cells` (every type; "not
applicable" apart from "not coded"). Articles come in their order, coders by name,
sources in the order the coder made them. A coder in scope with no source of an article
has no row for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from sqlmodel import Session, col, select

from annotator.core import layout_columns as layout_names
from annotator.core.codebook import CodebookField
from annotator.core.coding.source_lists import SourceList
from annotator.core.coding.sources_service import article_lists
from annotator.core.export.field_cells import (
    COUNT,
    SHARE,
    TEXT,
    Column,
    FieldCells,
    field_columns,
)
from annotator.core.export.scope import Scope
from annotator.core.store.models import Article, Unit, saved_id

SOURCE_ID = "source_id"


class Layout(Protocol):
    """What of rows.Layout this layout reads."""

    session: Session
    scope: Scope
    fields: list[CodebookField]
    cells: FieldCells
    text: Callable[[str], str]


def source_columns(layout: Layout, article_columns: tuple) -> list[Column]:
    return [
        *(Column(n, label) for n, label in article_columns),
        Column(layout_names.CODER, "Coder"),
        Column(SOURCE_ID, "Source id (stable within the coder's list)"),
        Column("source_label", "Source label", TEXT),
        Column("mentions", "Mentions of the source", COUNT),
        Column("first_mention", "First mention (its words)", TEXT),
        Column("first_mention_unit", "Unit of the first mention", TEXT),
        Column("units", "Units linked to the source (keys, ';')", TEXT),
        Column("claim_units", "Units whose own source it is (keys, ';')", TEXT),
        *(column for f in layout.fields for column in field_columns(f)),
    ]


def articles_in_scope(layout: Layout) -> list[int]:
    """The ids of the articles in scope, in coding order (their texts are read one
    article at a time, and only where a coder listed a source)."""
    query = select(Article.id).order_by(col(Article.position), col(Article.id))
    if layout.scope.article_ids is not None:
        query = query.where(col(Article.id).in_(layout.scope.article_ids))
    return [saved_id(i) for i in layout.session.exec(query).all()]


def source_chunks(layout: Layout) -> Iterator[list[tuple]]:
    """One chunk per article in scope: its coders' source rows."""
    session = layout.session
    coders = layout.scope.coders
    for article_id in articles_in_scope(layout):
        lists = article_lists(session, article_id, [c.id for c in coders])
        rows: list[tuple] = []
        article = session.get(Article, article_id) if lists else None
        if article is not None:
            keys = {
                saved_id(i): f"{article.key}#{idx}"
                for i, idx in session.exec(
                    select(Unit.id, Unit.idx).where(Unit.article_id == article_id)
                )
            }
            head = _head(layout, article)
            for coder in coders:
                if coder.id in lists:
                    rows += _rows(layout, head, coder.name, lists[coder.id], article.text, keys)
        yield rows


def _head(layout: Layout, article: Article) -> tuple:
    text = layout.text
    return (
        text(article.key),
        text(article.title),
        article.outlet and text(article.outlet),
        article.published and text(article.published),
        article.author and text(article.author),
    )


def _rows(
    layout: Layout, head: tuple, coder: str, listed: SourceList, body: str, keys: dict[int, str]
) -> Iterator[tuple]:
    text = layout.text
    for source in listed.sources:
        first = source.first_mention()
        linked = listed.linked_units(source.uid)
        own = [u for u in linked if listed.links[u][0] == source.uid]
        codes = tuple(source.codes.get(f.key) for f in layout.fields)
        yield (
            *head,
            text(coder),
            text(source.uid),
            text(source.label),
            len(source.mentions),
            text(body[first.start : first.end]) if first else None,
            text(keys[first.unit_id]) if first else None,
            text(";".join(keys[u] for u in linked)) or None,
            text(";".join(keys[u] for u in own)) or None,
            *layout.cells.cells(codes if source.codes else None),
        )


NAMED_FIELD = "named_or_anonymous"
"""The source field that says whether a source is named (the bundled codebook's; its codes
`named` and `anonymous`). The articles layout counts named and anonymous sources by it."""
NAMED, ANONYMOUS = "named", "anonymous"


def source_count_columns(fields: list[CodebookField]) -> list[Column]:
    """The articles layout's source columns, for a codebook with source fields."""
    if not fields:
        return []
    columns = [Column("sources", "Sources of the article (the coder's list)", COUNT)]
    if any(f.key == NAMED_FIELD for f in fields):
        columns += [
            Column("named_sources", "Sources coded named", COUNT),
            Column("anonymous_sources", "Sources coded anonymous", COUNT),
            Column(
                "anonymous_claim_share",
                "Share of the coder's coded units whose own source (linked first) is anonymous",
                SHARE,
            ),
        ]
    return columns


def source_counts(
    fields: list[CodebookField], listed: SourceList | None, coded_units: set[int]
) -> tuple:
    """One coder's cells of `source_count_columns` for one article, from the coder's
    source list there (None: no list, or no consensus coder yet)."""
    if not fields:
        return ()
    listed = listed if listed is not None else SourceList()
    if not any(f.key == NAMED_FIELD for f in fields):
        return (len(listed.sources),)
    anonymous = {s.uid for s in listed.sources if s.codes.get(NAMED_FIELD) == ANONYMOUS}
    named = sum(1 for s in listed.sources if s.codes.get(NAMED_FIELD) == NAMED)
    resting = sum(1 for u in coded_units if listed.links.get(u, [None])[0] in anonymous)
    share = resting / len(coded_units) if coded_units else None
    return (len(listed.sources), named, len(anonymous), share)
