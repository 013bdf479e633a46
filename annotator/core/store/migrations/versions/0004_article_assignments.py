"""Who codes which article, as a table row-level security can read.

`annotator assign` recorded its assignment as JSON in the project's settings only; the
database could not use it, so on a team project every coder's role read every article.
A new table holds the (article, coder) pairs, written with the JSON in one transaction
(study/assignment_table.py). Filled here from a recorded assignment, if any, so a
project assigned before this migration is filtered as soon as it is upgraded.

On PostgreSQL the article and unit tables get the policies of store/assignment_rls.py
(a coder's role sees an article nobody is assigned to, or one assigned to her; a
supervisor sees all), and the members who may read the articles may read the new table,
which those policies consult with the member's rights.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from annotator.core.store.assignment_rls import POLICY, assignment_policy_statements
from annotator.core.store.server_guard import SCHEMA

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    schema = SCHEMA if postgres else None
    op.create_table(
        "assignment",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"]),
        sa.PrimaryKeyConstraint("article_id", "coder_id"),
        schema=schema,
    )
    _fill_from_setting()
    if postgres:
        quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(SCHEMA)
        for statement in assignment_policy_statements(quoted):
            op.execute(statement)
        _grant_to_readers(quoted)


def _fill_from_setting() -> None:
    """The pairs of an assignment recorded before (coders with no coder row yet get one,
    as their first code would make). A damaged setting is left for `assign` to report."""
    bind = op.get_bind()
    text = bind.execute(
        sa.text("SELECT value FROM project_setting WHERE key = 'study.assignment'")
    ).scalar()
    try:
        entries = json.loads(text)["articles"] if text else {}
        pairs = {(str(sha), str(name)) for sha, e in entries.items() for name in e["coders"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        return
    known: set[str] = set(bind.execute(sa.text("SELECT name FROM coder")).scalars())
    coder = sa.table(
        "coder", sa.column("name"), sa.column("role"), sa.column("created_at", sa.DateTime())
    )
    now = datetime.now(UTC)  # as models.utcnow
    new = sorted({name for _, name in pairs} - known)
    if new:
        bind.execute(coder.insert(), [{"name": n, "role": "coder", "created_at": now} for n in new])
    for sha, name in sorted(pairs):
        bind.execute(
            sa.text(
                "INSERT INTO assignment (article_id, coder_id)"
                " SELECT a.id, c.id FROM article a, coder c"
                " WHERE a.sha256 = :sha AND c.name = :name"
            ),
            {"sha": sha, "name": name},
        )


def _grant_to_readers(quoted: str) -> None:
    """Members read the new table as they read the articles (the policies ask it)."""
    readers: list[str] = list(
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT grantee FROM information_schema.role_table_grants"
                " WHERE table_schema = :schema AND table_name = 'article'"
                " AND privilege_type = 'SELECT' AND grantee NOT IN ('PUBLIC', current_user)"
            ),
            {"schema": SCHEMA},
        )
        .scalars()
    )
    for reader in readers:
        role = op.get_bind().dialect.identifier_preparer.quote_identifier(reader)
        op.execute(f"GRANT SELECT ON {quoted}.assignment TO {role}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        quoted = op.get_bind().dialect.identifier_preparer.quote_identifier(SCHEMA)
        for table in ("article", "unit"):  # with no policy left, members would see nothing
            op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {quoted}.{table}")
            op.execute(f"ALTER TABLE {quoted}.{table} DISABLE ROW LEVEL SECURITY")
    op.drop_table("assignment")
