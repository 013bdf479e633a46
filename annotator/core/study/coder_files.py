"""One project file per coder, holding only the articles assigned to them.

A coder's file is a new project with the supervisor's codebook and copies of their
articles and units, exactly as stored (same text, sha256 and unit spans, corrections
included), so `annotator merge` matches every unit back to the supervisor's project. It
holds no codes, notes or history of anyone: nothing of another coder's work travels out.
A blind study stays blind: where the supervisor switched suggestions off for coders, the
coder's file has them off too.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sqlmodel import col, select

from annotator.core.errors import ProjectError
from annotator.core.ingest.into_project import slugify
from annotator.core.store.location import location_stem
from annotator.core.store.models import Article, Unit, saved_id
from annotator.core.store.project import Project
from annotator.core.suggest.switch import set_suggestions_for_coders, suggestions_for_coders

SUFFIX = ".annotator"


def coder_file_name(project: Project, coder: str, tail: str = "") -> str:
    """`STUDY-CODER.annotator` (file-safe letters), with `-tail` before the suffix if given."""
    parts = [
        slugify(location_stem(project.path)),
        slugify(coder),
        *([slugify(tail)] if tail else []),
    ]
    return "-".join(parts) + SUFFIX


def write_coder_file(project: Project, path: Path, coder: str, shas: Collection[str]) -> int:
    """A new project at `path` with the articles of `shas` (and their units); the number of
    articles written. Nothing is left at `path` if writing fails."""
    if path.exists():
        raise ProjectError(f"{path}: already exists; choose another folder")
    with project.reading() as session:
        articles = session.exec(
            select(Article)
            .where(col(Article.sha256).in_(list(shas)))
            .order_by(col(Article.position), col(Article.id))
        ).all()
        units = session.exec(
            select(Unit)
            .where(col(Unit.article_id).in_([saved_id(a.id) for a in articles]))
            .order_by(col(Unit.article_id), col(Unit.idx))
        ).all()
    blind = not suggestions_for_coders(project)
    target = Project.create(path, project.codebook, name=f"{project.name} ({coder})")
    try:
        if blind:
            set_suggestions_for_coders(target, False)
        with target.writing() as session:
            new_ids: dict[int, int] = {}
            for article in articles:
                copy = Article(**article.model_dump(exclude={"id"}))
                session.add(copy)
                session.flush()
                new_ids[saved_id(article.id)] = saved_id(copy.id)
            session.add_all(
                Unit(
                    **unit.model_dump(exclude={"id", "article_id"}),
                    article_id=new_ids[unit.article_id],
                )
                for unit in units
            )
    except BaseException:
        target.close()
        path.unlink(missing_ok=True)
        raise
    target.close()
    return len(articles)
