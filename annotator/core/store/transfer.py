"""Copying a whole project between a file and a server: `annotator push` and `pull`.

A team starts from one analyst's file and may want a file back (to archive, to
work offline); both directions copy every table, history included, in one
transaction. Rows keep their ids (the target is empty), so foreign keys copy as
they are; into PostgreSQL the rows go by COPY.

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
    text,
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


BATCH_ROWS = 5_000  # rows read and written at a time


def copy_rows(source: Engine, target: Engine | Connection) -> dict[str, int]:
    """Copy every project table's rows into `target`'s empty tables; rows copied per table.

    `target` is an engine (one transaction of its own) or a connection inside the
    caller's transaction. Rows keep their ids: the target's tables are empty, so no id
    can clash, and no foreign key needs remapping (a map of every unit's new id cost
    hundreds of MB at 100,000 articles, and an INSERT ... RETURNING per batch). The
    target's id sequences then start after the highest id copied. Rows stream
    `BATCH_ROWS` at a time, so memory holds one batch; into PostgreSQL they go by COPY,
    several times faster than INSERT (issue 29: a 100,000-article project is 38 million
    rows).
    """
    if isinstance(target, Engine):
        with target.begin() as writer:
            return copy_rows(source, writer)
    tables = SQLModel.metadata.sorted_tables  # parents before children
    counts: dict[str, int] = {}
    with source.connect() as reader:
        for table in tables:
            counts[table.name] = _copy_table(reader, target, table)
    if target.dialect.name == "postgresql":
        _restart_sequences(target, tables)
    return counts


def _copy_table(reader: Connection, writer: Connection, table: Table) -> int:
    """Copy one table in batches, ids and foreign keys as they are."""
    query = select(table).order_by(*table.primary_key).execution_options(yield_per=BATCH_ROWS)
    names = [column.name for column in table.columns]
    copied = 0
    for batch in reader.execute(query).partitions():
        if writer.dialect.name == "postgresql":
            _copy_in(writer, table, names, batch)
        else:
            writer.execute(insert(table), [dict(row._mapping) for row in batch])
        copied += len(batch)
    return copied


def _copy_in(writer: Connection, table: Table, names: list[str], rows: Sequence) -> None:
    """Rows into a PostgreSQL table by COPY FROM STDIN, on the writer's own connection
    and transaction (psycopg writes each value as an INSERT's parameter would be)."""
    preparer = writer.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in names)
    statement = f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"
    driver = writer.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(tuple(row))


def _restart_sequences(writer: Connection, tables: Sequence[Table]) -> None:
    """Each table's id sequence to start after its highest copied id, as if the rows had
    been inserted one by one."""
    for table in tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        name = writer.dialect.identifier_preparer.format_table(table)
        writer.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
            ),
            {"table": name},
        )
