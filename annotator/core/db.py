"""Opening and creating project databases: engines, pragmas, migrations, backups.

A project is one SQLite file. Reads run in ordinary (deferred) transactions;
writes take the write lock up front (BEGIN IMMEDIATE) so that two processes on
one file wait for each other through the busy timeout instead of failing on a
lock upgrade.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from annotator.core.errors import ProjectError

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(path: Path, *, immediate: bool) -> Engine:
    """An engine whose connections are durable (WAL, synchronous=FULL) and enforce foreign keys."""
    engine = create_engine(sqlite_url(path), connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's
        # documented recipe for pysqlite), so that BEGIN IMMEDIATE is possible.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql(begin)

    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The schema revision this version of annotator writes."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def check_is_project_file(path: Path) -> None:
    """Refuse anything that is not an annotator project before SQLite touches it."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise ProjectError(f"{path}: cannot read ({error.strerror})") from None
    if header != SQLITE_MAGIC:
        raise ProjectError(f"{path}: not an annotator project (not an SQLite database)")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ProjectError(
            f"{path}: read-only (coding needs write access to the file and its folder); "
            "copy it somewhere writable or check its permissions"
        )


def check_project_file(path: Path) -> str:
    """Refuse a file that is not a usable project without changing it; returns its schema.

    Uses an engine without our pragmas: switching a file to WAL is a write, and a file
    we are about to refuse must stay byte for byte as it was.
    """
    check_is_project_file(path)
    engine = create_engine(sqlite_url(path))
    try:
        return check_schema(engine, path)
    finally:
        engine.dispose()


def check_schema(engine: Engine, path: Path) -> str | None:
    """The project's schema revision; refuse files that are not projects or are too new."""
    try:
        tables = set(inspect(engine).get_table_names())
        revision = current_revision(engine) if "alembic_version" in tables else None
    except DatabaseError as error:
        raise ProjectError(
            f"{path}: damaged or not a project ({describe_failure(error)})"
        ) from None
    if "project_setting" not in tables or revision is None:
        raise ProjectError(f"{path}: not an annotator project (no project tables)")
    if revision not in known_revisions():
        raise ProjectError(
            f"{path}: made by a newer version of annotator (schema {revision}); "
            "update annotator to open it"
        )
    return revision


def backup_file(path: Path, label: str) -> Path:
    """Copy a live project with SQLite's online backup, beside the original."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; a damaged or unreadable file becomes one clear line."""
    try:
        with Session(engine) as session:
            yield session
    except DatabaseError as error:
        raise ProjectError(f"could not read the project: {describe_failure(error)}") from None


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on leaving, or rolled back whole on error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except DatabaseError as error:
        session.rollback()
        raise ProjectError(f"could not save: {describe_failure(error)}") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_FAILURES = (
    ("database or disk is full", "the disk is full; free some space and try again"),
    ("No space left on device", "the disk is full; free some space and try again"),
    ("readonly database", "the project file is read-only; check its permissions"),
    ("Permission denied", "no permission to write there; check the folder's permissions"),
    ("Read-only file system", "the disk is read-only"),
    ("database is locked", "another window kept the project busy; try again"),
    ("disk image is malformed", "the project file is damaged; restore a backup"),
    ("Could not decode to UTF-8", "the project file is damaged; restore a backup"),
)


def describe_failure(error: BaseException | str) -> str:
    """A user-facing reason for an SQLite or file-system failure, on one line.

    Every save and read failure goes through it, so they all read the same way
    ("could not save: the disk is full; ...").
    """
    text = str(getattr(error, "orig", None) or error)
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    for needle, reason in _FAILURES:
        if needle.lower() in text.lower():
            return reason
    return text.splitlines()[0] if text else type(error).__name__
