"""Copying a whole project between a file and a server: `annotator push` and `pull`.

A team starts from one analyst's file and may want a file back (to archive, to
work offline); both directions copy every table, history included, in one
transaction. Row ids are the target database's own: each table's ids are
renumbered in the source order and every foreign key is remapped to match.

A push is all or nothing: the schema and every row go into the server in one
transaction (PostgreSQL rolls DDL back like any other statement), so a push that
fails leaves the database as empty as it found it and the same push can simply be
run again. What PostgreSQL cannot store at all, NUL characters in text, is looked
for before anything is written, and such a project is refused naming its articles:
translating them would make the server's text differ from the file's (and from its
sha256, the article's identity in merges) without anyone having chosen to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    LargeBinary,
    String,
    Table,
    cast,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from annotator.core.errors import ProjectError
from annotator.core.log_file import log_unexpected
from annotator.core.store import db
from annotator.core.store import models as _models  # noqa: F401  (registers the tables)
from annotator.core.store.location import display_location, is_server_url, server_url
from annotator.core.store.project import Project


def push(file: Path, url: str) -> dict[str, int]:
    """Copy the file project `file` into the empty PostgreSQL database at `url`."""
    if not is_server_url(url):
        raise ProjectError(f"{url}: push needs a database URL (postgresql+psycopg://...)")
    url = server_url(url)
    label = display_location(url)
    with Project.open(Path(file)) as source:
        refuse_nul_characters(source)
        db.check_new_server_database(url, label)  # before anything else reaches the server
        target = db.make_server_engine(url)
        try:
            if db.table_names(target, label):
                raise ProjectError(
                    f"{label}: the database is not empty; "
                    "push needs an empty database (createdb NAME)"
                )
            with target.connect() as writer:
                try:
                    with writer.begin():
                        _create_schema(writer)
                        return copy_rows(source.read_engine, writer)
                except DatabaseError as error:
                    # The reason on one line: never the statement or its parameters,
                    # which hold article text (the traceback goes to the log).
                    log_unexpected(f"annotator push to {label}", error)
                    reason = db.describe_failure(error)
                    raise ProjectError(
                        f"{label}: push failed, nothing was written ({reason})"
                    ) from None
        finally:
            target.dispose()


def _create_schema(writer: Connection) -> None:
    """The project's tables, made on `writer` inside its open transaction."""
    from alembic import command

    config = db.alembic_config()
    config.attributes["connection"] = writer
    command.upgrade(config, "head")


def refuse_nul_characters(source: Project) -> None:
    """Refuse a project whose text holds NUL characters (PostgreSQL stores none), naming
    the articles, or the tables when a NUL is elsewhere (a note, a history entry).

    SQLite keeps a NUL inside TEXT; looking for the byte in the text's bytes finds it.
    """
    articles: set[str] = set()
    tables: list[str] = []
    article = SQLModel.metadata.tables["article"]
    with source.reading() as session:
        for table in SQLModel.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, String)]  # Text included
            if not texts:
                continue
            has_nul = or_(*(func.instr(cast(c, LargeBinary), b"\x00") > 0 for c in texts))
            if table.name in ("article", "unit"):
                query = select(article.c.key).distinct().where(has_nul)
                if table is not article:
                    query = query.join_from(article, table, table.c.article_id == article.c.id)
                articles.update(session.execute(query).scalars())
            elif session.execute(select(func.count()).select_from(table).where(has_nul)).scalar():
                tables.append(table.name)
    if not articles and not tables:
        return
    where = []
    if articles:
        names = sorted(articles)
        more = f" and {len(names) - 10} more" if len(names) > 10 else ""
        where.append(f"article(s) {', '.join(names[:10])}{more}")
    if tables:
        where.append(f"table(s) {', '.join(tables)}")
    raise ProjectError(
        f"{source.label}: cannot push: {'; '.join(where)} hold NUL characters, which "
        "PostgreSQL cannot store; nothing was written"
    )


def pull(url: str, file: Path) -> dict[str, int]:
    """Copy the server project at `url` into a new project file `file`.

    Connect as the database owner or a supervisor: row-level security shows a
    coder only their own codes, and a pull copies what the connection can see.
    """
    file = Path(file)
    if file.exists():
        raise ProjectError(f"{file}: already exists; choose another name")
    if not file.parent.is_dir():
        raise ProjectError(f"{file}: folder {file.parent} does not exist")
    with Project.open(url) as source:
        target = db.make_engine(file, immediate=True)
        try:
            db.upgrade(target)
            return copy_rows(source.read_engine, target)
        except BaseException:
            target.dispose()
            file.unlink(missing_ok=True)
            raise
        finally:
            target.dispose()


BATCH_ROWS = 5_000  # rows read, remapped and written at a time


def copy_rows(source: Engine, target: Engine | Connection) -> dict[str, int]:
    """Copy every project table's rows into `target`'s empty tables; rows copied per table.

    `target` is an engine (one transaction of its own) or a connection inside the
    caller's transaction. Rows stream `BATCH_ROWS` at a time, so memory holds one batch
    plus the id maps of the tables others refer to (a large project's code and history
    tables, most of its rows, are never held whole).
    """
    if isinstance(target, Engine):
        with target.begin() as writer:
            return copy_rows(source, writer)
    tables = SQLModel.metadata.sorted_tables  # parents before children
    referenced = {
        key.column.table.name for t in tables for c in t.columns for key in c.foreign_keys
    }
    counts: dict[str, int] = {}
    new_ids: dict[str, dict[int, int]] = {}
    with source.connect() as reader:
        for table in tables:
            if table.name in referenced:
                new_ids[table.name] = {}
            counts[table.name] = _copy_table(reader, target, table, new_ids)
    return counts


def _copy_table(
    reader: Connection, writer: Connection, table: Table, new_ids: dict[str, dict[int, int]]
) -> int:
    """Copy one table in batches, its foreign keys remapped to the target's ids; where
    other tables refer to it (`new_ids` has its name), its own new ids are kept."""
    parents = [
        (column.name, new_ids[key.column.table.name])
        for column in table.columns
        for key in column.foreign_keys
    ]
    ids = new_ids.get(table.name)
    query = select(table).order_by(*table.primary_key).execution_options(yield_per=BATCH_ROWS)
    copied = 0
    for batch in reader.execute(query).partitions():
        rows = [dict(row._mapping) for row in batch]
        for row in rows:
            for name, mapped in parents:
                if row[name] is not None:
                    row[name] = mapped[row[name]]
        old = [row.pop("id") for row in rows] if "id" in table.c else None
        if ids is not None and old is not None:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            new: Sequence[int] = writer.execute(statement, rows).scalars().all()
            ids.update(zip(old, new, strict=True))
        else:
            writer.execute(insert(table), rows)
        copied += len(rows)
    return copied
