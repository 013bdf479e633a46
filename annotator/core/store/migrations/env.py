"""Alembic environment: runs against the engine the caller hands over (see core/db.py)."""

from alembic import context
from sqlmodel import SQLModel

from annotator.core.store import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
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
