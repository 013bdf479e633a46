"""The source's rows where the target's statements can join them.

A merge decides with set statements (INSERT ... SELECT, joins) between the source's rows
and the target's, inside the target's write transaction, on the target's one connection.
The source is always a private snapshot file (`merge_source`). Into a project file, the
snapshot is attached to that connection (ATTACH, before the transaction begins) and its
tables are joined where they are. Where nothing can be attached (a server target, or a
dry run, whose one transaction covers many sources) its tables are copied, in batches,
into temporary tables of the target's connection (SQLite's `temp` schema, PostgreSQL's
session schema): the same statements then run on both back ends. Between two project
files the rows pass as SQLite stores them, without conversion; into a server they pass
through the column types, which turn SQLite's stored times into timestamps. The merge's
own work tables (`WorkTables`: the unit and coder maps, the articles it adds, the
source's clears) are temporary tables in every case, dropped when the merge ends (a
rolled-back transaction takes them with it).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Index, Integer, MetaData, Table, Text, select
from sqlalchemy.sql.expression import FromClause
from sqlmodel import Session

from annotator.core.store.models import Article, Code, Coder, History, Note, Unit, table_of
from annotator.core.store.project import Project

PREFIX = "merge_source_"
_TABLES = tuple(table_of(model) for model in (Article, Unit, Coder, Code, Note, History))
_BATCH = 5000  # rows per fetch and executemany: a large source is never all in memory


@dataclass(frozen=True)
class SourceTables:
    """The source's tables, copied into temporary tables of the target's connection."""

    article: FromClause
    unit: FromClause
    coder: FromClause
    code: FromClause
    note: FromClause
    history: FromClause


@dataclass(frozen=True)
class WorkTables:
    """The merge's own temporary tables.

    - new_article: source article id -> the key and position it takes in the target;
    - unit_map: every source unit -> the target's article and unit (NULL where the target
      lacks the span), whether the merge adds the unit, and whether its article is new;
    - coder_map: source coder id -> target coder id, for the coders whose work is merged;
    - clear: the source's last word on a (target unit, coder, target) was to clear it, when.
    """

    new_article: Table
    unit_map: Table
    coder_map: Table
    clear: Table


def stage(
    session: Session, source: Project, attached: str | None = None
) -> tuple[SourceTables, WorkTables]:
    """The source's tables as the target's connection sees them, and the merge's work
    tables (made here). With `attached`, the schema name under which the source's snapshot
    is attached to that connection (a file target: see `Project.writing`), the source's
    own tables; else temporary copies of them, filled here from `source`."""
    connection = session.connection()
    metadata = MetaData()
    work = _work_tables(metadata)
    for table in _tables(work):
        table.create(connection)
    if attached is not None:
        return SourceTables(**_attached_tables(metadata, attached)), work
    as_stored = connection.dialect.name == "sqlite"
    copies: dict[str, FromClause] = {}
    with source.read_engine.connect() as reader:
        for table in _TABLES:
            copy = _temporary(metadata, PREFIX + table.name, _columns(table))
            copy.create(connection)
            _fill(reader, connection, table, copy, as_stored=as_stored)
            copies[table.name] = copy
    sources = SourceTables(**copies)
    identity = (sources.history.c[name] for name in ("article_sha256", "start", "end"))
    Index(f"{PREFIX}history_identity", *identity).create(connection)
    return sources, work


def _attached_tables(metadata: MetaData, schema: str) -> dict[str, FromClause]:
    """The attached snapshot's tables, each under an alias of its own: the target's table
    of the same name would otherwise be taken for it in correlated subqueries."""
    return {
        table.name: Table(table.name, metadata, *_columns(table), schema=schema).alias(
            PREFIX + table.name
        )
        for table in _TABLES
    }


def drop(session: Session, *groups: SourceTables | WorkTables) -> None:
    """Drop the temporary tables (a later merge in the same transaction makes its own);
    pass the `SourceTables` only when `stage` copied them."""
    connection = session.connection()
    for group in groups:
        for table in _tables(group):
            table.drop(connection)


def _tables(group: SourceTables | WorkTables) -> list[Table]:
    return [getattr(group, item.name) for item in fields(group)]


def _columns(table: Table) -> list[Column]:
    """The table's columns without their constraints (ids kept as they are: no sequence)."""
    return [
        Column(c.name, c.type, primary_key=c.primary_key, autoincrement=False)
        for c in table.columns
    ]


def _temporary(metadata: MetaData, name: str, columns: list[Column]) -> Table:
    return Table(name, metadata, *columns, prefixes=["TEMPORARY"])


def _fill(
    reader: Connection, writer: Connection, table: Table, copy: Table, *, as_stored: bool
) -> None:
    """Copy `table`'s rows from the source into `copy`, `_BATCH` rows at a time."""
    if as_stored:
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        result = reader.exec_driver_sql(f'SELECT {names} FROM "{table.name}"')
        marks = ", ".join("?" for _ in table.columns)
        statement = f'INSERT INTO temp."{copy.name}" ({names}) VALUES ({marks})'
        while rows := result.fetchmany(_BATCH):
            writer.exec_driver_sql(statement, [tuple(row) for row in rows])
        return
    typed = reader.execute(select(table))
    while rows := typed.fetchmany(_BATCH):
        writer.execute(copy.insert(), [dict(row._mapping) for row in rows])


def _work_tables(metadata: MetaData) -> WorkTables:
    def integer(name: str, **options: Any) -> Column:
        return Column(name, Integer, autoincrement=False, **options)

    return WorkTables(
        new_article=_temporary(
            metadata,
            "merge_new_article",
            [integer("sid", primary_key=True), Column("key", Text), integer("position")],
        ),
        unit_map=_temporary(
            metadata,
            "merge_unit_map",
            [
                integer("sid", primary_key=True),
                integer("article_id"),
                integer("tid", nullable=True),
                integer("start"),
                integer("end"),
                integer("added"),
                integer("new_article"),
            ],
        ),
        coder_map=_temporary(
            metadata,
            "merge_coder_map",
            [integer("sid", primary_key=True), integer("tid"), Column("name", Text)],
        ),
        clear=_temporary(
            metadata,
            "merge_clear",
            [
                integer("unit_id"),
                integer("coder_id"),
                Column("target", Text),
                Column("at", DateTime),
            ],
        ),
    )
