"""The source's rows where the target's statements can join them.

A merge decides with set statements (INSERT ... SELECT, joins) between the source's rows
and the target's, inside the target's write transaction, on the target's one connection.
The source is always a private snapshot file (`merge_source`). Into a project file, the
snapshot is attached to that connection (ATTACH, before the transaction begins) and its
tables are joined where they are; in a dry run, whose one transaction covers many
sources, they are copied in batches into temporary tables, as SQLite stores them.

On a server nothing can be attached: the source's tables are copied into temporary
tables there too, through the column types (which turn SQLite's stored times into
timestamps). A team member may make no temporary tables (`team.roles`): on her
connection each set of rows the statements join (`Scratch`) goes to the server as
arrays, one per column, that `unnest` turns back into rows inside each statement that
joins it; the statements are the same joins and INSERT ... SELECTs, slower (the arrays
travel with every statement) but needing no privilege beyond the rows' own.

The merge's own sets (the articles it adds, the units it adds, the unit and coder maps,
the source's clears) are made the same way: temporary tables, dropped when the merge
ends (a rolled-back transaction takes them with it), or arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import sql
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    column,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.expression import FromClause
from sqlmodel import Session

from annotator.core.store.models import Article, Code, Coder, History, Note, Unit, table_of
from annotator.core.store.project import Project

PREFIX = "merge_source_"
_TABLES = tuple(table_of(model) for model in (Article, Unit, Coder, Code, Note, History))
_BATCH = 5000  # rows per fetch and executemany: a large source is never all in memory


@dataclass(frozen=True)
class SourceTables:
    """The source's tables, as the target's connection can join them."""

    article: FromClause
    unit: FromClause
    coder: FromClause
    code: FromClause
    note: FromClause
    history: FromClause


class Scratch:
    """Sets of rows the merge's statements join, on the target's connection: temporary
    tables, or on a server where the connection may make none, arrays sent with each
    statement (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.metadata = MetaData()
        self.arrays = self.connection.dialect.name == "postgresql" and not self.connection.scalar(
            text("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
        )
        self.made: list[Table] = []

    def rows(self, name: str, columns: list[Column], rows: Sequence[Sequence[Any]]) -> FromClause:
        """A set of `rows` (tuples in `columns` order) from Python."""
        if self.arrays:
            return _unnested(name, columns, rows)
        table = self._table(name, columns)
        if rows:
            names = [c.name for c in columns]
            self.connection.execute(
                insert(table), [dict(zip(names, row, strict=True)) for row in rows]
            )
        return table

    def select(self, name: str, columns: list[Column], query: Any) -> FromClause:
        """The set of rows `query` selects now (in `columns` order)."""
        if self.arrays:
            return _unnested(name, columns, self.connection.execute(query).all())
        table = self._table(name, columns)
        self.connection.execute(insert(table).from_select([c.name for c in columns], query))
        return table

    def drop(self) -> None:
        """Drop the temporary tables made (a later merge in the same transaction makes its
        own under the same names)."""
        for table in reversed(self.made):
            table.drop(self.connection)
        self.made.clear()

    def _table(self, name: str, columns: list[Column]) -> Table:
        table = Table(name, self.metadata, *columns, prefixes=["TEMPORARY"])
        table.create(self.connection)
        self.made.append(table)
        return table


def source_tables(scratch: Scratch, source: Project, attached: str | None) -> SourceTables:
    """The source's tables as the target's connection sees them. With `attached`, the
    schema name under which the source's snapshot is attached to that connection (a file
    target: see `Project.writing`): its own tables; else copies of them in `scratch`."""
    if attached is not None:
        return SourceTables(**_attached_tables(scratch.metadata, attached))
    copies: dict[str, FromClause] = {}
    with source.read_engine.connect() as reader:
        for table in _TABLES:
            name, columns = PREFIX + table.name, _columns(table)
            if scratch.arrays:
                copies[table.name] = scratch.rows(
                    name, columns, reader.execute(select(table)).all()
                )
            else:
                copies[table.name] = _copied(scratch, reader, table, name, columns)
    return SourceTables(**copies)


def key(name: str) -> Column:
    """A scratch set's key column: an integer, each row's own."""
    return Column(name, Integer, primary_key=True, autoincrement=False)


def integers(*names: str) -> list[Column]:
    return [Column(name, Integer) for name in names]


def _attached_tables(metadata: MetaData, schema: str) -> dict[str, FromClause]:
    """The attached snapshot's tables, each under an alias of its own: the target's table
    of the same name would otherwise be taken for it in correlated subqueries."""
    return {
        table.name: Table(table.name, metadata, *_columns(table), schema=schema).alias(
            PREFIX + table.name
        )
        for table in _TABLES
    }


def _columns(table: Table) -> list[Column]:
    """The table's columns without their constraints (ids kept as they are: no sequence)."""
    return [
        Column(c.name, c.type, primary_key=c.primary_key, autoincrement=False)
        for c in table.columns
    ]


def _copied(
    scratch: Scratch, reader: Connection, table: Table, name: str, columns: list[Column]
) -> Table:
    """A temporary copy of the source's `table`, `_BATCH` rows at a time: into a SQLite
    target as SQLite stores them, into a server through the column types."""
    copy = scratch._table(name, columns)
    if scratch.connection.dialect.name == "sqlite":
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        result = reader.exec_driver_sql(f'SELECT {names} FROM "{table.name}"')
        marks = ", ".join("?" for _ in table.columns)
        statement = f'INSERT INTO temp."{copy.name}" ({names}) VALUES ({marks})'
        while rows := result.fetchmany(_BATCH):
            scratch.connection.exec_driver_sql(statement, [tuple(row) for row in rows])
    else:
        _copy_into_server(scratch.connection, reader.execute(select(table)), copy)
    if table.name == "history":
        identity = (copy.c[column] for column in ("article_sha256", "start", "end"))
        Index(f"{name}_identity", *identity).create(scratch.connection)
    return copy


def _copy_into_server(connection: Connection, rows: Any, copy: Table) -> None:
    """`rows` (typed, from the snapshot) into the server's temporary table `copy` by COPY,
    in the transaction of the target's connection."""
    names = sql.SQL(", ").join(sql.Identifier(c.name) for c in copy.columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier("pg_temp", copy.name), names
    )
    driver: Any = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copying:
        for row in rows:
            copying.write_row(tuple(row))


def _unnested(name: str, columns: list[Column], rows: Sequence[Sequence[Any]]) -> FromClause:
    """`rows` as a PostgreSQL set: one array parameter per column, `unnest` in the FROM."""
    arrays = [
        bindparam(f"{name}_{c.name}", [row[i] for row in rows], type_=ARRAY(_element_type(c)))
        for i, c in enumerate(columns)
    ]
    rendered = [column(c.name, _element_type(c)) for c in columns]
    return func.unnest(*arrays).table_valued(*rendered).render_derived(name=name)


def _element_type(column: Column) -> Any:
    """The array element type for a column: integers as they are, times as PostgreSQL's
    timestamps with a zone (as the project's columns are), text else."""
    affinity = column.type._type_affinity
    if affinity is not None and issubclass(affinity, Integer):
        return Integer()
    if affinity is not None and issubclass(affinity, DateTime):
        return DateTime(timezone=True)
    return Text()
