"""Suggestions for the units of one article, read from the project: for the window and
for `as_coder`. Thousands of sentences a second (benchmarks/bench_suggest.py), yet a
long article's take seconds, so the window runs it in a worker thread with a project
handle of its own (ui.suggestions); it reads the article's text and units, nothing else."""

from __future__ import annotations

from sqlmodel import col, select

from annotator.core.store.article_units import TEXT_UNIT
from annotator.core.store.models import Article, Unit, saved_id
from annotator.core.store.project import Project
from annotator.core.suggest.suggester import Suggester, UnitSuggestion


def article_unit_suggestions(
    project: Project, suggester: Suggester, article_id: int
) -> dict[int, UnitSuggestion]:
    """Unit id -> its suggestion, for every unit of the article's text (titles included:
    they may name the people a later pronoun stands for; the article's own unit, which
    holds article-level codes and no text, left out)."""
    with project.reading() as session:
        text = session.exec(select(Article.text).where(Article.id == article_id)).one()
        units = session.exec(
            select(Unit.id, Unit.start, Unit.end)
            .where(Unit.article_id == article_id, TEXT_UNIT)
            .order_by(col(Unit.idx))
        ).all()
    suggestions = suggester.suggest_article(text, [(start, end) for _, start, end in units])
    return {saved_id(unit_id): s for (unit_id, _, _), s in zip(units, suggestions, strict=True)}
