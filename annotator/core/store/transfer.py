"""Copying a whole project between a file and a server: `annotator push` and `pull`.

A team starts from one analyst's file and may want a file back (to archive, to
work offline); both directions copy every table, history included, in one
transaction. Row ids are the target database's own: each table's ids are
renumbered in the source order and every foreign key is remapped to match.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlmodel import SQLModel

from annotator.core.errors import ProjectError
from annotator.core.store import db
from annotator.core.store import models as _models  # noqa: F401  (registers the tables)
from annotator.core.store.location import display_location, is_server_url, server_url
from annotator.core.store.project import Project


def push(file: Path, url: str) -> dict[str, int]:
    """Copy the file project `file` into the empty PostgreSQL database at `url`."""
    if not is_server_url(url):
        raise ProjectError(f"{url}: push needs a database URL (postgresql+psycopg://...)")
    url = server_url(url)
    with Project.open(Path(file)) as source:
        target = db.make_server_engine(url)
        try:
            if db.table_names(target, display_location(url)):
                raise ProjectError(
                    f"{display_location(url)}: the database is not empty; "
                    "push needs an empty database (createdb NAME)"
                )
            db.upgrade(target)
            return copy_rows(source.read_engine, target)
        finally:
            target.dispose()


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


def copy_rows(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every project table's rows into `target`'s empty tables; rows copied per table."""
    counts: dict[str, int] = {}
    new_ids: dict[str, dict[int, int]] = {}
    with source.connect() as reader, target.begin() as writer:
        for table in SQLModel.metadata.sorted_tables:  # parents before children
            counts[table.name] = _copy_table(reader, writer, table, new_ids)
    return counts


def _copy_table(
    reader: Connection, writer: Connection, table: Table, new_ids: dict[str, dict[int, int]]
) -> int:
    rows = [
        dict(row._mapping) for row in reader.execute(select(table).order_by(*table.primary_key))
    ]
    for row in rows:
        for column in table.columns:
            for key in column.foreign_keys:
                if row[column.name] is not None:
                    row[column.name] = new_ids[key.column.table.name][row[column.name]]
    if not rows:
        return 0
    if "id" not in table.c:
        writer.execute(insert(table), rows)
        return len(rows)
    old = [row.pop("id") for row in rows]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    new: Sequence[int] = writer.execute(statement, rows).scalars().all()
    new_ids[table.name] = dict(zip(old, new, strict=True))
    return len(rows)
