"""Code frequencies: how often each code of a field was given, per coder and per article.

Counted by the database (GROUP BY) through the project's reading session, so the counts
cost one query whatever the project's size. Blinding is the caller's: `coders` names
whose codes are counted (the coding window: its own coder unless the supervisor
passphrase was given). Codes outside the codebook (see `codebook_check`) are left out,
as every reader of codes does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func
from sqlmodel import col, select

from annotator.core.codebook import Codebook, CodebookField
from annotator.core.store.models import Article, Code, Coder, Unit
from annotator.core.store.project import Project

By = Literal["coder", "article"]


@dataclass(frozen=True)
class FrequencyTable:
    """Counts of one field's codes: a row per category (in codebook order), a column per
    group (coder or article, in order), and their totals."""

    field: str
    codes: list[str]
    labels: list[str]
    groups: list[str]
    counts: list[list[int]]  # counts[row][column]

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.counts]

    @property
    def column_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.counts, strict=True)] if self.counts else []

    @property
    def total(self) -> int:
        return sum(self.row_totals)


def code_frequencies(
    project: Project, field: str, coders: Sequence[str], by: By = "coder"
) -> FrequencyTable:
    """How often each code of `field` was given by `coders`, per coder or per article."""
    codebook = project.codebook
    chosen = codebook.field(field)  # an unknown field: one line naming it
    group = col(Coder.name) if by == "coder" else col(Article.key)
    with project.reading() as session:
        query = (
            select(group, Code.code, func.count())
            .select_from(Code)
            .join(Coder, col(Coder.id) == Code.coder_id)
            .where(Code.field == field, col(Coder.name).in_(list(coders)))
            .group_by(group, Code.code)
        )
        if by == "article":
            query = query.join(Unit, col(Unit.id) == Code.unit_id).join(
                Article, col(Article.id) == Unit.article_id
            )
        rows = session.exec(query).all()
        groups = _groups_in_order(project, by, coders, {row[0] for row in rows})
    codes = [c.code for c in chosen.categories]
    counts = [[0] * len(groups) for _ in codes]
    row_of = {code: row for row, code in enumerate(codes)}
    column_of = {name: column for column, name in enumerate(groups)}
    for name, code, count in rows:
        if code in row_of:
            counts[row_of[code]][column_of[name]] += count
    return FrequencyTable(field, codes, [c.label for c in chosen.categories], groups, counts)


def _groups_in_order(project: Project, by: By, coders: Sequence[str], found: set) -> list[str]:
    """Coders in the order asked (those with codes); articles in coding order."""
    if by == "coder":
        return [name for name in coders if name in found]
    with project.reading() as session:
        keys = session.exec(
            select(Article.key).order_by(col(Article.position), col(Article.id))
        ).all()
    return [key for key in keys if key in found]


def fields_of(codebook: Codebook) -> list[tuple[str, str]]:
    """(key, label) of every field whose codes can be counted (the choice fields), the
    units' first, for a picker."""
    return [(f.key, f.label) for f in counted_fields(codebook)]


def counted_fields(codebook: Codebook) -> list[CodebookField]:
    """The choice fields, unit fields first, then the article's."""
    return [f for f in (*codebook.unit_fields, *codebook.article_fields) if f.has_categories]
