"""Dropping an article from a project: one of a pair of near-duplicates, say.

Only an article nobody has coded or noted yet is dropped: a code is a coder's work and
its history, and removing it is not what "drop the duplicate" means. An article that
has codes is refused with a line saying how many, so the supervisor can decide.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import col, select

from annotator.core.errors import AnnotatorError
from annotator.core.store.article_units import TEXT_UNIT
from annotator.core.store.models import Article, Code, Note, Unit, saved_id
from annotator.core.store.project import Project


def drop_article(project: Project, key: str) -> int:
    """Remove the article `key` and its units in one transaction; the units it had."""
    with project.writing() as session:
        article = session.exec(select(Article).where(Article.key == key)).first()
        if article is None:
            raise AnnotatorError(f"no article {key!r} in this project")
        article_id = saved_id(article.id)
        units = select(Unit.id).where(Unit.article_id == article_id)
        codes = session.exec(
            select(func.count()).select_from(Code).where(col(Code.unit_id).in_(units))
        ).one()
        notes = session.exec(
            select(func.count()).select_from(Note).where(col(Note.unit_id).in_(units))
        ).one()
        if codes or notes:
            raise AnnotatorError(
                f"{key}: not dropped, it has {codes} code(s) and {notes} note(s); "
                "drop an article before anyone codes it"
            )
        count = session.exec(
            select(func.count()).select_from(Unit).where(Unit.article_id == article_id, TEXT_UNIT)
        ).one()
        session.execute(delete(Unit).where(col(Unit.article_id) == article_id))
        session.execute(delete(Article).where(col(Article.id) == article_id))
    return count
