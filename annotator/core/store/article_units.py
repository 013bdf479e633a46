"""The article unit: where an article's own codes (story type, ...) are kept.

Article-level fields are coded once per article. Rather than a second table of codes
with its own history, merge, review and row-level security, each article gets one more
unit, of kind `ARTICLE_KIND`: an empty span at offset 0 with index `ARTICLE_UNIT_IDX`
(an article's text units count from 1). Its codes are ordinary code rows, so every path
that carries a sentence's codes carries the article's, and the database's check knows a
field's scope by the unit's kind. Readers of an article's text pass over it
(`TEXT_UNIT`).

They are made for every article as soon as the project's codebook asks anything of the
article: when the codebook is stored, and after each import (on a server only the
supervisor stores codebooks and imports, so a coder's role needs no right to add units).
"""

from __future__ import annotations

from sqlalchemy import and_, exists, literal, not_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from annotator.core.codebook import ARTICLE_KIND, ARTICLE_UNIT_IDX
from annotator.core.store.models import Article, Unit, table_of

TEXT_UNIT: ColumnElement[bool] = col(Unit.kind) != ARTICLE_KIND
"""A WHERE clause that keeps an article's text units (titles, headings, sentences, page
furniture) and leaves out its article unit."""


def add_article_units(session: Session) -> int:
    """Give every article that lacks one its article unit, in one INSERT ... SELECT
    inside the caller's transaction; how many were made."""
    missing = select(
        col(Article.id),
        literal(ARTICLE_UNIT_IDX),
        literal(ARTICLE_KIND),
        literal(0),
        literal(0),
        literal(""),
    ).where(
        not_(
            exists().where(
                and_(col(Unit.article_id) == col(Article.id), col(Unit.kind) == ARTICLE_KIND)
            )
        )
    )
    unit = table_of(Unit)
    result = session.connection().execute(
        unit.insert().from_select(["article_id", "idx", "kind", "start", "end", "text"], missing)
    )
    return result.rowcount
