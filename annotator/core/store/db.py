"""Opening and creating project databases: engines, pragmas, migrations, backups.

A project is one SQLite file or one PostgreSQL database. On SQLite, reads run in
ordinary (deferred) transactions; writes take the write lock up front (BEGIN
IMMEDIATE) so that two processes on one file wait for each other through the busy
timeout instead of failing on a lock upgrade.

On PostgreSQL, transactions are READ COMMITTED and writers lock the rows they
change (SELECT ... FOR UPDATE, INSERT ... ON CONFLICT DO NOTHING; see
`insert_unless_present`). We chose that over SERIALIZABLE because a coding action
touches a handful of rows whose keys are known in advance: row locks make a second
writer wait rather than fail, so no retry loop is needed anywhere, and the same
statements are correct on SQLite, where BEGIN IMMEDIATE already serialises writers.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from annotator.core.errors import ProjectError, ProjectUnavailable
from annotator.core.store import migrations, server_guard

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlite_url(path: Path | str) -> URL:
    """The engine URL of a project file, built from its parts: a path is never parsed as
    URL text, where `?` would start a query and `%` an escape (`we?ird.annotator` would
    open `we`)."""
    return URL.create("sqlite", database=str(path))


def make_engine(path: Path | str, *, immediate: bool) -> Engine:
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


def make_server_engine(url: str) -> Engine:
    """An engine on a PostgreSQL project: READ COMMITTED, UTC, reconnecting after an outage.

    `pool_pre_ping` lets a window that outlived a server restart carry on with a
    fresh connection instead of failing on the dead one. The session time zone is
    UTC because timestamps are stored without a zone, in UTC (see models.utcnow).
    Every connection it makes searches only pg_catalog, the project's schema and its
    own temporary schema, and passes `server_guard.guard` before its first statement.
    """
    engine = create_engine(
        url,
        isolation_level="READ COMMITTED",
        pool_pre_ping=True,
        connect_args={
            "options": f"-c timezone=UTC {server_guard.CONNECT_OPTIONS}",
            "connect_timeout": 5,
            # A server that vanished without closing the connection (a cable pulled, a
            # laptop closed) would otherwise leave a save waiting for many minutes:
            # these make it fail within about ten seconds, so the window can keep it.
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": 10_000,
        },
    )

    @event.listens_for(engine, "do_connect")
    def _guarded(dialect, _record, cargs, cparams):
        # Made here, so that the guard's queries come before any of SQLAlchemy's own.
        connection = dialect.connect(*cargs, **cparams)
        try:
            from annotator.core.store.location import display_location

            server_guard.guard(connection, display_location(url))
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return connection

    return engine


def check_new_server_database(url: str, label: str) -> None:
    """Before a project is made in the database at `url` (push, a new server project):
    guard it for the connecting user as its owner-to-be. Anything of anyone else's in
    `public` is refused, a fake `coder` table included, and nobody else may create there
    afterwards, so the engine's own guard can then trust the owner of `coder`."""
    import psycopg  # only a server project needs it; imported here to keep startup light

    try:
        server_guard.connect(url, label, owned_by_me=True).close()
    except psycopg.Error as error:
        raise ProjectError(f"{label}: cannot connect ({describe_failure(error)})") from None


def insert_unless_present(session: Session, table: Table, values: dict, keys: list[str]):
    """Insert a row unless one with the same `keys` exists; its id, or None if it existed.

    On PostgreSQL a concurrent insert of the same keys makes this wait for the other
    transaction and then insert nothing, so a caller that then SELECTs ... FOR UPDATE
    sees the winner's row: a unique constraint is never violated and nothing is
    written twice. SQLite serialises writers already; the statement is the same.
    """
    # Imported here: loading the PostgreSQL dialect would cost a file project's start-up
    # about 50 ms. Both dialects' insert() offer on_conflict_do_nothing.
    name = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    dialect = importlib.import_module(f"sqlalchemy.dialects.{name}")
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(table.c.id)
    )
    return session.execute(statement).scalar()


# The first key of this application's advisory locks (the second is the row's id).
_UNIT_LOCKS = 0x616E6E6F  # "anno"


def lock_unit(session: Session, unit_id: int, *, exclusive: bool) -> None:
    """Take turns on a unit until commit: a change of its segmentation (`exclusive`)
    against saves of codes and notes on it (shared among themselves). No-op on SQLite.

    On PostgreSQL a save checks and reads the unit, then writes; a split checks that
    nobody coded the unit, then cuts it. Without a lock both can pass their checks at
    once. An advisory lock needs no privilege a coder lacks (SELECT ... FOR SHARE would
    need UPDATE on the unit table). SQLite's BEGIN IMMEDIATE already serialises writers.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(
        text(
            f"SELECT pg_catalog.{function}"
            "(CAST(:space AS pg_catalog.int4), CAST(:unit AS pg_catalog.int4))"
        ),
        {"space": _UNIT_LOCKS, "unit": unit_id},
    )


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config  # only for a migration: alembic is slow to import

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The schema revision this version of annotator writes (see migrations/__init__.py)."""
    return migrations.HEAD


