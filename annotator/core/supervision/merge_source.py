"""Reading a source project for a merge, and deciding whether its codebook fits.

Kept apart from the merge itself: everything here happens before the target's write
transaction opens, so a refusal never leaves anything half-written, and reading a
source works on a private snapshot so the source file is never modified.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from annotator.core.codebook import Codebook
from annotator.core.errors import AnnotatorError
from annotator.core.store import db
from annotator.core.store.location import Location, is_server_url
from annotator.core.store.models import (
    Article,
    Code,
    CodebookVersion,
    Coder,
    History,
    Note,
    Unit,
    saved_id,
)
from annotator.core.store.project import Project, parse_codebook_text


class MergeRefused(AnnotatorError):
    """A source that cannot be merged into the target (codebooks, same file)."""


@contextmanager
def snapshot(path: Path) -> Iterator[Project]:
    """A private copy of the source (SQLite's online backup, a consistent snapshot even while
    a coder has the file open), opened and if need be migrated without touching the source."""
    db.check_is_project_file(path)
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as folder:
        copy = Path(folder) / "source.annotator"
        try:
            # Not mode=ro: a read-only connection leaves -wal/-shm files it may not delete.
            with closing(sqlite3.connect(path)) as reader, closing(sqlite3.connect(copy)) as writer:
                reader.execute("PRAGMA query_only = ON")
                reader.backup(writer)
        except sqlite3.Error as error:
            raise MergeRefused(f"{path}: cannot be read ({error})") from None
        project = Project.open(copy, backups=False)
        try:
            yield project
        finally:
            project.close()


def read_source(source: Location) -> SourceData:
    """Everything a merge needs from a source: a project file (read from a snapshot) or a
    server project (read in one REPEATABLE READ transaction: a consistent view while its
    coders go on working)."""
    if is_server_url(source):
        with Project.open(source, backups=False) as project:
            return SourceData.read(project)
    with snapshot(Path(source)) as copy:
        return SourceData.read(copy)


@dataclass
class SourceData:
    """Everything the merge needs from a source, read in one transaction."""

    codebooks: dict[int, Codebook]
    articles: list[Article]
    units: dict[int, tuple[Unit, Article]]
    coders: dict[int, Coder]
    codes: list[Code]
    notes: list[Note]
    history: list[History]

    @classmethod
    def read(cls, project: Project) -> SourceData:
        with project.reading() as session:
            if project.on_server:  # every SELECT below sees the same moment
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            versions = session.exec(select(CodebookVersion)).all()
            articles = list(
                session.exec(select(Article).order_by(col(Article.position), col(Article.id)))
            )
            by_id = {saved_id(a.id): a for a in articles}
            units = {saved_id(u.id): (u, by_id[u.article_id]) for u in session.exec(select(Unit))}
            return cls(
                codebooks={
                    saved_id(v.id): parse_codebook_text(v.definition, str(project.path))
                    for v in versions
                },
                articles=articles,
                units=units,
                coders={saved_id(c.id): c for c in session.exec(select(Coder))},
                codes=list(session.exec(select(Code).order_by(col(Code.id)))),
                notes=list(session.exec(select(Note).order_by(col(Note.id)))),
                history=list(session.exec(select(History).order_by(col(History.id)))),
            )


# -- codebooks ---------------------------------------------------------------------------


def check_codebooks(
    target: Project, data: SourceData, source: str
) -> tuple[dict[int, int], str | None]:
    """Refuse incompatible codebooks; map source codebook version ids to target ones."""
    mine = target.codebook
    used_versions = {c.codebook_version_id for c in data.codes} | {max(data.codebooks)}
    for version_id in sorted(used_versions):
        book = data.codebooks[version_id]
        if book.name != mine.name:
            raise MergeRefused(
                f"{source}: codebook {book.name!r} is not the target's codebook {mine.name!r}; "
                "merge refused"
            )
        if book.version != mine.version and (reason := _version_mismatch(mine, book)):
            raise MergeRefused(
                f"{source}: codebook {book.name!r} version {book.version} is not compatible "
                f"with the target's version {mine.version} ({reason}); merge refused"
            )
    for field_key, code in sorted({(c.field, c.code) for c in data.codes}):
        if (reason := _unknown_code(mine, field_key, code)) is not None:
            raise MergeRefused(f"{source}: {reason}; merge refused")
    with target.reading() as session:
        rows = {(v.name, v.version): v.id for v in session.exec(select(CodebookVersion))}
    version_map: dict[int, int] = {}
    recorded: set[str] = set()
    for version_id, book in data.codebooks.items():
        mapped = rows.get((book.name, book.version))
        if mapped is None:
            mapped = target.codebook_version_id
            if version_id in used_versions:
                recorded.add(book.version)
        version_map[version_id] = mapped
    note = None
    if recorded:
        versions = ", ".join(sorted(recorded))
        note = f"codes made with version {versions} recorded against version {mine.version}"
    return version_map, note


def _version_mismatch(target: Codebook, source: Codebook) -> str | None:
    """Why two versions of one codebook cannot be merged, or None if they can."""
    theirs = {f.key: f for f in source.fields}
    for mine in target.fields:
        other = theirs.get(mine.key)
        if other is None:
            return f"field {mine.key!r} is missing"
        if other.level != mine.level:
            return f"field {mine.key!r} is {other.level} there but {mine.level} here"
        for category in mine.categories:
            match = other.category(category.code)
            if match is None:
                return f"code {category.code!r} of field {mine.key!r} is missing"
            if match.outside_scale != category.outside_scale:
                return (
                    f"code {category.code!r} of field {mine.key!r} changed its place on the scale"
                )
    return None


def _unknown_code(codebook: Codebook, field_key: str, code: str) -> str | None:
    """Why a code the source uses cannot be stored under the target's codebook, if it cannot."""
    known = {f.key: f for f in codebook.fields}
    if field_key not in known:
        return f"it has codes for field {field_key!r}, which the target's codebook lacks"
    if known[field_key].category(code) is None:
        return f"it uses code {code!r} of field {field_key!r}, which the target's codebook lacks"
    return None
