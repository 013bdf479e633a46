"""Alembic environment: runs against the engine the caller hands over (see core/db.py), or
inside a transaction the caller holds open on a connection (see store/transfer.py).

On PostgreSQL every connection searches pg_catalog first (store/server_guard.py), where
an unqualified CREATE would aim, so what the migrations make, alembic's version table
included, is put in the project's schema by name.
"""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from annotator.core.store import (
    models,  # noqa: F401  (registers the tables)
    server_guard,
)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        # The caller's own transaction (push: the schema and every row commit together or
        # not at all); it commits, so nothing is committed here.
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


def _configure(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection = connection.execution_options(schema_translate_map={None: server_guard.SCHEMA})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        version_table_schema=server_guard.SCHEMA if postgres else None,
    )


run_migrations_online()
