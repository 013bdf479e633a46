"""Opening and creating project databases: engines, pragmas, migrations, backups.

A project is one SQLite file. Reads run in ordinary (deferred) transactions;
writes take the write lock up front (BEGIN IMMEDIATE) so that two processes on
one file wait for each other through the busy timeout instead of failing on a
lock upgrade.
"""

from __future__ import annotations

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
from sqlalchemy.exc import DatabaseError, OperationalError
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


def check_schema(engine: Engine, path: Path) -> str | None:
    """The project's schema revision; refuse files that are not projects or are too new."""
    try:
        tables = set(inspect(engine).get_table_names())
        revision = current_revision(engine) if "alembic_version" in tables else None
    except DatabaseError as error:
        raise ProjectError(f"{path}: damaged or not a project ({_reason(error)})") from None
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
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on leaving, or rolled back whole on error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as error:
        session.rollback()
        raise ProjectError(f"could not save: {_reason(error)}") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _reason(error: DatabaseError) -> str:
    original = getattr(error, "orig", None)
    return str(original or error).splitlines()[0]