def known_revisions() -> set[str]:
    """Every schema revision this version can open (older ones are upgraded)."""
    return set(migrations.REVISIONS)


def current_revision(engine: Engine) -> str | None:
    """The revision alembic recorded in the database (None when it has none)."""
    with engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` (alembic is imported only now)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def check_is_project_file(path: Path) -> None:
    """Refuse anything that is not a writable SQLite database, without changing it."""
    _check_access(path)
    if not is_sqlite_database(path):
        raise ProjectError(f"{path}: not an annotator project (not an SQLite database)")


def _check_access(path: Path) -> None:
    """Refuse a missing, folder or read-only path before SQLite opens it."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    refuse_special_file(path)
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{path}: cannot read (Permission denied)")
    # Before SQLite opens it: a read-only connection to a WAL file leaves -wal/-shm behind.
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ProjectError(
            f"{path}: read-only (coding needs write access to the file and its folder); "
            "copy it somewhere writable or check its permissions"
        )


def refuse_special_file(path: Path) -> None:
    """Refuse a named pipe, socket or device from its status alone: opening one to read
    its header would wait, for ever, for a writer that never comes."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise ProjectError(f"{path}: cannot read ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        raise ProjectError(f"{path}: not a project file (a pipe, socket or device)")


def is_sqlite_database(path: Path) -> bool:
    """Whether SQLite takes `path` for a database (a damaged one included), asked of SQLite.

    An empty file is not one (SQLite would make it one on the first write). Raises
    ProjectError when the file cannot be opened at all. Never creates or changes a file.
    """
    path = Path(path)
    refuse_special_file(path)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        # SQLite could not open a WAL file here without leaving or needing -wal/-shm files.
        # A plain read is safe: this process never holds such a file (Project.open refuses
        # read-only projects), so there are no locks of its own for the close to drop.
        return _has_sqlite_header(path)
    try:
        with closing(read_only_connection(path)) as probe:
            return probe.execute("PRAGMA page_count").fetchone()[0] > 0
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            return False
        if error.sqlite_errorcode == sqlite3.SQLITE_CORRUPT:
            return True  # the header says SQLite; check_project_file calls it damaged
        raise _unreadable(path, error) from None


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file or leave anything beside it.

    Without a -wal file nobody has the file open in WAL mode and the main file is
    complete, so it is opened `immutable` (no locks, no -wal/-shm made; a read-only
    connection to a WAL file would otherwise create both, and a read-write one would
    checkpoint someone else's WAL into it on closing). With a -wal file it is opened
    read-only with locking, to see what the WAL holds; it cannot checkpoint it.
    Through SQLite, never plain file I/O (see engines.py on locks).
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)


def file_schema(path: Path) -> tuple[set[str], str | None]:
    """The file's tables and alembic revision, read without changing a byte.

    A file that another process began to write while it was read immutably is read
    again with locking.
    """
    for attempt in range(2):
        had_wal = Path(f"{path}-wal").exists()
        try:
            with closing(read_only_connection(path)) as connection:
                if connection.execute("PRAGMA page_count").fetchone()[0] == 0:
                    raise ProjectError(f"{path}: not an annotator project (not an SQLite database)")
                found = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                tables = {name for (name,) in found}
                revision = None
                if "alembic_version" in tables:
                    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                    revision = row[0] if row else None
                return tables, revision
        except sqlite3.DatabaseError as error:
            if not had_wal and Path(f"{path}-wal").exists() and attempt == 0:
                continue  # written meanwhile: read again, with locks
            raise _unreadable(path, error) from None
    raise AssertionError("unreachable")


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> ProjectError:
    if error.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
        return ProjectError(f"{path}: not an annotator project (not an SQLite database)")
    if error.sqlite_errorcode == sqlite3.SQLITE_CORRUPT:
        return ProjectError(f"{path}: damaged or not a project ({describe_failure(error)})")
    reason = describe_failure(error, path)
    if reason == DISK_FULL:
        return ProjectError(f"{path}: cannot open: {reason}")
    return ProjectError(f"{path}: cannot read ({reason})")


def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError as error:
        raise ProjectError(f"{path}: cannot read ({error.strerror})") from None


def quick_check(path: Path) -> list[str]:
    """SQLite's quick check of the file: [] when it passes, else the first few problems.

    It reads every page (but does not match indexes against their tables, which
    integrity_check would), so it takes about as long as reading the file once.
    """
    uri = Path(path).resolve().as_uri() + "?mode=rw"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as checker:
            checker.execute("PRAGMA query_only = ON")
            return quick_check_problems(checker)
    except sqlite3.OperationalError as error:
        raise _unreadable(Path(path), error) from None
    except sqlite3.DatabaseError as error:
        return [str(error).splitlines()[0]]


def open_elsewhere(path: Path) -> bool:
    """Whether another process has the project file open now (a window, a command).

    Asked of SQLite: a connection in exclusive locking mode tries, without waiting, for
    the exclusive lock, which every open connection to a WAL file prevents (each keeps a
    shared lock while open). Only for a process with no connection of its own to the file
    (closing this one would otherwise drop that connection's locks; see engines.py). A
    file too damaged to lock counts as not open elsewhere.
    """
    uri = Path(path).resolve().as_uri() + "?mode=rw"
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)) as probe:
            probe.execute("PRAGMA locking_mode = EXCLUSIVE")
            probe.execute("BEGIN EXCLUSIVE")
            probe.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        return "locked" in str(error) or "busy" in str(error)
    except sqlite3.DatabaseError:
        return False
    return False


def quick_check_problems(connection: sqlite3.Connection) -> list[str]:
    """The quick check's findings on an open connection, one line each ([] when it passes)."""
    problems = []
    for (found,) in connection.execute("PRAGMA quick_check(5)"):
        # "*** in database main ***\nPage 3: ..." -> "Page 3: ..."
        line = " ".join(part for part in found.splitlines() if not part.startswith("***"))
        problems.append(line.strip() or found.strip())
    return [] if problems == ["ok"] else problems


def check_project_file(path: Path) -> str:
    """Refuse a file that is not a usable project without changing it; returns its schema.

    Everything is read through `read_only_connection`: a file we are about to refuse
    (a damaged one, another program's database) stays byte for byte as it was, with no
    -wal, -shm or backup beside it; switching it to WAL or backing it up comes later.
    """
    _check_access(path)
    tables, revision = file_schema(path)
    return _checked_revision(path, tables, revision)


def check_server_project(url: str, label: str) -> str:
    """Refuse a database that is not an annotator project or is too new; returns its schema."""
    engine = make_server_engine(url)
    try:
        table_names(engine, label)  # an unreachable server is not a "damaged" project
        return check_schema(engine, label)
    finally:
        engine.dispose()


def table_names(engine: Engine, label: str) -> set[str]:
    """The database's tables; a server that cannot be reached becomes one clear line."""
    try:
        return set(inspect(engine).get_table_names())
    except DatabaseError as error:
        raise ProjectError(f"{label}: cannot connect ({describe_failure(error)})") from None


def check_schema(engine: Engine, path: Path | str) -> str:
    """The project's schema revision; refuse databases that are not projects or are too new."""
    try:
        tables = set(inspect(engine).get_table_names())
        revision = current_revision(engine) if "alembic_version" in tables else None
    except DatabaseError as error:
        raise ProjectError(
            f"{path}: damaged or not a project ({describe_failure(error)})"
        ) from None
    return _checked_revision(path, tables, revision)


# Tables every schema revision has; a database without them all is another program's.
PROJECT_TABLES = frozenset(
    {"project_setting", "codebook_version", "article", "unit", "coder", "code", "history"}
)


def _checked_revision(path: Path | str, tables: set[str], revision: str | None) -> str:
    if not tables >= PROJECT_TABLES or revision is None:
        raise ProjectError(f"{path}: not an annotator project (no project tables)")
    if revision not in migrations.REVISIONS:
        raise ProjectError(
            f"{path}: made by a newer version of annotator (schema {revision}); "
            "update annotator to open it"
        )
    return revision


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; a damaged or unreadable file becomes one clear line."""
    try:
        with Session(engine) as session:
            yield session
    except DatabaseError as error:
        raise project_failure(error, "could not read the project") from None


@contextmanager
def write_session(engine: Engine, attach: dict[str, Path] | None = None) -> Iterator[Session]:
    """A session whose work is committed on leaving, or rolled back whole on error; with
    `attach`, on a connection that has those SQLite files attached (`attached`)."""
    with ExitStack() as stack:
        bind = stack.enter_context(attached(engine, attach)) if attach else engine
        session = Session(bind, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except DatabaseError as error:
            session.rollback()
            raise project_failure(error, "could not save") from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@contextmanager
def attached(engine: Engine, files: dict[str, Path]) -> Iterator[Connection]:
    """A connection of the SQLite `engine` with `files` attached under their names, so
    that one transaction's statements can join their tables with the project's. SQLite
    refuses ATTACH inside a transaction, so the files are attached before the connection
    begins one, and detached after it has ended."""
    with engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        for name, path in files.items():
            driver.execute(f'ATTACH DATABASE ? AS "{name}"', (str(path),))
        try:
            yield connection
        finally:
            if connection.in_transaction():
                connection.rollback()
            try:
                for name in files:
                    driver.execute(f'DETACH DATABASE "{name}"')
            except sqlite3.Error:
                connection.invalidate()  # the pool drops it, and its attachments with it


DISK_FULL = "the disk is full (no space left on device); free some space and try again"
# SQLite reports a full disk met while making its -wal/-shm files as a plain I/O error;
# with less than this free in the file's folder, that is what the error means.
_NEARLY_FULL_BYTES = 1 << 20

_FAILURES = (
    ("row-level security", "not allowed: team members write only their own codes"),
    ("permission denied for", "not allowed for this team member"),
    ("database or disk is full", DISK_FULL),
    ("No space left on device", DISK_FULL),
    ("readonly database", "the project file is read-only; check its permissions"),
    ("Permission denied", "no permission to write there; check the folder's permissions"),
    ("Read-only file system", "the disk is read-only"),
    ("database is locked", "another window kept the project busy; try again"),
    ("disk image is malformed", "the project file is damaged; restore a backup"),
    ("Could not decode to UTF-8", "the project file is damaged; restore a backup"),
    ("Connection refused", "the database server is not reachable; is it running?"),
    ("server closed the connection", "the connection to the database server was lost"),
    ("terminating connection", "the connection to the database server was lost"),
    ("consuming input failed", "the connection to the database server was lost"),
    ("connection is closed", "the connection to the database server was lost"),
    ("connection timeout expired", "the database server did not answer in time"),
    ("not currently accepting connections", "the database server is not accepting connections now"),
    ("the database system is", "the database server is not accepting connections now"),
    ("could not translate host name", "the database server's name cannot be resolved"),
    ("Network is unreachable", "the network is unreachable"),
    ("No route to host", "the database server is not reachable"),
    ("password authentication failed", "the server refused the password"),
)

# Failures after which the same action may succeed later: nothing reached the database,
# and the cause (network, server, another process's lock) is outside the project.
_UNAVAILABLE = {
    "another window kept the project busy; try again",
    "the database server is not reachable; is it running?",
    "the connection to the database server was lost",
    "the database server did not answer in time",
    "the database server is not accepting connections now",
    "the database server's name cannot be resolved",
    "the network is unreachable",
    "the database server is not reachable",
}


def project_failure(error: BaseException, what: str) -> ProjectError:
    """The one-line error for a failed read or save: `ProjectUnavailable` when the project
    was only out of reach for now (worth trying again), else a plain `ProjectError`."""
    reason = describe_failure(error)
    unavailable = bool(getattr(error, "connection_invalidated", False)) or reason in _UNAVAILABLE
    kind = ProjectUnavailable if unavailable else ProjectError
    return kind(f"{what}: {reason}")


def probe(location: Path | str, timeout_s: float = 5.0) -> str | None:
    """Whether the project's database answers now: None if it does, else the reason.

    It uses a connection of its own and gives up after `timeout_s`, so that a worker
    thread can ask while the window stays responsive (the window's own engine may be
    in use, and SQLite connections belong to their thread). On a file it also checks
    that the write lock can be had, since a held lock is what made saves fail.
    """
    import psycopg  # only a server project needs it; imported here to keep startup light

    from annotator.core.store.location import is_server_url, server_url

    try:
        if is_server_url(location):
            url = make_url(server_url(str(location))).set(drivername="postgresql")
            libpq = url.render_as_string(hide_password=False)
            timeout = max(1, round(timeout_s))
            options = server_guard.CONNECT_OPTIONS  # as every connection to a server project
            with psycopg.connect(libpq, connect_timeout=timeout, options=options) as connection:
                connection.execute("SELECT 1")
        else:
            uri = Path(location).resolve().as_uri() + "?mode=rw"  # never creates a file
            with closing(sqlite3.connect(uri, uri=True, timeout=timeout_s)) as connection:
                connection.isolation_level = None
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
    except (psycopg.Error, sqlite3.Error, OSError) as error:
        return describe_failure(error)
    return None


def describe_failure(error: BaseException | str, where: Path | None = None) -> str:
    """A user-facing reason for a database or file-system failure, on one line.

    Every save and read failure goes through it, so they all read the same way
    ("could not save: the disk is full; ..."). `where`, a file's path, lets an I/O
    error on a disk that has no space left be called what it is.
    """
    text = str(getattr(error, "orig", None) or error)
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    for needle, reason in _FAILURES:
        if needle.lower() in text.lower():
            return reason
    if where is not None and "i/o error" in text.lower() and disk_is_full(where):
        return DISK_FULL
    return text.splitlines()[0] if text else type(error).__name__


def disk_is_full(path: Path | str) -> bool:
    """Whether the file system holding `path` has (next to) no space left for writing."""
    try:
        stats = os.statvfs(Path(path).parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < _NEARLY_FULL_BYTES
