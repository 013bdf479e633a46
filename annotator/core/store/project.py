"""A project: one database holding articles, units, codes and their history.

`Project` is the handle every other part of the core works through; it knows
the codebook the project is coded with and hands out read and write sessions.
The database is an SQLite file or, for a team, a PostgreSQL database named by a
URL (see core/location.py); nothing above this module needs to know which.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Literal, overload

from sqlalchemy import func
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from annotator import __version__
from annotator.core.codebook import Codebook, parse_codebook
from annotator.core.errors import ProjectError
from annotator.core.store import backup, db, engines
from annotator.core.store.article_units import TEXT_UNIT, add_article_units
from annotator.core.store.location import (
    Location,
    display_location,
    is_server_url,
    location_stem,
    server_url,
)
from annotator.core.store.models import (
    Article,
    Code,
    CodebookCategory,
    CodebookFieldRow,
    CodebookVersion,
    Coder,
    ProjectSetting,
    Unit,
    saved_id,
    table_of,
    utcnow,
)


class Project:
    """An open project (file or server). Create with `Project.create` or `Project.open`.

    `path` is the location as given: a Path for a file, the URL text for a server.
    """

    def __init__(self, location: Location) -> None:
        self.path = location
        self.on_server = is_server_url(location)
        if self.on_server:
            # One engine: PostgreSQL needs no separate write lock mode.
            self.read_engine = self.write_engine = db.make_server_engine(str(location))
        else:
            # Shared with every other handle on this file in this process (see engines.py);
            # the key is taken now, while a relative path still means what it meant.
            self._file = engines.file_key(location)
            self.read_engine, self.write_engine = engines.acquire(self._file)
        self._closed = False
        self._coder_ids: dict[str, int] = {}
        self.migration_backup: Path | None = None

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def create(cls, path: Location, codebook: Codebook, name: str | None = None) -> Project:
        """A new, empty project coded with `codebook`; refuses to overwrite a file.

        A server project goes into an existing, empty database (`createdb` makes one;
        creating databases needs rights a team member should not have).
        """
        if is_server_url(path):
            return cls._create_on_server(server_url(str(path)), codebook, name)
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists; choose another name")
        if not path.parent.is_dir():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        project = cls(path)
        try:
            project._fill_new(codebook, name)
        except BaseException as error:
            project.close()
            path.unlink(missing_ok=True)
            if isinstance(error, DatabaseError):  # a full disk, above all
                reason = db.describe_failure(error, path)
                raise ProjectError(f"{path}: could not create: {reason}") from None
            raise
        return project

    @classmethod
    def _create_on_server(cls, url: str, codebook: Codebook, name: str | None) -> Project:
        db.check_new_server_database(url, display_location(url))  # see server_guard.py
        project = cls(url)
        try:
            if db.table_names(project.read_engine, display_location(url)):
                raise ProjectError(
                    f"{display_location(url)}: the database is not empty; "
                    "a new project needs an empty database (createdb NAME)"
                )
            project._fill_new(codebook, name)  # one transaction per step; DDL is atomic
        except BaseException:
            project.close()
            raise
        return project

    def _fill_new(self, codebook: Codebook, name: str | None) -> None:
        db.upgrade(self.write_engine)
        with self.writing() as session:
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for key, value in (
                ("name", name or location_stem(self.path)),
                ("created_at", now),
                ("created_with", f"annotator {__version__}"),
            ):
                session.add(ProjectSetting(key=key, value=value))
            add_codebook(session, codebook)

    @classmethod
    def open(cls, path: Location, *, backups: bool = True) -> Project:
        """Open an existing project, migrating an older one after backing it up.

        Nothing here reads or copies the whole file once it is larger than
        `backup.SMALL_PROJECT_BYTES` (see `backup.check_on_open`): a large project is
        checked in full only after a crash (its -wal or -journal left behind), and backed
        up by the window in the background, before a migration and by hand. A small one is
        checked in full on every first open and gets the rotating open-backup, both
        costing milliseconds. `backups=False` is for second handles on a project that is
        already open (worker threads) and for private copies: they take no open-backup.
        Server projects are never backed up here (that is the server's pg_dump);
        their migrations need no copy either, since PostgreSQL rolls back DDL whole.
        """
        if is_server_url(path):
            path = server_url(str(path))
            revision = db.check_server_project(path, display_location(path))
            first = False
        else:
            path = Path(path)
            revision = db.check_project_file(path)
            first = not engines.is_open(path)
            if first:
                backup.remove_leftovers(path)
        crashed = first and backup.left_by_a_crash(path)  # before our own connection makes a -wal
        project = cls(path)
        try:
            checked = False
            if revision != db.head_revision():
                if not project.on_server:
                    project.migration_backup = backup.backup_before_migration(path, revision)
                    checked = True
                db.upgrade(project.write_engine)
            if backups and not project.on_server and backup.is_small(path):
                # first: its integrity check names the backup
                checked = backup.backup_on_open(project.path) is not None or checked
            if first and not checked:
                backup.check_on_open(path, crashed=crashed)
            project.codebook  # noqa: B018  (fail now, not later, on a broken codebook)
        except DatabaseError as error:
            project.close()
            where = None if project.on_server else Path(path)
            reason = db.describe_failure(error, where)
            if reason == db.DISK_FULL:  # e.g. no room for the -wal/-shm files: not damage
                raise ProjectError(f"{display_location(path)}: cannot open: {reason}") from None
            raise ProjectError(f"{display_location(path)}: damaged project ({reason})") from None
        except BaseException:
            project.close()
            raise
        return project

    @classmethod
    def open_alongside(cls, path: Path) -> Project:
        """A second process's handle on a file project that annotator has open and
        checked in another process (an export's second half, `export.halves`): no
        integrity check (the other process's -wal would read as a crash), no backup, no
        migration. A project of another schema than this version's is refused."""
        revision = db.check_project_file(path)
        if revision != db.head_revision():
            raise ProjectError(f"{path}: schema {revision} is not this version's")
        project = cls(path)
        try:
            project.codebook  # noqa: B018  (fail now, as `open` does)
        except BaseException:
            project.close()
            raise
        return project

    @property
    def label(self) -> str:
        """The location as shown in messages (a URL without its password)."""
        return display_location(self.path)

    def close(self) -> None:
        """Done with this handle; a file's engines stay while other handles use them."""
        if self._closed:
            return
        self._closed = True
        if self.on_server:
            self.write_engine.dispose()
        else:
            engines.release(self._file, self.write_engine)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- sessions ------------------------------------------------------------------

    def _check_open(self) -> None:
        """A closed handle is refused, not quietly reconnected: a disposed engine would
        otherwise open a fresh connection that nobody closes any more."""
        if self._closed:
            raise ProjectError(f"{self.label}: this project was closed")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        self._check_open()
        with db.read_session(self.read_engine) as session:
            yield session

    @contextmanager
    def writing(self, attach: dict[str, Path] | None = None) -> Iterator[Session]:
        """One write transaction, committed on leaving (durably) or rolled back whole.
        `attach` (a file project only) names other SQLite files to attach to the
        transaction's connection for its duration (a merge reads its source so)."""
        self._check_open()
        with db.write_session(self.write_engine, attach) as session:
            yield session

    # -- facts -----------------------------------------------------------------------

    @cached_property
    def codebook_row(self) -> CodebookVersion:
        """The codebook version new codes are made with: the most recently added one."""
        with self.reading() as session:
            row = session.exec(
                select(CodebookVersion).order_by(col(CodebookVersion.id).desc()).limit(1)
            ).first()
        if row is None:
            raise ProjectError(f"{self.label}: project has no codebook")
        return row

    @cached_property
    def codebook(self) -> Codebook:
        return parse_codebook_text(self.codebook_row.definition, self.label)

    @property
    def codebook_version_id(self) -> int:
        return saved_id(self.codebook_row.id)

    def use_codebook(self, row: CodebookVersion, codebook: Codebook) -> None:
        """Make new codes with `codebook` (stored as `row`) from now on, before the
        transaction that added it has committed: a codebook update writes the codes it
        moves under the new version in that same transaction (coding.codebook_update)."""
        self.__dict__["codebook_row"], self.__dict__["codebook"] = row, codebook

    def forget_codebook(self) -> None:
        """Read the codebook again on next use: another transaction may have added one."""
        self.__dict__.pop("codebook_row", None)
        self.__dict__.pop("codebook", None)

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as session:
            row = session.get(ProjectSetting, key)
        return row.value if row else default

    @property
    def name(self) -> str:
        return self.setting("name", location_stem(self.path)) or location_stem(self.path)

    @overload
    def coder_id(
        self, session: Session, name: str, *, create: Literal[True] = ..., role: str = ...
    ) -> int: ...
    @overload
    def coder_id(
        self, session: Session, name: str, *, create: bool, role: str = ...
    ) -> int | None: ...
    def coder_id(
        self, session: Session, name: str, *, create: bool = True, role: str = "coder"
    ) -> int | None:
        """The id of a coder by name, created on first use (inside the caller's transaction)
        with `role`."""
        if name in self._coder_ids:
            return self._coder_ids[name]
        coder_id = session.exec(select(Coder.id).where(Coder.name == name)).first()
        if coder_id is None:
            if not create:
                return None
            # Two first saves by the same new coder at once must not both add the coder.
            values = {"name": name, "role": role, "created_at": utcnow()}
            db.insert_unless_present(session, table_of(Coder), values, ["name"])
            coder_id = session.exec(select(Coder.id).where(Coder.name == name)).one()
        self._coder_ids[name] = saved_id(coder_id)
        return coder_id

    def forget_cached_ids(self) -> None:
        """Drop cached coder ids after a rolled-back transaction may have invented one."""
        self._coder_ids.clear()

    def summary(self) -> dict:
        """Counts for `annotator info`."""
        with self.reading() as session:
            count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
            coders = session.exec(select(Coder.name).order_by(Coder.name)).all()
            return {
                "path": self.label,
                "name": self.name,
                "schema": db.current_revision(self.read_engine),
                "codebook": {"name": self.codebook.name, "version": self.codebook.version},
                "fields": [f.key for f in self.codebook.fields],
                "articles": count(Article),
                "units": session.exec(
                    select(func.count()).select_from(Unit).where(TEXT_UNIT)
                ).one(),
                "coders": list(coders),
                "codes": count(Code),
                "created_at": self.setting("created_at"),
            }


def add_codebook(session: Session, codebook: Codebook) -> int:
    """Store a codebook version with the (field, code) pairs the database checks codes
    against (see models.CodebookCategory); its id."""
    row = CodebookVersion(
        name=codebook.name, version=codebook.version, definition=codebook.to_json()
    )
    session.add(row)
    session.flush()
    version_id = saved_id(row.id)
    session.add_all(
        CodebookCategory(codebook_version_id=version_id, field=f.key, code=c.code)
        for f in codebook.fields
        for c in f.categories
    )
    session.add_all(
        CodebookFieldRow(
            codebook_version_id=version_id,
            field=f.key,
            type=f.type.value,
            scope=f.scope.value,
            minimum=f.minimum,
            maximum=f.maximum,
            integer=f.integer,
            max_length=f.max_length,
        )
        for f in codebook.fields
    )
    session.flush()
    if codebook.article_fields:
        add_article_units(session)
    return version_id


def parse_codebook_text(text: str, source: str) -> Codebook:
    import json

    return parse_codebook(json.loads(text), source)
