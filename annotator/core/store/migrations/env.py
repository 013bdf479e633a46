"""Alembic environment: runs against the engine the caller hands over (see core/db.py), or
inside a transaction the caller holds open on a connection (see store/transfer.py)."""

from alembic import context
from sqlmodel import SQLModel

from annotator.core.store import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        # The caller's own transaction (push: the schema and every row commit together or
        # not at all); it commits, so nothing is committed here.
        context.configure(connection=given, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
