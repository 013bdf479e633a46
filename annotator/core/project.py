"""A project: one database holding articles, units, codes and their history.

`Project` is the handle every other part of the core works through; it knows
the codebook the project is coded with and hands out read and write sessions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from annotator import __version__
from annotator.core import backup, db
from annotator.core.codebook import Codebook, parse_codebook
from annotator.core.errors import ProjectError
from annotator.core.models import (
    Article,
    Code,
    CodebookVersion,
    Coder,
    ProjectSetting,
    Unit,
)


class Project:
    """An open project file. Create with `Project.create` or `Project.open`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_engine = db.make_engine(path, immediate=False)
        self.write_engine = db.make_engine(path, immediate=True)
        self._coder_ids: dict[str, int] = {}
        self.migration_backup: Path | None = None

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, codebook: Codebook, name: str | None = None) -> Project:
        """A new, empty project coded with `codebook`; refuses to overwrite a file."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists; choose another name")
        if not path.parent.is_dir():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        project = cls(path)
        try:
            db.upgrade(project.write_engine)
            with project.writing() as session:
                now = datetime.now(UTC).isoformat(timespec="seconds")
                for key, value in (
                    ("name", name or path.stem),
                    ("created_at", now),
                    ("created_with", f"annotator {__version__}"),
                ):
                    session.add(ProjectSetting(key=key, value=value))
                session.add(_codebook_row(codebook))
        except BaseException:
            project.close()
            path.unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, backups: bool = True) -> Project:
        """Open an existing project, migrating an older one after backing it up.

        `backups=False` is for second handles on a project that is already open
        (worker threads) and for private copies: they need no rotating backup.
        """
        path = Path(path)
        revision = db.check_project_file(path)
        project = cls(path)
        try:
            if revision != db.head_revision():
                project.migration_backup = db.backup_file(path, f"before-migration-{revision}")
                db.upgrade(project.write_engine)
            if backups:  # first: its integrity check names the backup to restore
                backup.backup_on_open(project)
            project.codebook  # noqa: B018  (fail now, not later, on a broken codebook)
        except DatabaseError as error:
            project.close()
            raise ProjectError(f"{path}: damaged project ({db.describe_failure(error)})") from None
        except BaseException:
            project.close()
            raise
        return project

    def close(self) -> None:
        self.read_engine.dispose()
        self.write_engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- sessions ------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with db.read_session(self.read_engine) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction, committed on leaving (durably) or rolled back whole."""
        with db.write_session(self.write_engine) as session:
            yield session

    # -- facts -----------------------------------------------------------------------

    @cached_property
    def codebook_row(self) -> CodebookVersion:
        """The codebook version new codes are made with: the most recently added one."""
        with self.reading() as session:
            row = session.exec(
                select(CodebookVersion).order_by(CodebookVersion.id.desc()).limit(1)
            ).first()
        if row is None:
            raise ProjectError(f"{self.path}: project has no codebook")
        return row

    @cached_property
    def codebook(self) -> Codebook:
        return parse_codebook_text(self.codebook_row.definition, str(self.path))

    @property
    def codebook_version_id(self) -> int:
        return self.codebook_row.id

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as session:
            row = session.get(ProjectSetting, key)
        return row.value if row else default

    @property
    def name(self) -> str:
        return self.setting("name", self.path.stem) or self.path.stem

    def coder_id(self, session: Session, name: str, *, create: bool = True) -> int | None:
        """The id of a coder by name, created on first use (inside the caller's transaction)."""
        if name in self._coder_ids:
            return self._coder_ids[name]
        coder = session.exec(select(Coder).where(Coder.name == name)).first()
        if coder is None:
            if not create:
                return None
            coder = Coder(name=name)
            session.add(coder)
            session.flush()
        self._coder_ids[name] = coder.id
        return coder.id

    def forget_cached_ids(self) -> None:
        """Drop cached coder ids after a rolled-back transaction may have invented one."""
        self._coder_ids.clear()

    def summary(self) -> dict:
        """Counts for `annotator info`."""
        with self.reading() as session:
            count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
            coders = session.exec(select(Coder.name).order_by(Coder.name)).all()
            return {
                "path": str(self.path),
                "name": self.name,
                "schema": db.current_revision(self.read_engine),
                "codebook": {"name": self.codebook.name, "version": self.codebook.version},
                "fields": [f.key for f in self.codebook.fields],
                "articles": count(Article),
                "units": count(Unit),
                "coders": list(coders),
                "codes": count(Code),
                "created_at": self.setting("created_at"),
            }


def _codebook_row(codebook: Codebook) -> CodebookVersion:
    return CodebookVersion(
        name=codebook.name, version=codebook.version, definition=codebook.to_json()
    )


def parse_codebook_text(text: str, source: str) -> Codebook:
    import json

    return parse_codebook(json.loads(text), source)
